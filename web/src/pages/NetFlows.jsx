import { useApi } from '../api.js';
import { cellText, numberOf, rowObjects } from '../format.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';
import { rowLabels } from '../charts.js';

// Does a school or trust take its share? (docs/local-outcomes.md,
// net_flows.csv): the pupils who joined and left each roll during the year,
// of each group (SEN support, EHC plan, disadvantaged, previously
// suspended), each side's share of the group against the same LA's other
// schools of the type, with Newcombe's 95% interval for the difference.
// Published, disclosure-controlled figures; a question, never a verdict.
// On an LA page every school and trust there; on a trust page its own.

const STYLE = { fontSize: '12px', fontFamily: 'inherit', color: '#0b0c0c', background: 'white', overflow: 'visible' };
const SIDES = [
  { key: 'joiners', label: 'Joiners', colour: '#1d70b8' },
  { key: 'leavers', label: 'Leavers', colour: '#d4351c' },
];
const ASSESSED = (reading) => typeof reading === 'string' && /^(more|less|in line)/.test(reading);
// A difference whose interval leaves out zero: a question to ask.
const QUESTION = (reading) => typeof reading === 'string' && /^(more|less)/.test(reading);
const cell = (v) => (numberOf(v) !== null ? numberOf(v) : v);

function unitName(r) {
  if (r.geographic_level === 'School') return r.school_name || `URN ${r.school_urn}`;
  return `${r.trust_name || r.trust_id}: its ${String(r.school_type || '').toLowerCase()} schools`;
}

function sideRows(rows, side) {
  return rows.map((r) => ({
    unit: r.unit,
    group: r.group,
    count: cell(r[side]),
    all: cell(r[`${side}_all`]),
    share: cell(r[`${side}_percent`]),
    others: cell(r[`place_${side}_percent`]),
    difference: cell(r[`${side}_difference`]),
    interval:
      numberOf(r[`${side}_difference_lower_95`]) !== null && numberOf(r[`${side}_difference_upper_95`]) !== null
        ? `${cellText(numberOf(r[`${side}_difference_lower_95`]))} to ${cellText(numberOf(r[`${side}_difference_upper_95`]))}`
        : 'none given',
    reading: r[`${side}_reading`],
    net: cell(r.net),
  }));
}

export function NetFlows({ kind, id }) {
  const path = kind === 'la' ? `/api/v1/las/${encodeURIComponent(id)}/net-flows` : `/api/v1/trusts/${encodeURIComponent(id)}/net-flows`;
  const st = useApi(path);
  if (st.loading) return null;
  const all = rowObjects(st.data ? st.data[0] : null);
  if (!all.length) return null;
  const rows = all
    .filter((r) => r.breakdown !== 'Total')
    .map((r) => ({ ...r, unit: unitName(r), group: r.breakdown }));
  // The chart: each assessed comparison's difference with its interval.
  const pts = [];
  for (const r of rows) {
    for (const s of SIDES) {
      const d = numberOf(r[`${s.key}_difference`]);
      const lo = numberOf(r[`${s.key}_difference_lower_95`]);
      const hi = numberOf(r[`${s.key}_difference_upper_95`]);
      if (!QUESTION(r[`${s.key}_reading`]) || d === null || lo === null || hi === null) continue;
      pts.push({
        label: `${r.group}: ${r.unit}`,
        unit: r.unit,
        group: r.group,
        side: s.label,
        share: cell(r[`${s.key}_percent`]),
        others: cell(r[`place_${s.key}_percent`]),
        d,
        lo,
        hi,
        interval: `${cellText(lo)} to ${cellText(hi)}`,
        reading: r[`${s.key}_reading`],
      });
    }
  }
  const labels = [...new Set(pts.map((p) => p.label))];
  const assessed = rows.filter((r) => ASSESSED(r.joiners_reading) || ASSESSED(r.leavers_reading)).length;
  const where = kind === 'la' ? 'each school and trust in this local authority' : "each of the trust's schools, and its schools of each type in each local authority";
  const columns = (side) => [
    { key: 'unit', label: kind === 'la' ? 'School or trust' : 'School', head: true },
    { key: 'group', label: 'Pupils' },
    { key: 'count', label: side === 'joiners' ? 'Joined' : 'Left', num: true, dp: 0 },
    { key: 'share', label: 'Share (%)', num: true },
    { key: 'others', label: "LA's other schools (%)", num: true },
    { key: 'difference', label: 'Difference (points)', num: true },
    { key: 'interval', label: '95% interval' },
    { key: 'reading', label: 'Reading' },
  ];
  const exportColumns = (side) => [...columns(side), { key: 'all', label: side === 'joiners' ? 'All joiners' : 'All leavers' }, { key: 'net', label: 'Net (joined less left, this group)' }];
  return (
    <section aria-labelledby="netflows-h" data-testid="net-flows">
      <h2 id="netflows-h">Does each school take its share of the pupils who move?</h2>
      <p class="mirror">
        For {where}: the pupils who joined or left its roll during the year, and of them those with SEN support, an EHC plan, disadvantaged, or suspended in the year before the move. Each share is set beside the share among the same local authority's other schools of the same type, with a 95% interval for the difference. A difference is a question to ask (what lies behind it?), never a verdict: a school may take more pupils with an EHC plan because its provision suits them. Figures of 1 or 2 pupils, and any figure they could be worked out from, are shown as c; "not assessed" means a figure behind the comparison is hidden or there is no one to compare.
      </p>
      {pts.length ? (
        <figure class="chart-figure">
          <Chart
            label={`Dot chart: each comparison whose 95% interval leaves out no difference: the share of joiners (blue) or leavers (red) of a group against the local authority's other schools' share, in percentage points. ${assessed} of ${rows.length} school and group rows can be assessed. The table beside it holds the same figures.`}
            dataKey={JSON.stringify(['net-flows', kind, id, pts])}
            minHeight={60 + labels.length * 22}
            draw={(Plot, width) => {
              // Each row named in full: beside it where the names fit, above it where not.
              const layout = rowLabels(Plot, width, labels, { margin: 290, row: 22, aboveRow: 40 });
              return Plot.plot({
                width,
                height: 54 + layout.marginTop + labels.length * layout.step,
                marginLeft: layout.marginLeft,
                marginTop: layout.marginTop,
                style: STYLE,
                x: { label: width < 600 ? 'Difference, points →' : 'Difference from the LA’s other schools of the type, percentage points →', grid: true, nice: true, ticks: width < 600 ? 4 : undefined },
                y: layout.y,
                color: { domain: SIDES.map((s) => s.label), range: SIDES.map((s) => s.colour), legend: true },
                // Joiners a little above the line of their label, leavers a little below.
                marks: [
                  ...layout.marks,
                  Plot.ruleX([0], { stroke: '#505a5f' }),
                  ...SIDES.flatMap((s, k) => {
                    const these = pts.filter((p) => p.side === s.label);
                    const dy = k === 0 ? -3 : 3;
                    return [
                      Plot.ruleY(these, { y: 'label', x1: 'lo', x2: 'hi', stroke: 'side', strokeWidth: 2, dy }),
                      Plot.dot(these, { x: 'd', y: 'label', fill: 'side', r: 4, dy }),
                    ];
                  }),
                ],
              });
            }}
          />
          <figcaption class="legend">Blue: joiners; red: leavers. Right of the line: more of the group than the other schools' share; left: fewer. Drawn: the {pts.length} comparisons whose interval leaves out zero, the questions to ask; {assessed} of {rows.length} school and group rows can be assessed at all, and every one is in the tables below.</figcaption>
        </figure>
      ) : (
        <p>{assessed ? `None of the ${assessed} comparisons that can be assessed differs from the local authority's other schools by more than chance would; they are in the tables below.` : 'No comparison can be assessed here: too few pupils moved, or the figures behind the comparisons are hidden to protect pupils.'}</p>
      )}
      {pts.length ? (
        <DataTable
          caption="The questions to ask: each share whose difference from the local authority's other schools of the type leaves out zero"
          testid="net-flows-drawn"
          file={`${kind}-${id}-net-flows-compared`}
          rows={pts}
          exportColumns={[{ key: 'unit' }, { key: 'group' }, { key: 'side' }, { key: 'share' }, { key: 'others' }, { key: 'd', label: 'difference' }, { key: 'lo', label: 'lower_95' }, { key: 'hi', label: 'upper_95' }, { key: 'reading' }]}
          columns={[
            { key: 'label', label: kind === 'la' ? 'Pupils: school or trust' : 'Pupils: school', head: true },
            { key: 'side', label: 'Moved' },
            { key: 'share', label: 'Share (%)', num: true },
            { key: 'others', label: "LA's other schools (%)", num: true },
            { key: 'd', label: 'Difference (points)', num: true },
            { key: 'interval', label: '95% interval' },
            { key: 'reading', label: 'Reading' },
          ]}
        />
      ) : null}
      <details class="group-panel" data-testid="net-flows-all">
        <summary>
          <span class="summary-text">Every {kind === 'la' ? 'school, trust' : 'school'} and group, joiners and leavers</span> <span class="muted">({rows.length} rows each, with those not assessed; tables and downloads)</span>
        </summary>
        <div class="card-body">
          {SIDES.map((s) => (
            <DataTable
              key={s.key}
              caption={`${s.label}: each group's share against the local authority's other schools of the type`}
              testid={`net-flows-${s.key}`}
              file={`${kind}-${id}-net-flows-${s.key}`}
              rows={sideRows(rows, s.key)}
              columns={columns(s.key)}
              exportColumns={exportColumns(s.key)}
            />
          ))}
        </div>
      </details>
    </section>
  );
}
