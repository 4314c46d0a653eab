import { useEffect, useState } from 'preact/hooks';
import { useApi } from '../api.js';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';
import { Loading, Problem } from '../components/Status.jsx';
import { formatNumber } from '../format.jsx';

// Pupil voice for a school (#/school/URN/voice) or an LA (#/la/CODE/voice):
// who was not heard first, then each question's full distribution by pupil
// group as published (docs/pupil-voice.md). No mean, score or rank.

const num = (v) => (v === '' || v === undefined || v === null || Number.isNaN(Number(v)) ? v : Number(v));
const periodText = (v) => {
  const p = v === undefined || v === null ? '' : String(v);
  return p.length === 6 ? `${p.slice(0, 4)}/${p.slice(4)}` : p;
};

// Which side of the diverging bar a scale point goes: negative left,
// positive right, the middle point of an odd scale set aside as neutral.
function sideOf(item, k) {
  const cat = item.categories[k];
  if (cat.kind !== 'point') return 'aside';
  const p = item.points;
  if (p % 2 === 1 && k === (p - 1) / 2) return 'aside';
  const high = k >= p / 2;
  return (item.polarity === '-' ? !high : high) ? 'right' : 'left';
}

function groupTitle(rows) {
  const r = rows[0];
  const n = r.base_n;
  const rate = r.group_response_rate;
  const nText = typeof n === 'number' ? `n=${formatNumber(n, 0)}` : 'n withheld';
  const rateText = typeof rate === 'number' ? `${rate}% responded` : 'response rate withheld';
  return `${r.breakdown} (${nText}, ${rateText})`;
}

function drawDiverging(item, groups, stacked) {
  return (Plot, width) => {
    const data = [];
    for (const g of groups) {
      const label = groupTitle(g.rows);
      if (stacked) {
        g.rows.forEach((r, k) => {
          if (typeof r.percent === 'number') data.push({ group: label, response: r.response_label, k, x: r.percent });
        });
        continue;
      }
      // Left segments from the centre outwards, right likewise; set aside
      // drawn in its own bar past 100.
      const left = [];
      const right = [];
      const aside = [];
      g.rows.forEach((r, k) => {
        if (typeof r.percent !== 'number') return;
        const s = sideOf(item, k);
        (s === 'left' ? left : s === 'right' ? right : aside).push({ r, k });
      });
      let x = 0;
      for (const { r, k } of left.slice().reverse()) {
        data.push({ group: label, response: r.response_label, k, x1: x - r.percent, x2: x });
        x -= r.percent;
      }
      x = 0;
      for (const { r, k } of right) {
        data.push({ group: label, response: r.response_label, k, x1: x, x2: x + r.percent });
        x += r.percent;
      }
      x = 110;
      for (const { r, k } of aside) {
        data.push({ group: label, response: r.response_label, k, x1: x, x2: x + r.percent });
        x += r.percent;
      }
    }
    // Negative points in reds (darkest furthest out), positive in blues,
    // everything set aside in greys.
    const reds = ['#b2182b', '#d6604d', '#f4a582'];
    const blues = ['#92c5de', '#4393c3', '#2166ac'];
    const greys = ['#bdbdbd', '#969696', '#737373', '#525252'];
    const sides = item.categories.map((_, k) => sideOf(item, k));
    const lefts = sides.map((s, k) => (s === 'left' ? k : -1)).filter((k) => k >= 0);
    const rights = sides.map((s, k) => (s === 'right' ? k : -1)).filter((k) => k >= 0);
    let grey = 0;
    const range = sides.map((s, k) => {
      if (s === 'left') {
        const i = lefts.indexOf(k);
        const fromCentre = item.polarity === '-' ? i : lefts.length - 1 - i;
        return reds[Math.max(0, reds.length - 1 - fromCentre)];
      }
      if (s === 'right') {
        const i = rights.indexOf(k);
        const fromCentre = item.polarity === '-' ? rights.length - 1 - i : i;
        return blues[Math.min(blues.length - 1, fromCentre)];
      }
      return greys[grey++ % greys.length];
    });
    const domain = item.categories.map((c) => c.label);
    // On a phone each group's label (n and response rate included) goes
    // above its bar, so the bar keeps the whole width (wrapping at the
    // chart's width in ems of its 11 px text, a fifth kept spare); on a wider screen the
    // labels sit to the left and wrap to the margin (lineWidth is in ems of
    // the 10 px axis text, as Plot estimates them: a fifth kept spare for
    // wider fonts).
    const narrow = width < 520;
    const marginLeft = narrow ? 14 : Math.min(260, width * 0.45);
    const labels = groups.map((g) => groupTitle(g.rows));
    const groupLabels = narrow
      ? Plot.text(labels, { y: (d) => d, text: (d) => d, frameAnchor: 'left', textAnchor: 'start', lineAnchor: 'bottom', dx: 4, dy: -18, fontSize: 11, lineWidth: Math.max(10, (width - 16) / 14) })
      : Plot.axisY({ label: null, lineWidth: Math.max(6, (marginLeft - 12) / 12) });
    const common = {
      width,
      height: 40 + groups.length * (narrow ? 64 : 36),
      marginLeft,
      marginTop: narrow ? 30 : 20,
      color: { domain, range, legend: true },
      y: { label: null, domain: labels, axis: narrow ? null : undefined, padding: narrow ? 0.5 : 0.1 },
    };
    if (stacked) {
      return Plot.plot({ ...common, x: { label: narrow ? '% of respondents →' : 'Percentage of respondents →', domain: [0, 100] }, marks: [groupLabels, Plot.barX(data, Plot.stackX({ x: 'x', y: 'group', fill: 'response', title: (d) => `${d.response}: ${d.x}%` })), Plot.ruleX([0])] });
    }
    return Plot.plot({
      ...common,
      x: { label: narrow ? '← negative · % · positive →  | set aside' : '← negative · percentage of respondents · positive →      | set aside', domain: [-100, 160], ticks: [-100, -50, 0, 50, 100], tickFormat: (v) => `${Math.abs(v)}` },
      marks: [groupLabels, Plot.barX(data, { x1: 'x1', x2: 'x2', y: 'group', fill: 'response', title: (d) => `${d.response}: ${Math.round((d.x2 - d.x1) * 10) / 10}%` }), Plot.ruleX([0]), Plot.ruleX([105], { stroke: '#999', strokeDasharray: '3,3' })],
    });
  };
}

const DIST_COLUMNS = [
  { key: 'breakdown', label: 'Pupil group', head: true },
  { key: 'response_label', label: 'Response' },
  { key: 'respondents', label: 'Respondents', num: true, dp: 0 },
  { key: 'percent', label: 'Percent', num: true, dp: 1 },
  { key: 'base_n', label: 'Base (n)', num: true, dp: 0 },
  { key: 'group_response_rate', label: 'Response rate %', num: true, dp: 1 },
  { key: 'withheld_reason', label: 'Withheld because' },
];

const COVERAGE_COLUMNS = [
  { key: 'breakdown', label: 'Pupil group', head: true },
  { key: 'breakdown_topic', label: 'Characteristic' },
  { key: 'under_heard', label: 'Under-heard', render: (r) => (r.under_heard === 'Y' ? <strong class="flag">Under-heard</strong> : r.under_heard === 'N' ? 'No' : '') },
  { key: 'under_heard_reason', label: 'Why' },
  { key: 'roll', label: 'On roll', num: true, dp: 0 },
  { key: 'respondents', label: 'Took part', num: true, dp: 0 },
  { key: 'response_rate', label: 'Response rate %', num: true, dp: 1 },
  { key: 'overall_response_rate', label: 'All pupils %', num: true, dp: 1 },
];

const CHANGE_COLUMNS = [
  { key: 'item_id', label: 'Question', head: true },
  { key: 'breakdown', label: 'Pupil group' },
  { key: 'previous_period', label: 'Last year' },
  { key: 'previous_positive_percent', label: 'Positive % last year', num: true, dp: 1 },
  { key: 'current_positive_percent', label: 'Positive % this year', num: true, dp: 1 },
  { key: 'change_pp', label: 'Change (points)', num: true, dp: 1 },
  { key: 'change_lower_pp', label: '95% interval from', num: true, dp: 1 },
  { key: 'change_upper_pp', label: '95% interval to', num: true, dp: 1 },
  { key: 'conclusion', label: 'Conclusion' },
  { key: 'note', label: 'Note' },
];

const signed = (v) => (typeof v === 'number' ? `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(1)}` : v);

// One line per group: the positive share this year and last, and whether it
// is higher, lower or no clearly different, with the 95% interval.
function ChangeLines({ item, rows }) {
  if (!rows.length) return null;
  const positive = item.categories.filter((c) => c.positive).map((c) => c.label.toLowerCase());
  return (
    <ul class="voice-change" data-testid="voice-change">
      {rows.map((c) => {
        const label = c.breakdown === 'All pupils' ? 'All pupils' : c.breakdown;
        if (typeof c.current_positive_percent !== 'number' || typeof c.previous_positive_percent !== 'number') {
          return (
            <li key={c.breakdown}>
              {label}: change since {periodText(c.previous_period)} withheld{c.note ? ` (${c.note})` : ''}.
            </li>
          );
        }
        const shares = `${c.current_positive_percent}% ${positive.length ? `answered ${positive.join(' or ')}` : 'gave a positive answer'} this year, ${c.previous_positive_percent}% in ${periodText(c.previous_period)}`;
        if (typeof c.change_pp !== 'number') {
          return (
            <li key={c.breakdown}>
              {label}: {shares}. Not comparable{c.note ? ` (${c.note})` : ''}: shown side by side, no difference worked out.
            </li>
          );
        }
        const cls = c.conclusion === 'no clear change' ? '' : 'flag';
        return (
          <li key={c.breakdown}>
            {label}: {shares}: <strong class={cls}>{c.conclusion}</strong> ({signed(c.change_pp)} points, 95% interval {signed(c.change_lower_pp)} to {signed(c.change_upper_pp)}).
          </li>
        );
      })}
    </ul>
  );
}

function ItemCard({ item, dist, topic, stacked, change, file }) {
  const rows = dist.filter((r) => r.item_id === item.item_id && r.breakdown_topic === topic);
  const byGroup = [];
  for (const r of rows) {
    let g = byGroup.find((x) => x.breakdown === r.breakdown);
    if (!g) byGroup.push((g = { breakdown: r.breakdown, rows: [] }));
    g.rows.push(r);
  }
  const shown = byGroup.filter((g) => !g.rows[0].withheld_reason);
  const withheld = byGroup.filter((g) => g.rows[0].withheld_reason);
  const changes = change.filter((c) => c.item_id === item.item_id && c.breakdown_topic === topic);
  return (
    <section class="card voice-item" data-testid="voice-item" data-item={item.item_id} aria-labelledby={`q-${item.item_id}`}>
      <h3 id={`q-${item.item_id}`}>{item.stem}</h3>
      <p class="muted">
        {item.domain} · question {item.item_id} (version {item.item_version})
      </p>
      <ChangeLines item={item} rows={changes} />
      <div class="voice-body">
        {shown.length ? (
          <Chart draw={drawDiverging(item, shown, stacked)} dataKey={`${item.item_id}-${topic}-${stacked}`} label={`${item.stem}: responses by pupil group, ${stacked ? '100% stacked' : 'diverging'}`} />
        ) : (
          <p class="not-plotted">Nothing to chart: every distribution for this question is withheld.</p>
        )}
        {shown.some((g) => g.rows.some((r) => typeof r.percent !== 'number')) ? <p class="muted">Responses withheld to protect pupils are not drawn; the table shows which.</p> : null}
        {withheld.length ? (
          <ul class="withheld" data-testid="withheld">
            {withheld.map((g) => (
              <li key={g.breakdown}>
                {g.breakdown}: withheld ({g.rows[0].withheld_reason})
              </li>
            ))}
          </ul>
        ) : null}
        <DataTable caption={`${item.stem} – ${topic === 'Total' ? 'all pupils' : topic}`} columns={DIST_COLUMNS} rows={rows} file={`${file}-${item.item_id}`} testid="voice-table" />
      </div>
    </section>
  );
}

export function VoicePage({ kind, id }) {
  const path = kind === 'la' ? `/api/v1/las/${encodeURIComponent(id)}/voice` : `/api/v1/schools/${encodeURIComponent(id)}/voice`;
  const st = useApi(path);
  const [topic, setTopic] = useState('Total');
  const [stacked, setStacked] = useState(false);
  const [domain, setDomain] = useState('');
  const [open, setOpen] = useState(null); // domains open (null: the first)
  const about = useApi(kind === 'la' ? `/api/v1/las/${encodeURIComponent(id)}` : `/api/v1/schools/${encodeURIComponent(id)}/scorecard`);
  const data = st.data ? st.data[0] : null;
  const info = about.data ? about.data[0] : null;
  const name = (info && (kind === 'la' ? info.la_name : info.school_name)) || (kind === 'la' ? `Local authority ${id}` : `School ${id}`);
  useEffect(() => {
    document.title = `Pupil voice: ${name} – Lantern`;
  }, [name]);
  if (!data) {
    return (
      <>
        <h1 tabIndex={-1}>Pupil voice: {name}</h1>
        {st.loading ? <Loading what="the pupil voice figures" message={st.retrying ? st.error : ''} /> : <Problem status={st.status} message={st.error} />}
      </>
    );
  }
  const clean = (r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v)]));
  const periods = [...new Set(data.distributions.map((r) => r.time_period))].sort();
  const period = periods[periods.length - 1];
  const dist = data.distributions.filter((r) => r.time_period === period).map(clean);
  const coverage = data.coverage.filter((r) => r.time_period === period).map(clean);
  const change = (data.change || []).filter((r) => r.time_period === period).map(clean);
  const underHeard = coverage.filter((r) => r.under_heard === 'Y');
  const overall = coverage.find((r) => r.breakdown === 'All pupils');
  const topics = [...new Set(dist.map((r) => r.breakdown_topic))];
  const items = (data.items || []).filter((it) => dist.some((r) => r.item_id === it.item_id && Number(r.item_version) === it.item_version));
  const domains = [...new Set(items.map((it) => it.domain))];
  const openSet = open || new Set(domains.slice(0, 1));
  const toggle = (d, isOpen) => {
    const next = new Set(openSet);
    if (isOpen) next.add(d);
    else next.delete(d);
    setOpen(next);
  };
  const file = `${kind}-${id}-voice-${period}`;
  const back = kind === 'la' ? `#/la/${id}` : `#/school/${id}`;
  const shownDomains = domain ? domains.filter((d) => d === domain) : domains;
  return (
    <article class="voice" data-testid="voice">
      <p class="kicker">
        <a href={back}>{name}</a> · {periodText(period)}
      </p>
      <h1 tabIndex={-1}>Pupil voice: {name}</h1>
      <p class="caution" data-testid="caution">
        {data.caution}
      </p>
      <section aria-labelledby="heard">
        <h2 id="heard">Who was not heard</h2>
        {overall ? (
          <p data-testid="overall-rate">
            {typeof overall.respondents === 'number' ? `${formatNumber(overall.respondents, 0)} pupils took part` : 'The number who took part is withheld'}
            {typeof overall.roll === 'number' ? ` of ${formatNumber(overall.roll, 0)} on roll in the year groups surveyed` : ''}
            {typeof overall.response_rate === 'number' ? ` (${overall.response_rate}%).` : '.'}
          </p>
        ) : null}
        {underHeard.length ? (
          <ul data-testid="under-heard">
            {underHeard.map((r) => (
              <li key={r.breakdown}>
                <strong>{r.breakdown}</strong>: {r.under_heard_reason || 'under-heard'}
              </li>
            ))}
          </ul>
        ) : (
          <p data-testid="under-heard">No group was under-heard (every group's response rate was at least 0.8 of all pupils').</p>
        )}
        <details class="group-panel" data-testid="coverage-details">
          <summary>
            <span class="summary-text">Who took part, group by group</span> <span class="muted">(table and download)</span>
          </summary>
          <div class="card-body">
            <DataTable caption={`Who took part, ${periodText(period)}`} columns={COVERAGE_COLUMNS} rows={coverage} file={`${file}-coverage`} testid="coverage-table" />
          </div>
        </details>
      </section>
      <section aria-labelledby="answers">
        <h2 id="answers">How pupils answered</h2>
        <div class="filters no-print">
          <div class="field">
            <label for="voice-domain">Theme</label>
            <select id="voice-domain" value={domain} onChange={(e) => setDomain(e.currentTarget.value)} data-testid="domain">
              <option value="">Every theme</option>
              {domains.map((d) => (
                <option value={d} key={d}>
                  {d}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="voice-topic">Pupil characteristic</label>
            <select id="voice-topic" value={topic} onChange={(e) => setTopic(e.currentTarget.value)} data-testid="topic">
              {topics.map((t) => (
                <option value={t} key={t}>
                  {t === 'Total' ? 'All pupils' : t}
                </option>
              ))}
            </select>
          </div>
          <div class="field checkbox-field">
            <input id="voice-stacked" type="checkbox" checked={stacked} onChange={(e) => setStacked(e.currentTarget.checked)} data-testid="stacked" />
            <label for="voice-stacked">Show as 100% stacked bars</label>
          </div>
        </div>
        <p class="muted">Every response is shown; no average, score or rank is worked out. Each bar is labelled with its group's number of respondents (n) and response rate. {stacked ? 'Each bar runs from the lowest point of the scale to the highest, then don\'t know, prefer not to say and not answered.' : 'Negative responses go left of the centre line and positive right; the neutral middle, don\'t know, prefer not to say and not answered are set aside on the right.'}</p>
        {shownDomains.map((d) => {
          const its = items.filter((it) => it.domain === d);
          const isOpen = domain === d || openSet.has(d);
          return (
            <details class="group-panel voice-domain" key={d} open={isOpen} data-testid="voice-domain" data-domain={d} onToggle={(e) => e.currentTarget.open !== isOpen && toggle(d, e.currentTarget.open)}>
              <summary>
                <span class="summary-text">{d}</span> <span class="muted">({its.length} {its.length === 1 ? 'question' : 'questions'})</span>
              </summary>
              {isOpen ? (
                <div class="card-body voice-items">
                  {its.map((item) => (
                    <ItemCard key={item.item_id} item={item} dist={dist} topic={topic} stacked={stacked} change={change} file={file} />
                  ))}
                </div>
              ) : null}
            </details>
          );
        })}
      </section>
      {change.length ? (
        <section aria-labelledby="change">
          <h2 id="change">Change since last year</h2>
          <p class="muted">The share giving the question's positive answers, this year and last (same question and version, same year groups and time of year). "Higher" or "lower than last year" only where the 95% interval of the change excludes 0; otherwise "no clear change".</p>
          <details class="group-panel" data-testid="change-details">
            <summary>
              <span class="summary-text">Every question and group</span> <span class="muted">(table and download)</span>
            </summary>
            <div class="card-body">
              <DataTable caption="Share giving a positive response, this year and last" columns={CHANGE_COLUMNS} rows={change} file={`${file}-change`} testid="change-table" />
            </div>
          </details>
        </section>
      ) : null}
    </article>
  );
}
