import { useState } from 'preact/hooks';
import { useApi } from '../api.js';
import { Val, capitalise, cellText, numberOf, periodText } from '../format.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';
import { Sankey } from '../components/Sankey.jsx';

// The Local Outcomes Framework for a place (docs/local-outcomes.md): the
// published, disclosure-controlled rows the server made once after its
// build. Every figure is a mirror, never a ranking; `x` is no data, shown as
// such, never as zero.

const STYLE = { fontSize: '12px', fontFamily: 'inherit', color: '#0b0c0c', background: 'white', overflow: 'visible' };

// {columns, rows: [[...]]} -> [{column: cell}]
function objects(body) {
  if (!body || !Array.isArray(body.columns) || !Array.isArray(body.rows)) return [];
  return body.rows.map((r) => Object.fromEntries(body.columns.map((c, i) => [c, r[i]])));
}

// A published text cell as a number for the tables (symbols stay symbols).
const cell = (v) => (numberOf(v) !== null ? numberOf(v) : v);
const interval = (lo, hi) => (numberOf(lo) !== null && numberOf(hi) !== null ? `${cellText(numberOf(lo))} to ${cellText(numberOf(hi))}` : 'none given');
const periodKey = (r) => `${r.time_period}|${r.time_identifier}`;

// A figure: a count without decimals, anything else to one place; symbols in words.
const isCount = (measure) => !/percent|rate|avg_|^pc_/.test(measure);
const fig = (key) => (r) => <Val v={r[key]} dp={Number.isInteger(r[key]) && isCount(r.measure) ? 0 : 1} />;

const POLARITY = {
  'higher is better': 'Higher is better',
  'lower is better': 'Lower is better',
  neither: 'Neither way is better (context)',
};

function pickBasis(rows, basis) {
  return rows.filter((r) => r.location_basis === basis || r.location_basis === 'Not applicable');
}

// The framework's places (docs/local-outcomes.md, "Places"): how each is
// fetched, named in the tables, and compared. Only an LA has statistical
// neighbours and a quarter among LAs; England is compared with nothing but
// its own groups.
export const PLACE_LEVELS = {
  la: { path: (c) => `/api/v1/las/${encodeURIComponent(c)}/outcomes`, movement: (c) => `/api/v1/las/${encodeURIComponent(c)}/movement`, rowLevel: 'Local authority', self: 'This LA', the: 'the local authority', here: 'this LA', file: (c) => `la-${c}`, england: true, neighbours: true },
  region: { path: (c) => `/api/v1/regions/${encodeURIComponent(c)}/outcomes`, movement: (c) => `/api/v1/regions/${encodeURIComponent(c)}/movement`, rowLevel: 'Regional', self: 'This region', the: 'the region', here: 'this region', file: (c) => `region-${c}`, england: true, neighbours: false },
  place: { path: (c) => `/api/v1/places/${encodeURIComponent(c)}/outcomes`, movement: (c) => `/api/v1/places/${encodeURIComponent(c)}/movement`, rowLevel: 'Place', self: 'This place', the: 'the place', here: 'this place', file: (c) => `place-${c}`, england: true, neighbours: false },
  england: { path: () => '/api/v1/england/outcomes', movement: () => '/api/v1/england/movement', rowLevel: 'National', self: 'England', the: 'England', here: 'England', file: () => 'england', england: false, neighbours: false },
};

// A gap with its 95% interval beneath it (none under a symbol).
function gapWithInterval(key, lo, hi) {
  return (r) => (
    <>
      <Val v={r[key]} />
      {typeof r[key] === 'number' && typeof r[lo] === 'number' && typeof r[hi] === 'number' ? (
        <span class="lof-ci">
          {cellText(r[lo])} to {cellText(r[hi])}
        </span>
      ) : null}
    </>
  );
}

// The LA's framework on its page (#/la/CODE).
export function LaOutcomes({ code }) {
  return <Outcomes level="la" code={code} />;
}

// The framework for one place: an LA, a region, England or a user-defined
// place. `places` is GET /api/v1/places (for the links to the LA's region
// and to England), when it has come.
export function Outcomes({ level, code = '' }) {
  const L = PLACE_LEVELS[level] || PLACE_LEVELS.la;
  const st = useApi([L.path(code), '/api/v1/outcomes/measures']);
  const list = useApi('/api/v1/places');
  const [basis, setBasis] = useState('School location');
  const [measure, setMeasure] = useState('');
  if (st.loading) return null;
  const all = objects(st.data ? st.data[0] : null);
  // The catalogue: each measure's label and definition (the id stays in the downloads).
  const catalogue = new Map(((st.data && st.data[1] && st.data[1].measures) || []).map((m) => [m.id, m]));
  const labelOf = (id) => (catalogue.get(id) || {}).label || id;
  const definitionOf = (id) => (catalogue.get(id) || {}).definition || '';
  const places = list.data ? list.data[0] : null;
  if (!all.length) {
    return (
      <section aria-labelledby="lof-h" data-testid="outcomes">
        <h2 id="lof-h">Local Outcomes Framework</h2>
        <p class="muted" data-testid="outcomes-none">
          {level === 'la' || !st.error ? `This server holds no Local Outcomes Framework for ${L.the === 'England' ? 'England' : `this ${L.the.replace(/^the /, '')}`}.` : `${capitalise(st.error.replace(/[.\s]+$/, ''))}.`}
        </p>
      </section>
    );
  }
  const bases = [...new Set(all.map((r) => r.location_basis).filter((b) => b !== 'Not applicable'))];
  const rows = pickBasis(all, bases.includes(basis) ? basis : bases[0] || 'Not applicable');
  const totals = rows.filter((r) => r.school_type === 'Total' && r.breakdown === 'Total');
  // At a glance: each measure's latest period.
  const latest = new Map();
  for (const r of totals) {
    const old = latest.get(r.measure);
    if (!old || periodKey(r) > periodKey(old)) latest.set(r.measure, r);
  }
  // In the catalogue's order, so related measures stand together (the
  // published and the pupil-level SEND measures, NEET at 16-17 and at 16).
  const order = new Map([...catalogue.keys()].map((id, i) => [id, i]));
  const rank = (id) => (order.has(id) ? order.get(id) : order.size);
  const ordered = [...latest.values()].sort((a, b) => rank(a.measure) - rank(b.measure));
  const glance = ordered.map((r) => ({
    measure: r.measure,
    label: labelOf(r.measure),
    definition: definitionOf(r.measure),
    period: r.time_identifier && /^Week/.test(r.time_identifier) ? `${periodText(r.time_period)} ${r.time_identifier}` : periodText(r.time_period),
    value: cell(r.value),
    interval: interval(r.lower_95, r.upper_95),
    england: cell(r.england_value),
    sn: cell(r.sn_mean),
    quarter: r.quartile_among_las,
    polarity: POLARITY[r.polarity || (catalogue.get(r.measure) || {}).polarity] || r.polarity,
  }));
  const measures = ordered.map((r) => r.measure);
  // Pupil-level mode on records that do not cover England has no England
  // figure (docs/local-outcomes.md): say so once rather than only "no data".
  const noValue = (v) => numberOf(v) === null;
  const noEngland = L.england && totals.length > 0 && totals.every((r) => noValue(r.england_value));
  const noNeighbours = totals.every((r) => noValue(r.sn_mean));
  // A region from pupil records counts only the schools and pupils the records hold in it.
  const fromRecords = all.some((r) => r.source === 'store');
  // The first measure: one that is better one way and given by group.
  const judged = (x) => latest.get(x).polarity !== 'neither';
  const byGroup = (x) => rows.some((r) => r.measure === x && r.breakdown !== 'Total' && numberOf(r.value) !== null);
  const m = measures.includes(measure) ? measure : measures.find((x) => judged(x) && byGroup(x)) || measures.find(byGroup) || measures[0];
  const ofM = rows.filter((r) => r.measure === m && r.school_type === 'Total');
  // The gaps in the latest period given by group (a year to date may be
  // published for all pupils alone).
  const lastPeriod = ofM.filter((r) => r.breakdown !== 'Total').reduce((a, r) => (periodKey(r) > a ? periodKey(r) : a), '');
  const gaps = ofM
    .filter((r) => r.breakdown !== 'Total' && periodKey(r) === lastPeriod)
    .map((r) => ({
      group: r.breakdown,
      value: cell(r.value),
      lo: numberOf(r.lower_95),
      hi: numberOf(r.upper_95),
      interval: interval(r.lower_95, r.upper_95),
      peers: r.peer_breakdown,
      peer_value: cell(r.peer_value),
      gap: cell(r.gap_to_peers),
      gap_lower_95: cell(r.gap_lower_95),
      gap_upper_95: cell(r.gap_upper_95),
      gap_interval: interval(r.gap_lower_95, r.gap_upper_95),
      england_peer_value: cell(r.england_peer_value),
      england_gap: cell(r.gap_to_england_peers),
      england_gap_lower_95: cell(r.gap_to_england_lower_95),
      england_gap_upper_95: cell(r.gap_to_england_upper_95),
      england_gap_interval: interval(r.gap_to_england_lower_95, r.gap_to_england_upper_95),
    }));
  const trend = ofM
    .filter((r) => r.breakdown === 'Total')
    .sort((a, b) => periodKey(a).localeCompare(periodKey(b)))
    .map((r) => ({ period: /^Week/.test(r.time_identifier || '') ? `${periodText(r.time_period)} ${r.time_identifier}` : periodText(r.time_period), value: cell(r.value), england: cell(r.england_value), sn: cell(r.sn_mean), interval: interval(r.lower_95, r.upper_95), lo: numberOf(r.lower_95), hi: numberOf(r.upper_95) }));
  const file = `${L.file(code)}-outcomes`;
  // Where else to look: the LA's region and England, where this server has them.
  const regionCode = level === 'la' ? (all.find((r) => /^E1[23]\d{6}$/.test(r.region_code || '')) || {}).region_code : '';
  const region = places && regionCode ? (places.regions || []).find((r) => r.code === regionCode) : null;
  const englandListed = places && places.england && level !== 'england';
  const compared = [L.self, ...(L.england ? ['England'] : []), ...(L.neighbours ? ['Statistical neighbours'] : [])];
  const glanceColumns = [
    {
      key: 'label',
      label: 'Measure',
      head: true,
      render: (r) => (
        <>
          <span class="lof-label">{r.label}</span>
          {r.definition ? <span class="lof-def">{r.definition}</span> : null}
        </>
      ),
    },
    { key: 'period', label: 'Period' },
    { key: 'value', label: L.self, num: true, render: fig('value') },
    { key: 'interval', label: '95% interval' },
    ...(L.england ? [{ key: 'england', label: 'England', num: true, render: fig('england') }] : []),
    ...(L.neighbours
      ? [
          { key: 'sn', label: 'Statistical neighbours (mean)', num: true, render: fig('sn') },
          { key: 'quarter', label: 'Among LAs (context)' },
        ]
      : []),
    { key: 'polarity', label: 'Which way is better' },
  ];
  const glanceExport = ['measure', 'label', 'period', 'value', 'interval', ...(L.england ? ['england'] : []), ...(L.neighbours ? ['sn', 'quarter'] : []), 'polarity', 'definition'].map((key) => ({ key }));
  const gapColumns = [
    { key: 'group', label: 'Pupil group', head: true },
    { key: 'value', label: 'Value', num: true },
    { key: 'interval', label: '95% interval' },
    { key: 'peers', label: 'Compared with' },
    { key: 'peer_value', label: `Peers in ${L.here}`, num: true },
    { key: 'gap', label: 'Gap to those peers (95% interval)', num: true, render: gapWithInterval('gap', 'gap_lower_95', 'gap_upper_95') },
    ...(L.england ? [{ key: 'england_gap', label: 'Gap to the same peers in England (95% interval)', num: true, render: gapWithInterval('england_gap', 'england_gap_lower_95', 'england_gap_upper_95') }] : []),
  ];
  const gapExport = ['group', 'value', 'interval', 'peers', 'peer_value', 'gap', 'gap_interval', ...(L.england ? ['england_peer_value', 'england_gap', 'england_gap_interval'] : [])].map((key) => ({ key }));
  return (
    <section aria-labelledby="lof-h" data-testid="outcomes" class="lof">
      <h2 id="lof-h">Local Outcomes Framework</h2>
      <p class="mirror">
        {level === 'la'
          ? 'How well this place serves all its young people, set beside England and the mean of its ten statistical neighbours. Where it sits among all local authorities is given as a quarter, as context: nothing here is a ranking.'
          : level === 'england'
            ? 'How well England serves all its young people, and the gap between each vulnerable group and its peers: nothing here is a ranking.'
            : `How well ${L.here} serves all its young people, set beside England: nothing here is a ranking.`}{' '}
        “No data” means the figure is not available, never zero.
      </p>
      {level === 'region' && fromRecords ? (
        <p class="small" data-testid="region-from-records">
          These figures come from the pupil records this server holds: they count only the schools and pupils of the region that those records hold, which may be only part of it.
        </p>
      ) : null}
      {noEngland ? (
        <p class="small" data-testid="no-england">
          These figures come from pupil records that do not cover all of England, so there is no England figure to set beside them{L.neighbours && noNeighbours ? ', and the statistical neighbours are not in the records either' : ''}. England’s published figures are in Lantern’s open-data mode.
        </p>
      ) : null}
      {region || englandListed ? (
        <p class="no-print" data-testid="outcomes-links">
          The same framework for{' '}
          {region ? (
            <>
              <a href={`#/region/${encodeURIComponent(region.code)}`}>{region.name}</a> (the region)
            </>
          ) : null}
          {region && englandListed ? ' and for ' : null}
          {englandListed ? <a href="#/england">England</a> : null}; or <a href="#/places">every place</a>.
        </p>
      ) : null}
      {bases.length > 1 ? (
        <div class="field">
          <label for="lof-basis">Pupils counted by</label>
          <select id="lof-basis" value={basis} onChange={(e) => setBasis(e.currentTarget.value)}>
            {bases.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <h3>The framework at a glance</h3>
      <DataTable
        caption={`Each measure in its latest period: ${L.the}${level === 'la' ? ' against England and comparable places' : L.england ? ' against England' : ''}`}
        testid="outcomes-glance"
        file={`${file}-glance`}
        rows={glance}
        exportColumns={glanceExport}
        columns={glanceColumns}
      />
      <div class="field">
        <label for="lof-measure">Measure for the gaps and the trend</label>
        <select id="lof-measure" value={m} onChange={(e) => setMeasure(e.currentTarget.value)}>
          {measures.map((x) => (
            <option key={x} value={x}>
              {labelOf(x)}
            </option>
          ))}
        </select>
      </div>
      <h3>Gaps by pupil group: {labelOf(m)}</h3>
      {definitionOf(m) ? <p class="lof-def-para">{definitionOf(m)}</p> : null}
      {gaps.length ? (
        <div class="lof-stack">
          <figure class="chart-figure">
            <Chart
              label={`Dot chart: ${labelOf(m)} by pupil group with 95% intervals. The table holds the same figures.`}
              dataKey={JSON.stringify(['gaps', m, basis, gaps])}
              minHeight={40 + gaps.length * 26}
              draw={(Plot, width) => {
                const pts = gaps.filter((g) => typeof g.value === 'number');
                return Plot.plot({
                  width,
                  height: 40 + gaps.length * 26,
                  marginLeft: 200,
                  style: STYLE,
                  x: { label: `${labelOf(m)} →`, grid: true },
                  y: { domain: gaps.map((g) => g.group), label: null },
                  marks: [Plot.ruleY(pts.filter((g) => g.lo !== null && g.hi !== null), { y: 'group', x1: 'lo', x2: 'hi', stroke: '#1d70b8', strokeWidth: 3 }), Plot.dot(pts, { x: 'value', y: 'group', r: 5, fill: '#0b0c0c' })],
                });
              }}
            />
            <figcaption class="legend">Each group's value (dot) with its 95% interval (bar) where the counts allow. Groups with no data are in the table, not plotted.</figcaption>
          </figure>
          <DataTable
            caption={`${labelOf(m)}: gaps by pupil group (${periodText(lastPeriod.split('|')[0])})`}
            testid="outcomes-gaps"
            file={`${file}-gaps`}
            rows={gaps}
            exportColumns={gapExport}
            columns={gapColumns}
            note={L.england ? `A gap is the group's value less its peers' (the group it is compared with): in ${L.here}, and in England (the group here against the same peers in England). Its 95% interval is beneath it where the counts allow.` : "A gap is the group's value less its peers' (the group it is compared with). Its 95% interval is beneath it where the counts allow."}
          />
        </div>
      ) : (
        <p class="muted">This measure is not given by pupil group.</p>
      )}
      <h3>Over time: {labelOf(m)}</h3>
      <div class="card-body">
        {trend.length < 2 ? (
          <p class="muted" data-testid="trend-one-period">
            One period only: there is no line to draw yet.
          </p>
        ) : (
        <figure class="chart-figure" data-testid="outcomes-trend-chart">
          <Chart
            label={`Line chart: ${labelOf(m)} over time for ${compared.length > 1 ? compared.map((c, i) => (i === 0 ? L.here : c === 'Statistical neighbours' ? "the statistical neighbours' mean" : c)).join(', ').replace(/, ([^,]*)$/, ' and $1') : L.here}. The table holds the same figures.`}
            dataKey={JSON.stringify(['trend', level, m, basis, trend])}
            minHeight={220}
            draw={(Plot, width) => {
              const series = [];
              for (const t of trend) {
                if (typeof t.value === 'number') series.push({ period: t.period, v: t.value, who: L.self });
                if (L.england && typeof t.england === 'number') series.push({ period: t.period, v: t.england, who: 'England' });
                if (L.neighbours && typeof t.sn === 'number') series.push({ period: t.period, v: t.sn, who: 'Statistical neighbours' });
              }
              // The place's own 95% interval in each period, so that a
              // change within the noise is not read as a trend.
              const intervals = trend.filter((t) => typeof t.value === 'number' && t.lo !== null && t.hi !== null).map((t) => ({ ...t, who: L.self }));
              return Plot.plot({
                width,
                height: 220,
                marginBottom: 50,
                style: STYLE,
                x: { type: 'point', domain: trend.map((t) => t.period), label: null, tickRotate: trend.length > 6 ? -35 : 0 },
                y: { grid: true, nice: true, label: `↑ ${labelOf(m)}` },
                marks: [
                  Plot.ruleX(intervals, { x: 'period', y1: 'lo', y2: 'hi', stroke: 'who', strokeWidth: 2, strokeOpacity: 0.5, className: 'trend-interval' }),
                  Plot.line(series, { x: 'period', y: 'v', z: 'who', stroke: 'who' }),
                  Plot.dot(series, { x: 'period', y: 'v', symbol: 'who', stroke: 'who', r: 4 }),
                  Plot.text(series, Plot.selectLast({ x: 'period', y: 'v', z: 'who', text: 'who', dx: 8, textAnchor: 'start' })),
                ],
                marginRight: 150,
              });
            }}
          />
          <figcaption class="legend">
            {compared.length > 1 ? `${compared.join(', ').replace(/, ([^,]*)$/, ' and $1')}, each line named at its end and drawn with its own symbol,` : `${L.self},`} in each period the sources hold; a period with no data is left out, never drawn as zero. The pale bar through {L.here === 'England' ? 'England' : `${L.here}’s`} point is its 95% interval: a change inside it may be noise.
          </figcaption>
        </figure>
        )}
        <DataTable
          caption={`${labelOf(m)} over time`}
          testid="outcomes-trend"
          file={`${file}-trend`}
          rows={trend}
          exportColumns={['period', 'value', 'interval', ...(L.england ? ['england'] : []), ...(L.neighbours ? ['sn'] : [])].map((key) => ({ key }))}
          columns={[
            { key: 'period', label: 'Period', head: true },
            { key: 'value', label: L.self, num: true },
            { key: 'interval', label: '95% interval' },
            ...(L.england ? [{ key: 'england', label: 'England', num: true }] : []),
            ...(L.neighbours ? [{ key: 'sn', label: 'Statistical neighbours', num: true }] : []),
          ]}
        />
      </div>
    </section>
  );
}

// Where pupils who left a school went: the destinations split the exits
// (movement.csv: moves_same_trust, moves_other_la, ehe_no_school, cme_open
// and the rest by difference), so the bands add up to the exits.
const DESTINATIONS = [
  { id: 'same_trust', label: 'Another school, same trust', short: 'Same trust', colour: '#1d70b8', value: (r) => r.moves_same_trust },
  { id: 'other_trust', label: 'A school in another trust', short: 'Other trust', colour: '#4c2c92', value: (r) => diff(r.moves, r.moves_other_la, r.moves_same_trust) },
  { id: 'other_la', label: 'A school in another LA', short: 'Other LA', colour: '#5694ca', value: (r) => r.moves_other_la },
  { id: 'same_school', label: 'Back at the same school', short: 'Same school', colour: '#00703c', value: (r) => diff(r.exits, r.moves, r.exits_no_school) },
  { id: 'ehe', label: 'Elective home education', short: 'Home ed.', colour: '#f47738', value: (r) => r.ehe_no_school },
  { id: 'cme', label: 'Missing education (open case)', short: 'Missing ed.', colour: '#d4351c', value: (r) => r.cme_open },
  { id: 'no_school', label: 'No school in the records', short: 'No school', colour: '#505a5f', value: (r) => diff(r.exits_no_school, r.ehe_no_school, r.cme_open) },
];
const TYPES = ['State-funded primary', 'State-funded secondary', 'State-funded special', 'Pupil referral unit'];
// The kinds of school as a phone's narrow diagram names them.
const TYPE_SHORT = { 'State-funded primary': 'Primary', 'State-funded secondary': 'Secondary', 'State-funded special': 'Special', 'Pupil referral unit': 'PRU' };

// a - b - c from published counts; hidden (`c`) when any is hidden. The
// disclosure pass holds these splits, so a difference of 1 or 2 cannot
// arise where all are shown; it would be shown as hidden all the same.
function diff(a, ...rest) {
  const xs = [a, ...rest].map(numberOf);
  if (xs.some((x) => x === null)) return 'c';
  const v = xs[0] - xs.slice(1).reduce((t, x) => t + x, 0);
  return v > 0 && v < 3 ? 'c' : v;
}

// The parts of a place whose exits are listed beneath its flows: an LA's
// schools, a region's LAs, England's regions (a user-defined place's
// member LAs are not in its rows).
const MOVEMENT_PARTS = {
  la: { level: 'School', key: 'school', caption: 'Exits by school', label: 'School', name: (r) => r.school_name || r.school_urn },
  region: { level: 'Local authority', key: 'la', caption: 'Exits by local authority', label: 'Local authority', name: (r) => r.la_name || r.old_la_code },
  england: { level: 'Regional', key: 'region', caption: 'Exits by region', label: 'Region', name: (r) => r.region_name || r.region_code },
};

// Movement: where pupils who left a school in the place went, drawn as
// flows from each kind of school to each destination, with the table
// beside it (movement.csv's rows for an LA, a region, England or a
// user-defined place).
export function Movement({ level, code = '' }) {
  const L = PLACE_LEVELS[level] || PLACE_LEVELS.la;
  const parts = MOVEMENT_PARTS[level];
  const st = useApi(L.movement(code));
  if (st.loading) return null;
  const all = objects(st.data ? st.data[0] : null);
  if (!all.length && level === 'place' && st.status === 404) {
    return (
      <section aria-labelledby="move-h" data-testid="movement-none" class="lof">
        <h2 id="move-h">Movement</h2>
        <p class="muted">No movement figures for this place: they come from pupil records, and none of its schools had a pupil leave or join in the year.</p>
      </section>
    );
  }
  if (!all.length) return null;
  const schoolLocated = (r) => (r.breakdown || 'Total') === 'Total' && (!r.location_basis || r.location_basis === 'School location');
  const placeRows = all.filter((r) => r.geographic_level === L.rowLevel && schoolLocated(r));
  const place = placeRows.find((r) => r.school_type === 'Total');
  if (!place) return null;
  const flows = [];
  for (const type of TYPES) {
    const row = placeRows.find((r) => r.school_type === type);
    if (!row || numberOf(row.exits) === 0) continue;
    for (const d of DESTINATIONS) {
      const v = d.value(row);
      flows.push({ from: type, to: d.label, pupils: cell(v), source: type, target: d.id });
    }
  }
  const drawn = flows.filter((f) => typeof f.pupils === 'number' && f.pupils > 0);
  const nodes = [...TYPES.map((t) => ({ id: t, label: t, short: TYPE_SHORT[t] })), ...DESTINATIONS.map((d) => ({ id: d.id, label: d.label, short: d.short, colour: d.colour }))];
  const links = drawn.map((f) => ({ source: f.source, target: f.target, value: f.pupils }));
  const tableRows = flows.filter((f) => f.pupils !== 0);
  const partRows = parts
    ? all
        .filter((r) => r.geographic_level === parts.level && schoolLocated(r) && (parts.level === 'School' || r.school_type === 'Total'))
        .map((r) => ({ [parts.key]: parts.name(r), exits: cell(r.exits), moves: cell(r.moves), moves_other_la: cell(r.moves_other_la), moves_other_trust: cell(r.moves_other_trust), exits_no_school: cell(r.exits_no_school), ehe_exits: cell(r.ehe_exits) }))
        .sort((a, b) => String(a[parts.key]).localeCompare(String(b[parts.key]), 'en-GB'))
    : [];
  const hidden = flows.some((f) => f.pupils === 'c');
  const file = L.file(code);
  return (
    <section aria-labelledby="move-h" data-testid="movement" class="lof">
      <h2 id="move-h">Movement: where pupils who left went ({periodText(place.time_period)})</h2>
      <p>
        {cellText(cell(place.exits), 0)} registrations at state-funded schools in {L.here} ended in the year{numberOf(placeRows.find((r) => r.school_type === 'Pupil referral unit')?.exits) ? `, and more at ${level === 'la' ? 'its' : 'the'} pupil referral units` : ''}. Each band runs from the kind of school the pupil left to where they went next: another school of the same trust or of another, back to the same school, home education, no school. {hidden ? 'Hidden figures (fewer than three pupils, or hidden so that no such figure can be worked out) are in the table as such and not drawn.' : ''}
      </p>
      <div class="lof-stack">
        <figure class="chart-figure">
          <Sankey
            label={`Flow diagram: exits from schools in ${L.here}, from each kind of school to where the pupil went next. The table holds the same figures.`}
            nodes={nodes}
            links={links}
            height={Math.max(260, 90 + drawn.length * 18)}
            valueText={(v) => cellText(v, 0)}
          />
          <figcaption class="legend">
            “Another school, same trust” includes moves between two schools in no trust; “a school in another LA” is any LA but the school’s own. “No school in the records” includes leavers at the end of Years 6 and 11 whose next school is not yet in the records, emigration and independent schools; “missing education” is the children missing education cases still open.
          </figcaption>
        </figure>
        <DataTable
          caption={`Exits from schools in ${L.here}: from each kind of school to where the pupil went`}
          testid="movement-flows"
          file={`${file}-movement-flows`}
          rows={tableRows}
          exportColumns={[{ key: 'from' }, { key: 'to' }, { key: 'pupils' }]}
          columns={[
            { key: 'from', label: 'From', head: true },
            { key: 'to', label: 'To' },
            { key: 'pupils', label: 'Exits', num: true, dp: 0 },
          ]}
        />
      </div>
      {level === 'la' ? <LaTrustFlows code={code} /> : null}
      {partRows.length ? (
        <DataTable
          caption={parts.caption}
          testid="movement-schools"
          file={`${file}-movement-${parts.key === 'school' ? 'schools' : `${parts.key}s`}`}
          rows={partRows}
          columns={[
            { key: parts.key, label: parts.label, head: true },
            { key: 'exits', label: 'Exits', num: true, dp: 0 },
            { key: 'moves', label: 'Moves to another school', num: true, dp: 0 },
            { key: 'moves_other_la', label: 'to another LA', num: true, dp: 0 },
            { key: 'moves_other_trust', label: 'between trusts', num: true, dp: 0 },
            { key: 'exits_no_school', label: 'to no school', num: true, dp: 0 },
            { key: 'ehe_exits', label: 'to home education', num: true, dp: 0 },
          ]}
        />
      ) : null}
    </section>
  );
}

// Exits between trusts and out of education (movement_flows.csv, the same
// exits as above): from the trust of the school the pupil left (or the LA's
// schools in no trust) to the trust of their next school in the LA, or out.
// Hidden flows are `c` in the table and not drawn; beyond the largest
// trusts, the drawing (not the table) puts the rest together as "Other
// trusts", so it stays readable.
const OUT_OF_LA_SCHOOLS = [
  { group: 'Another LA', short: 'Other LA', colour: '#5694ca' },
  { group: 'Same school', colour: '#00703c' },
  { group: 'Home education', short: 'Home ed.', colour: '#f47738' },
  { group: 'Missing education', short: 'Missing ed.', colour: '#d4351c' },
  { group: 'No school in the records', short: 'No school', colour: '#505a5f' },
];
const MAINTAINED = 'Maintained schools';
const MAX_ORIGINS = 12;
const OTHER_TRUSTS = 'Other trusts';

export function LaTrustFlows({ code }) {
  const st = useApi(`/api/v1/las/${encodeURIComponent(code)}/movement/flows`);
  if (st.loading) return null;
  const all = objects(st.data ? st.data[0] : null);
  if (!all.length) return null;
  const rows = all.map((r) => ({ from: r.from_name, from_group: r.from_group, to: r.to_name, to_group: r.to_group, exits: cell(r.exits) }));
  const shown = rows.filter((r) => typeof r.exits === 'number' && r.exits > 0);
  const hidden = rows.filter((r) => r.exits === 'c').length;
  // The trusts drawn by name: the largest by the exits shown from and to
  // them, as many as leave room for the schools in no trust and "Other trusts".
  const size = new Map();
  for (const r of shown) {
    if (r.from_group === 'Trust') size.set(r.from, (size.get(r.from) || 0) + r.exits);
    if (r.to_group === 'Trust') size.set(r.to, (size.get(r.to) || 0) + r.exits);
  }
  const trusts = [...new Set(rows.flatMap((r) => [r.from_group === 'Trust' ? r.from : null, r.to_group === 'Trust' ? r.to : null]).filter(Boolean))];
  trusts.sort((a, b) => (size.get(b) || 0) - (size.get(a) || 0) || a.localeCompare(b, 'en-GB'));
  const room = MAX_ORIGINS - 1;
  const named = new Set(trusts.length > room ? trusts.slice(0, room - 1) : trusts);
  const grouped = trusts.filter((t) => !named.has(t));
  const drawnName = (name, group) => (group === 'Trust' && !named.has(name) ? OTHER_TRUSTS : name);
  const values = new Map();
  for (const r of shown) {
    const key = JSON.stringify([drawnName(r.from, r.from_group), drawnName(r.to, r.to_group)]);
    values.set(key, (values.get(key) || 0) + r.exits);
  }
  const links = [...values].map(([key, value]) => {
    const [from, to] = JSON.parse(key);
    return { source: `from:${from}`, target: `to:${to}`, value };
  });
  const schoolsNamed = [...named, ...(grouped.length ? [OTHER_TRUSTS] : []), MAINTAINED];
  // A trust has no shorter name: on a phone a long one is cut (its title
  // and the table have it whole).
  const short = (n) => (n === MAINTAINED ? 'Maintained' : undefined);
  const nodes = [
    ...schoolsNamed.map((n) => ({ id: `from:${n}`, label: n, short: short(n) })),
    ...schoolsNamed.map((n) => ({ id: `to:${n}`, label: n, short: short(n) })),
    ...OUT_OF_LA_SCHOOLS.map((d) => {
      // Drawn by the name of its group (on a phone its short name); the
      // table gives the full one.
      const name = rows.find((r) => r.to_group === d.group)?.to || d.group;
      return { id: `to:${name}`, label: d.group, short: d.short, colour: d.colour };
    }),
  ];
  return (
    <section aria-labelledby="trust-flows-h" data-testid="trust-flows">
      <h3 id="trust-flows-h">Between trusts and out of education ({periodText(all[0].time_period)})</h3>
      <p>
        The same exits by trust: each band runs from the trust of the school the pupil left (or this LA's schools in no trust: maintained schools and pupil referral units) to the trust of their next school in this LA, or out of this LA's schools: another LA, back at the same school, home education, missing education, no school in the records.{' '}
        {hidden ? `${hidden} of the ${rows.length} flows are hidden (fewer than three pupils, or a second flow hidden so that a first cannot be worked out from the totals): the table shows them as withheld (c) and the diagram leaves them out.` : ''}
        {grouped.length ? ` The diagram draws the ${grouped.length} trusts with the fewest exits shown together as “${OTHER_TRUSTS}”; the table names every trust.` : ''}
      </p>
      <div class="lof-stack">
        <figure class="chart-figure">
          <Sankey
            label="Flow diagram: exits from schools in this LA, from the trust of the school left to the trust of the next school or out of the LA's schools. The table holds the same figures."
            nodes={nodes}
            links={links}
            height={Math.max(300, 60 + nodes.filter((n) => links.some((l) => l.source === n.id || l.target === n.id)).length * 22)}
            valueText={(v) => cellText(v, 0)}
          />
          <figcaption class="legend">
            Left: the trust of the school the pupil left; right: where they went. A node's figure adds up its drawn bands, so it leaves out its hidden flows. “Maintained schools” are the schools in no trust. “Missing education” is the children missing education cases still open.{grouped.length ? ` “${OTHER_TRUSTS}” (drawing only): ${grouped.join(', ')}.` : ''}
          </figcaption>
        </figure>
        <DataTable
          caption="Exits from schools in this LA: from each trust to each trust or out of the LA's schools"
          testid="trust-flows-table"
          file={`la-${code}-movement-trust-flows`}
          rows={rows}
          exportColumns={[{ key: 'from_group' }, { key: 'from' }, { key: 'to_group' }, { key: 'to' }, { key: 'exits' }]}
          columns={[
            { key: 'from', label: 'From', head: true },
            { key: 'to', label: 'To' },
            { key: 'exits', label: 'Exits', num: true, dp: 0 },
          ]}
        />
      </div>
    </section>
  );
}

// A trust's contribution in each LA where it has schools: questions with
// intervals, never a verdict.
export function TrustContribution({ id }) {
  const st = useApi(`/api/v1/trusts/${encodeURIComponent(id)}/contribution`);
  if (st.loading) return null;
  const all = objects(st.data ? st.data[0] : null);
  if (!all.length) return null;
  const rows = all
    .filter((r) => !r.school_type || r.school_type === 'Total')
    .map((r) => ({
      place: r.la_name || r.old_la_code,
      measure: r.measure,
      trust: cell(r.trust_count),
      placeCount: cell(r.place_count),
      share: cell(r.share_percent),
      lo: numberOf(r.share_lower_95),
      hi: numberOf(r.share_upper_95),
      interval: interval(r.share_lower_95, r.share_upper_95),
      pupilShare: cell(r.pupil_share_percent),
      reading: r.reading,
      question: r.question === 'none' ? '' : r.question,
    }));
  const places = [...new Set(rows.map((r) => r.place))];
  return (
    <section aria-labelledby="contrib-h" data-testid="contribution">
      <h2 id="contrib-h">What the trust's schools share of each place</h2>
      <p class="mirror">
        For each local authority where the trust has schools: its schools' share of the place's pupils, of its vulnerable pupils, suspensions, exclusions and exits, with a 95% interval, set beside its share of pupils. A difference is a question to ask, never a verdict.
      </p>
      {places.map((place, i) => {
        const these = rows.filter((r) => r.place === place);
        const pts = these.filter((r) => typeof r.share === 'number');
        const pupilShare = these.find((r) => typeof r.pupilShare === 'number')?.pupilShare;
        return (
          <div class="contribution-place" key={place}>
            <h3>{place}</h3>
            <figure class="chart-figure">
              <Chart
                label={`Dot chart: the trust's share of each count in ${place}, with 95% intervals, against its share of pupils (the line). The table holds the same figures.`}
                dataKey={JSON.stringify(['contrib', place, pts])}
                minHeight={40 + these.length * 26}
                draw={(Plot, width) =>
                  Plot.plot({
                    width,
                    height: 40 + these.length * 26,
                    marginLeft: 200,
                    style: STYLE,
                    x: { label: 'Share of the place, per cent →', grid: true, nice: true, domain: [0, Math.max(10, ...pts.map((r) => Math.max(r.share, r.hi ?? 0)))] },
                    y: { domain: these.map((r) => r.measure), label: null },
                    marks: [
                      ...(typeof pupilShare === 'number' ? [Plot.ruleX([pupilShare], { stroke: '#505a5f', strokeDasharray: '4,3' })] : []),
                      Plot.ruleY(pts.filter((r) => r.lo !== null && r.hi !== null), { y: 'measure', x1: 'lo', x2: 'hi', stroke: '#1d70b8', strokeWidth: 3 }),
                      Plot.dot(pts, { x: 'share', y: 'measure', r: 5, fill: '#0b0c0c' }),
                    ],
                  })
                }
              />
              <figcaption class="legend">The dashed line is the trust's share of the place's pupils{typeof pupilShare === 'number' ? ` (${cellText(pupilShare)}%)` : ''}.</figcaption>
            </figure>
            <DataTable
              caption={`The trust's share in ${place}`}
              testid={`contribution-table-${i}`}
              file={`trust-${id}-contribution-${i}`}
              rows={these}
              exportColumns={[{ key: 'place' }, { key: 'measure' }, { key: 'trust' }, { key: 'placeCount' }, { key: 'share' }, { key: 'interval' }, { key: 'pupilShare' }, { key: 'reading' }, { key: 'question' }]}
              columns={[
                { key: 'measure', label: 'What is shared', head: true },
                { key: 'trust', label: 'Trust', num: true, dp: 0 },
                { key: 'placeCount', label: 'Place', num: true, dp: 0 },
                { key: 'share', label: 'Share (%)', num: true },
                { key: 'interval', label: '95% interval' },
                { key: 'reading', label: 'Against its share of pupils' },
                { key: 'question', label: 'A question to ask' },
              ]}
            />
          </div>
        );
      })}
    </section>
  );
}
