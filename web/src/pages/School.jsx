import { useEffect } from 'preact/hooks';
import { useApi } from '../api.js';
import {
  DIRECTION_TEXT, DOMAINS, Range, Sym, Val, capitalise, cellText, groupLabel, isNum, isSymbol, periodText, positionText, schoolName, unitSuffix,
} from '../format.jsx';
import { normaliseIndicators, indicatorMeta } from '../indicators.js';
import { DataTable, Downloads } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';
import { comparisonChart, groupChart } from '../charts.js';
import { saveFile, toCsv } from '../download.js';
import { Loading, Problem } from '../components/Status.jsx';

const isMain = (r) => r && (r.pupil_group === 'all_pupils' || !r.pupil_group) && (!r.breakdown || r.breakdown === 'Total');
const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : null);
// A comparator that is a symbol ("x") stands for all its fields.
const field = (cmp, k) => (obj(cmp) ? cmp[k] : isSymbol(cmp) ? cmp : undefined);

// Is the figure itself not in this source (x) or not applicable (z), rather
// than a figure or a withheld one?
function notHeld(row) {
  return row && (row.value === 'x' || row.value === 'z') && row.lower === undefined && row.similar_schools === undefined;
}

function scrollToSection(id) {
  const el = document.getElementById(id);
  if (el) {
    el.focus({ preventScroll: true });
    el.scrollIntoView({ behavior: 'auto', block: 'start' });
  }
}

export function SchoolPage({ urn, user }) {
  const sc = useApi(`/api/v1/schools/${encodeURIComponent(urn)}/scorecard`);
  const ind = useApi('/api/v1/indicators');
  const data = sc.data ? sc.data[0] : null;

  useEffect(() => {
    if (!data) document.title = `School ${urn}: scorecard – Lantern`;
  }, [data, urn]);

  if (!data) {
    return (
      <>
        <h1 tabIndex={-1}>School {urn}</h1>
        {sc.loading ? <Loading what="the scorecard" message={sc.retrying ? sc.error : ''} /> : <Problem status={sc.status} message={sc.error} />}
      </>
    );
  }
  // Indicators: a failed list is not fatal (ids stand in for labels).
  return <Scorecard data={data} indicatorsRaw={ind.data ? ind.data[0] : null} urn={urn} user={user} />;
}

// The scorecard itself, from the school's JSON (the API's, or the one inlined
// in an offline copy) and the indicator list. Offline (`offline`): no request
// of any kind, so no workbook or pupils link, the LA and trust as plain text,
// and the similar schools as their sibling files (./URN.html); `pages` (a Set
// of URNs as text, or null for all), the similar schools that have one.
export function Scorecard({ data, indicatorsRaw, urn: urnProp, user = null, offline = false, pages = null }) {
  const urn = data.school_urn ?? urnProp;
  useEffect(() => {
    document.title = `${schoolName({ name: data.school_name, urn })}: scorecard${offline ? ' (offline copy)' : ''} – Lantern`;
  }, [data, urn, offline]);

  // Print everything: open the pupil-group panels while printing.
  useEffect(() => {
    const opened = [];
    const before = () => {
      for (const d of document.querySelectorAll('main details:not([open])')) {
        d.open = true;
        opened.push(d);
      }
    };
    const after = () => {
      while (opened.length) opened.pop().open = false;
    };
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);

  const indicators = indicatorsRaw ? normaliseIndicators(indicatorsRaw) : null;
  const scored = obj(data.indicators) || {};
  const ids = Object.keys(scored).filter((id) => Array.isArray(scored[id]) && scored[id].length > 0);
  ids.sort((a, b) => indicatorMeta(indicators, a).order - indicatorMeta(indicators, b).order);
  const metas = ids.map((id) => indicatorMeta(indicators, id));
  const domains = [...DOMAINS];
  if (metas.some((m) => !DOMAINS.find((d) => d.id === m.domain))) domains.push({ id: 'other', title: 'Other measures', intro: '' });
  const domainOf = (m) => (DOMAINS.find((d) => d.id === m.domain) ? m.domain : 'other');

  const enquiries = collectEnquiries(data, scored, indicators);
  const title = schoolName({ name: data.school_name, urn });
  const schoolUrn = urn;
  const groupIds = ids.filter((id) => scored[id].length > 1);

  return (
    <article class="scorecard" data-testid="scorecard">
      <p class="kicker">Inclusion and Participation Scorecard{data.time_period ? `, ${periodText(data.time_period)}` : ''}</p>
      <h1 tabIndex={-1} data-testid="school-name">
        {title}
      </h1>
      <SchoolFacts data={data} urn={schoolUrn} offline={offline} />
      <p class="mirror">
        A mirror, not a league table: each figure is set beside schools with similar pupils, the local authority and England, with its
        uncertainty. Nothing here ranks or grades the school.
      </p>
      <div class="actions no-print">
        <button type="button" class="button" onClick={() => window.print()}>
          Print this scorecard
        </button>
        {offline ? null : (
          <a class="button secondary" href={`/api/v1/schools/${encodeURIComponent(schoolUrn)}/scorecard.xlsx`} download={`scorecard-${schoolUrn}.xlsx`} data-testid="xlsx">
            Download workbook (XLSX)
          </a>
        )}
        {offline ? null : (
          <a class="button secondary" href={`#/school/${encodeURIComponent(schoolUrn)}/voice`} data-testid="voice-link">
            Pupil voice
          </a>
        )}
        <button type="button" class="button secondary" onClick={() => saveFile(`scorecard-${schoolUrn}.csv`, 'text/csv;charset=utf-8', allRowsCsv(scored, ids))}>
          Download all figures (CSV)
        </button>
        <button type="button" class="button secondary" onClick={() => saveFile(`scorecard-${schoolUrn}.json`, 'application/json', JSON.stringify(data, null, 2) + '\n')}>
          Download all figures (JSON)
        </button>
        {user && !offline ? (
          <a class="button secondary" href={`#/school/${encodeURIComponent(schoolUrn)}/pupils`}>
            Pupil records
          </a>
        ) : null}
      </div>

      <nav class="toc no-print" aria-label="On this page">
        <h2 class="toc-title">On this page</h2>
        <ul>
          {[['enquiry', 'Lines of enquiry'], ...domains.filter((d) => metas.some((m) => domainOf(m) === d.id)).map((d) => [`domain-${d.id}`, d.title]), ...(groupIds.length ? [['groups', 'Groups of pupils']] : []), ['similar', 'The similar schools'], ['reading', 'How to read this page']].map(([id, text]) => (
            <li key={id}>
              <a
                href={offline ? `#${id}` : `#/school/${encodeURIComponent(schoolUrn)}`}
                onClick={(e) => {
                  e.preventDefault();
                  scrollToSection(id);
                }}
              >
                {text}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <section aria-labelledby="enquiry" class="enquiries" data-testid="enquiries">
        <h2 id="enquiry" tabIndex={-1}>
          Lines of enquiry
        </h2>
        {enquiries.length === 0 ? (
          <p data-testid="no-enquiry">
            None. On no measure does the school lie outside the 99.8% limits of its similar schools. This means nothing could be told apart from
            ordinary variation, not that all is well.
          </p>
        ) : (
          <>
            <p>
              Questions, in words, where the school lies outside the 99.8% limits of its similar schools. They are starting points for a
              conversation, not judgements.
            </p>
            <ul class="enquiry-list">
              {enquiries.map((e, i) => (
                <li key={i} class={`enquiry enquiry-${e.direction}`} data-testid="enquiry">
                  <p class="enquiry-head">
                    <span class="dir" aria-hidden="true">
                      {e.direction === 'higher' ? '▲' : '▼'}
                    </span>{' '}
                    <strong>{e.label}</strong>
                    {e.group !== 'all_pupils' ? `, ${groupLabel(e.group)}` : ''}
                    {e.breakdown && e.breakdown !== 'Total' ? `, ${e.breakdown}` : ''}: {DIRECTION_TEXT[e.direction] || e.direction}
                  </p>
                  <p class="enquiry-text">{e.text}</p>
                  {e.row ? (
                    <p class="muted small">
                      The school: <Val v={e.row.value} dp={e.meta.dp} unit={e.meta.unit} />; similar schools:{' '}
                      <Val v={field(e.row.similar_schools, 'value')} dp={e.meta.dp} unit={e.meta.unit} /> (99.8% limits{' '}
                      <Range lo={field(e.row.similar_schools, 'lower_99_8')} hi={field(e.row.similar_schools, 'upper_99_8')} dp={e.meta.dp} />
                      ).
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      {domains.map((d) => {
        const list = metas.filter((m) => domainOf(m) === d.id);
        if (list.length === 0) return null;
        return (
          <section key={d.id} aria-labelledby={`domain-${d.id}`} class="domain" data-domain={d.id}>
            <h2 id={`domain-${d.id}`} tabIndex={-1}>
              {d.title}
            </h2>
            {d.intro ? <p class="muted">{d.intro}</p> : null}
            {list.map((m) => (
              <IndicatorCard key={m.id} meta={m} rows={scored[m.id]} urn={schoolUrn} />
            ))}
          </section>
        );
      })}

      {groupIds.length ? (
        <section aria-labelledby="groups" class="groups">
          <h2 id="groups" tabIndex={-1}>
            Groups of pupils
          </h2>
          <p>
            Each figure by pupil group (and, for alternative provision, by setting and reason), beside similar schools’ figure for the same group.
            Open a measure to see its table and chart.
          </p>
          {groupIds.map((id) => (
            <GroupPanel key={id} meta={indicatorMeta(indicators, id)} rows={scored[id]} urn={schoolUrn} />
          ))}
        </section>
      ) : null}

      <SimilarSchools data={data} indicators={indicators} offline={offline} pages={pages} />
      <HowToRead />
    </article>
  );
}

function SchoolFacts({ data, urn, offline }) {
  const la = data.old_la_code ?? data.la_code;
  return (
    <dl class="facts header-facts" data-testid="school-facts">
      <div>
        <dt>URN</dt>
        <dd data-field="urn">{urn}</dd>
      </div>
      {data.school_type ? (
        <div>
          <dt>Type</dt>
          <dd>{data.school_type}</dd>
        </div>
      ) : null}
      {data.school_phase ? (
        <div>
          <dt>Phase</dt>
          <dd>{data.school_phase}</dd>
        </div>
      ) : null}
      <div>
        <dt>Local authority</dt>
        <dd>
          {la !== undefined && la !== null && la !== '' ? (
            offline ? (
              data.la_name || `LA ${la}`
            ) : (
              <a href={`#/la/${encodeURIComponent(la)}`}>{data.la_name || `LA ${la}`}</a>
            )
          ) : (
            data.la_name || 'not given'
          )}
          {data.region_name ? <span class="muted"> ({data.region_name})</span> : null}
        </dd>
      </div>
      <div>
        <dt>Trust</dt>
        <dd>
          {data.trust_id ? (
            offline ? (
              data.trust_name || data.trust_id
            ) : (
              <a href={`#/trust/${encodeURIComponent(data.trust_id)}`}>{data.trust_name || data.trust_id}</a>
            )
          ) : (
            'None recorded'
          )}
        </dd>
      </div>
      {data.time_period ? (
        <div>
          <dt>Time period</dt>
          <dd data-field="time-period">Academic year {periodText(data.time_period)}</dd>
        </div>
      ) : null}
      {data.mode ? (
        <div>
          <dt>Made from</dt>
          <dd>{data.mode === 'pupil-level' ? 'pupil-level records' : data.mode === 'open data' || data.mode === 'open-data' ? 'published figures (open data)' : data.mode}</dd>
        </div>
      ) : null}
      {data.sources ? (
        <div class="wide">
          <dt>Sources</dt>
          <dd data-field="sources">{data.sources}</dd>
        </div>
      ) : null}
    </dl>
  );
}

function collectEnquiries(data, scored, indicators) {
  const out = [];
  for (const [id, rows] of Object.entries(scored)) {
    if (!Array.isArray(rows)) continue;
    for (const r of rows) {
      if (r && (r.enquiry === 'higher' || r.enquiry === 'lower')) {
        const meta = indicatorMeta(indicators, id);
        out.push({ id, meta, label: meta.label, group: r.pupil_group || 'all_pupils', breakdown: r.breakdown, direction: r.enquiry, text: r.enquiry_text || '', row: r });
      }
    }
  }
  if (out.length === 0 && Array.isArray(data.lines_of_enquiry)) {
    for (const e of data.lines_of_enquiry) {
      if (!e || (e.direction !== 'higher' && e.direction !== 'lower')) continue;
      const meta = indicatorMeta(indicators, e.indicator);
      out.push({ id: e.indicator, meta, label: meta.label, group: e.pupil_group || 'all_pupils', breakdown: e.breakdown, direction: e.direction, text: e.text || e.enquiry_text || '', row: null });
    }
  }
  out.sort((a, b) => a.meta.order - b.meta.order);
  return out;
}

// The comparison table's rows: raw values for the downloads, shown with
// their intervals.
function comparisonRows(main, dp, context) {
  const sim = main.similar_schools;
  const la = main.la;
  const en = main.england;
  const pos = (cmp) => {
    const p = field(cmp, 'position');
    return p === undefined || p === 'z' ? '' : shortPosition(p);
  };
  return [
    { comparator: 'This school', value: main.value, lower_95: main.lower, upper_95: main.upper, lower_99_8: '', upper_99_8: '', schools: '', note: '' },
    {
      comparator: 'Similar schools', value: field(sim, 'value'), lower_95: field(sim, 'lower_95'), upper_95: field(sim, 'upper_95'),
      lower_99_8: field(sim, 'lower_99_8'), upper_99_8: field(sim, 'upper_99_8'), schools: field(sim, 'schools'), note: pos(sim),
    },
    {
      comparator: 'Local authority', value: field(la, 'value'), lower_95: '', upper_95: '', lower_99_8: field(la, 'lower_99_8'), upper_99_8: field(la, 'upper_99_8'),
      schools: field(la, 'schools'), note: pos(la), source: obj(la) ? la.source || '' : '',
    },
    {
      comparator: 'England', value: field(en, 'value'), lower_95: '', upper_95: '', lower_99_8: field(en, 'lower_99_8'), upper_99_8: field(en, 'upper_99_8'),
      schools: field(en, 'schools'), note: pos(en), source: obj(en) ? en.source || '' : '',
    },
    // Context measures have no expectation (they define the similar schools).
    ...(main.expected !== undefined && !(context && main.expected === 'x')
      ? [{
          comparator: 'Expected for its context', value: main.expected, lower_95: '', upper_95: '', lower_99_8: '', upper_99_8: '', schools: '',
          difference: main.difference, difference_lower: main.difference_lower, difference_upper: main.difference_upper,
          note: isNum(main.difference)
            ? `difference ${signed(main.difference, dp)}${isNum(main.difference_lower) && isNum(main.difference_upper) ? ` (95% range ${signed(main.difference_lower, dp)} to ${signed(main.difference_upper, dp)})` : ''}`
            : main.difference !== undefined && main.difference !== 'x' ? `difference ${cellText(main.difference)}` : '',
        }]
      : []),
  ];
}

const SHORT_POSITION = {
  within_95: 'within the 95% limits',
  above_95: 'above the 95% limits',
  below_95: 'below the 95% limits',
  above_99_8: 'above the 99.8% limits',
  below_99_8: 'below the 99.8% limits',
  not_assessed: 'not assessed',
};
function shortPosition(p) {
  return SHORT_POSITION[p] || positionText(p);
}
// A difference with its sign: "+0.3", "−1.2".
function signed(v, dp) {
  const t = cellText(Math.abs(v), dp);
  return v > 0 ? `+${t}` : v < 0 ? `\u2212${t}` : t;
}

function sourcesNote(rows) {
  const la = rows.find((r) => r.comparator === 'Local authority');
  const en = rows.find((r) => r.comparator === 'England');
  if (la && en && la.source && la.source === en.source) return `Local authority and England: ${la.source}.`;
  return [la && la.source ? `Local authority: ${la.source}.` : '', en && en.source ? `England: ${en.source}.` : ''].filter(Boolean).join(' ');
}

const blank = (v) => v === '' || v === undefined || v === null;
const noRange = (lo, hi) => (blank(lo) && blank(hi)) || (lo === 'z' && hi === 'z');

function comparisonColumns(meta) {
  const dp = meta.dp;
  const unit = meta.unit ? ` (${meta.unit})` : '';
  return [
    { key: 'comparator', label: 'Compared with', head: true },
    { key: 'value', label: `Figure${unit}`, num: true, render: (r) => (blank(r.value) ? '' : <Val v={r.value} dp={dp} />) },
    { key: 'lower_95', label: '95% range or limits', num: true, render: (r) => (noRange(r.lower_95, r.upper_95) ? '' : <Range lo={r.lower_95} hi={r.upper_95} dp={dp} />) },
    { key: 'lower_99_8', label: '99.8% limits', num: true, render: (r) => (noRange(r.lower_99_8, r.upper_99_8) ? '' : <Range lo={r.lower_99_8} hi={r.upper_99_8} dp={dp} />) },
    { key: 'schools', label: 'Schools', num: true, render: (r) => (blank(r.schools) ? '' : <Val v={r.schools} dp={0} />) },
    { key: 'note', label: 'This school lies', render: (r) => r.note || '' },
  ];
}
const COMPARISON_EXPORT = ['comparator', 'value', 'lower_95', 'upper_95', 'lower_99_8', 'upper_99_8', 'schools', 'difference', 'difference_lower', 'difference_upper', 'note', 'source'].map((key) => ({ key, label: key }));

function IndicatorCard({ meta, rows, urn }) {
  const main = rows.find(isMain) || rows[0];
  const dp = meta.dp;
  if (notHeld(main)) {
    const la = field(main.la, 'value');
    const en = field(main.england, 'value');
    return (
      <div class="card card-compact" data-indicator={meta.id} data-testid="indicator">
        <h3>{meta.label}</h3>
        <p>
          <span data-field="value">
            <Sym v={main.value} />
          </span>
          {main.value === 'x' && meta.not_available_reason ? `: ${meta.not_available_reason}` : main.value === 'z' ? ' for this school.' : '.'}
        </p>
        {isNum(la) || isNum(en) ? (
          <p class="muted">
            Published for comparison: local authority <Val v={la} dp={dp} unit={meta.unit} />; England <Val v={en} dp={dp} unit={meta.unit} />.
          </p>
        ) : null}
      </div>
    );
  }
  const sim = main.similar_schools;
  const crow = comparisonRows(main, dp, meta.domain === 'context');
  const chartRows = [
    { label: 'This school', shape: 'circle', value: main.value, lo: main.lower, hi: main.upper },
    { label: 'Similar schools', shape: 'diamond', value: field(sim, 'value'), lo95: field(sim, 'lower_95'), hi95: field(sim, 'upper_95'), lo998: field(sim, 'lower_99_8'), hi998: field(sim, 'upper_99_8') },
    { label: 'Local authority', shape: 'square', value: field(main.la, 'value'), lo998: field(main.la, 'lower_99_8'), hi998: field(main.la, 'upper_99_8') },
    { label: 'England', shape: 'triangle', value: field(main.england, 'value'), lo998: field(main.england, 'lower_99_8'), hi998: field(main.england, 'upper_99_8') },
  ];
  const plottable = isNum(main.value);
  const caption = `${meta.label}: this school and its comparators`;
  const hasInterval = isNum(main.lower) && isNum(main.upper);
  return (
    <div class={`card${main.enquiry === 'higher' || main.enquiry === 'lower' ? ' card-enquiry' : ''}`} data-indicator={meta.id} data-testid="indicator">
      <h3 id={`ind-${meta.id}`}>{meta.label}</h3>
      <p class="figure">
        <span class="big" data-field="value">
          <Val v={main.value} dp={dp} unit={meta.unit} />
        </span>{' '}
        {main.lower !== undefined && !(main.lower === 'z' && main.upper === 'z') ? (
          <span class="ci">
            95% range: <span data-field="range"><Range lo={main.lower} hi={main.upper} dp={dp} /></span>
          </span>
        ) : null}
      </p>
      {main.percentile_band && main.percentile_band !== 'z' && main.percentile_band !== 'x' ? (
        <p class="band">
          Among similar schools: <span data-field="band">{isSymbol(main.percentile_band) ? <Sym v={main.percentile_band} /> : main.percentile_band}</span>
        </p>
      ) : null}
      {main.enquiry === 'higher' || main.enquiry === 'lower' ? (
        <p class="flag">
          <span aria-hidden="true">{main.enquiry === 'higher' ? '▲ ' : '▼ '}</span>
          Line of enquiry: {DIRECTION_TEXT[main.enquiry].toLowerCase()}
        </p>
      ) : null}
      {main.comparison_note ? <p class="note">{main.comparison_note}</p> : null}
      {meta.numerator || meta.denominator ? (
        <p class="note muted">
          {meta.numerator ? `Counts: ${meta.numerator}.` : ''} {meta.denominator && !/^none/.test(meta.denominator) ? `Out of: ${meta.denominator}.` : ''}{' '}
          {isNum(main.denominator) ? `${capitalise(cellText(main.denominator, 0))} in the measure here.` : ''}
        </p>
      ) : null}
      <div class={`card-body${plottable ? '' : ' no-chart'}`}>
        <figure class="chart-figure">
          {plottable ? (
            <>
              <Chart
                label={`Chart: ${meta.label}. This school ${cellText(main.value, dp)}${unitSuffix(meta.unit)}${hasInterval ? ` (95% range ${cellText(main.lower, dp)} to ${cellText(main.upper, dp)})` : ''}; similar schools ${cellText(field(sim, 'value'), dp)}. The table beside it holds the same figures.`}
                dataKey={JSON.stringify(chartRows)}
                draw={(Plot, width) => comparisonChart(Plot, width, chartRows, { unit: meta.unit, dp, reference: field(sim, 'value') })}
                minHeight={36 + 4 * 34}
              />
              <figcaption class="legend">
                <span aria-hidden="true">●</span> this school{hasInterval ? ', with its 95% range' : ''}; <span aria-hidden="true">◆</span> similar schools’ figure
                {isNum(field(sim, 'lower_99_8')) ? ', with their 95% (darker band) and 99.8% (lighter band) limits for a school of this size' : ''};{' '}
                <span aria-hidden="true">■</span> local authority and <span aria-hidden="true">▲</span> England
                {isNum(field(main.england, 'lower_99_8')) ? ', dashed: their 99.8% limits' : ''}.
              </figcaption>
            </>
          ) : (
            <p class="muted not-plotted">
              Not plotted: this school’s figure is {cellText(main.value)}
              {main.value === 'c' ? ' (withheld to protect pupils)' : ''}.
            </p>
          )}
        </figure>
        <DataTable
          caption={caption}
          columns={comparisonColumns(meta)}
          exportColumns={COMPARISON_EXPORT}
          rows={crow}
          file={`${urn}-${meta.id}`}
          testid="comparison-table"
          note={sourcesNote(crow)}
        />
      </div>
    </div>
  );
}

function GroupPanel({ meta, rows, urn }) {
  const dp = meta.dp;
  const hasBreakdowns = rows.some((r) => r.breakdown && r.breakdown !== 'Total');
  const tableRows = rows.map((r) => ({
    pupil_group: r.pupil_group || 'all_pupils',
    group: groupLabel(r.pupil_group || 'all_pupils'),
    breakdown: r.breakdown || 'Total',
    value: r.value,
    lower: r.lower,
    upper: r.upper,
    numerator: r.numerator,
    denominator: r.denominator,
    similar_value: field(r.similar_schools, 'value'),
    similar_lower_99_8: field(r.similar_schools, 'lower_99_8'),
    similar_upper_99_8: field(r.similar_schools, 'upper_99_8'),
    position: field(r.similar_schools, 'position'),
    percentile_band: r.percentile_band,
    enquiry: r.enquiry,
  }));
  const columns = [
    { key: 'group', label: 'Pupil group', head: true },
    ...(hasBreakdowns ? [{ key: 'breakdown', label: 'Breakdown' }] : []),
    { key: 'value', label: `Figure${meta.unit ? ` (${meta.unit})` : ''}`, num: true, dp },
    { key: 'lower', label: '95% range', num: true, render: (r) => (r.lower === undefined ? '' : <Range lo={r.lower} hi={r.upper} dp={dp} />) },
    { key: 'denominator', label: 'Counted', num: true, render: (r) => (r.denominator === undefined ? '' : <Val v={r.denominator} dp={0} />) },
    { key: 'similar_value', label: 'Similar schools', num: true, render: (r) => (r.similar_value === undefined ? '' : <Val v={r.similar_value} dp={dp} />) },
    { key: 'position', label: 'This group lies', render: (r) => (r.position === undefined || r.position === 'z' ? '' : shortPosition(r.position)) },
    ...(rows.some((r) => r.enquiry === 'higher' || r.enquiry === 'lower')
      ? [{ key: 'enquiry', label: 'Line of enquiry', render: (r) => (r.enquiry === 'higher' ? '▲ higher' : r.enquiry === 'lower' ? '▼ lower' : r.enquiry === 'none' ? 'none' : '') }]
      : []),
  ];
  const exportColumns = ['pupil_group', 'breakdown', 'value', 'lower', 'upper', 'numerator', 'denominator', 'similar_value', 'similar_lower_99_8', 'similar_upper_99_8', 'position', 'percentile_band', 'enquiry'].map((key) => ({ key, label: key }));
  const chartRows = tableRows
    .filter((r) => r.breakdown === 'Total')
    .map((r) => ({ label: SHORT_GROUP[r.pupil_group] || r.group, value: r.value, lo: r.lower, hi: r.upper, sim: r.similar_value }));
  const plotted = chartRows.filter((r) => isNum(r.value));
  const notPlotted = tableRows.filter((r) => r.breakdown === 'Total' && !isNum(r.value));
  return (
    <details class="group-panel" data-indicator={meta.id}>
      <summary>
        <span class="summary-text">{meta.label}</span> <span class="muted">by pupil group ({rows.length} rows)</span>
      </summary>
      <div class="card-body group-body">
        <figure class="chart-figure">
          {plotted.length ? (
            <>
              <Chart
                label={`Chart: ${meta.label} by pupil group. The table beside it holds the same figures.`}
                dataKey={JSON.stringify(plotted)}
                draw={(Plot, width) => groupChart(Plot, width, plotted, { unit: meta.unit, dp })}
                minHeight={34 + plotted.length * 26}
              />
              <figcaption class="legend">
                <span aria-hidden="true">●</span> the group at this school, line: its 95% range; <span aria-hidden="true">◆</span> the same group in similar schools.
                {notPlotted.length ? ` Not plotted (${notPlotted.map((r) => `${r.group}: ${cellText(r.value)}`).join('; ')}).` : ''}
              </figcaption>
            </>
          ) : (
            <p class="muted not-plotted">Nothing to plot: every group’s figure is withheld, not available or not applicable.</p>
          )}
        </figure>
        <DataTable caption={`${meta.label} by pupil group`} columns={columns} exportColumns={exportColumns} rows={tableRows} file={`${urn}-${meta.id}-groups`} />
      </div>
    </details>
  );
}

const SHORT_GROUP = {
  all_pupils: 'All pupils',
  sen_support: 'SEN support',
  ehcp: 'EHC plan',
  no_sen: 'No SEN',
  fsm: 'FSM',
  not_fsm: 'Not FSM',
  disadvantaged: 'Disadvantaged',
  not_disadvantaged: 'Not disadvantaged',
  eal: 'EAL',
  looked_after: 'Looked after',
  boys: 'Boys',
  girls: 'Girls',
};

function allRowsCsv(scored, ids) {
  const cols = ['indicator', 'pupil_group', 'breakdown', 'value', 'lower', 'upper', 'numerator', 'denominator', 'similar_value', 'similar_lower_95', 'similar_upper_95', 'similar_lower_99_8', 'similar_upper_99_8', 'similar_position', 'percentile_band', 'la_value', 'england_value', 'expected', 'difference', 'difference_lower', 'difference_upper', 'enquiry', 'enquiry_text'].map((key) => ({ key }));
  const rows = [];
  for (const id of ids) {
    for (const r of scored[id]) {
      rows.push({
        indicator: id, pupil_group: r.pupil_group, breakdown: r.breakdown, value: r.value, lower: r.lower, upper: r.upper, numerator: r.numerator, denominator: r.denominator,
        similar_value: field(r.similar_schools, 'value'), similar_lower_95: field(r.similar_schools, 'lower_95'), similar_upper_95: field(r.similar_schools, 'upper_95'),
        similar_lower_99_8: field(r.similar_schools, 'lower_99_8'), similar_upper_99_8: field(r.similar_schools, 'upper_99_8'), similar_position: field(r.similar_schools, 'position'),
        percentile_band: r.percentile_band, la_value: field(r.la, 'value'), england_value: field(r.england, 'value'), expected: r.expected, difference: r.difference,
        difference_lower: r.difference_lower, difference_upper: r.difference_upper, enquiry: r.enquiry, enquiry_text: r.enquiry_text,
      });
    }
  }
  return toCsv(cols, rows);
}

function SimilarSchools({ data, indicators, offline, pages }) {
  const list = Array.isArray(data.similar_schools) ? data.similar_schools : [];
  const vars = Array.isArray(data.similarity_variables) ? data.similarity_variables : [];
  const rows = list.map((s) => ({ school_urn: s.school_urn ?? s.urn, school_name: s.school_name || s.name || '', distance: s.distance }));
  const hasPage = (s) => !pages || pages.has(String(s.school_urn));
  return (
    <section aria-labelledby="similar" class="similar">
      <h2 id="similar" tabIndex={-1}>
        The similar schools
      </h2>
      <p>
        The {list.length} schools of the same phase whose pupils are most like this school’s
        {vars.length ? `, judged on ${vars.map((v) => indicatorMeta(indicators, v).label.toLowerCase()).join(', ')}` : ''}. They are listed by
        closeness in context (the distance: smaller is closer), never by a result.
        {offline ? ' Each link opens that school’s offline copy, a file in the same folder as this one.' : ''}
        {offline && rows.some((s) => !hasPage(s)) ? ' Schools without a link have no copy in that folder.' : ''}
      </p>
      {rows.length ? (
        <>
          <ol class="similar-list" data-testid="similar-list">
            {rows.map((s) => (
              <li key={s.school_urn}>
                {offline && !hasPage(s) ? (
                  s.school_name || `School ${s.school_urn}`
                ) : (
                  <a href={offline ? `./${encodeURIComponent(s.school_urn)}.html` : `#/school/${encodeURIComponent(s.school_urn)}`}>{s.school_name || `School ${s.school_urn}`}</a>
                )}{' '}
                <span class="muted">
                  (URN {s.school_urn}
                  {isNum(s.distance) ? `, distance ${cellText(s.distance, 3)}` : ''})
                </span>
              </li>
            ))}
          </ol>
          <Downloads caption="The similar schools" columns={[{ key: 'school_urn' }, { key: 'school_name' }, { key: 'distance' }]} rows={rows} file={`${data.school_urn}-similar-schools`} />
        </>
      ) : (
        <p>No similar schools are listed.</p>
      )}
    </section>
  );
}

function HowToRead() {
  return (
    <section aria-labelledby="reading" class="reading">
      <h2 id="reading" tabIndex={-1}>
        How to read this page
      </h2>
      <dl class="glossary">
        <dt>95% range</dt>
        <dd>The figure’s uncertainty: with the same school and different pupils, figures would usually fall in this range.</dd>
        <dt>Similar schools and their limits</dt>
        <dd>
          The combined figure of schools of the same phase with similar pupils. Its 95% and 99.8% limits show how far a school of this size
          would usually lie from it by chance alone. Outside the 99.8% limits, a line of enquiry is raised.
        </dd>
        <dt>Among similar schools</dt>
        <dd>The share of similar schools with a lower figure, in bands (lowest 10%, lowest 25%, middle 50%, highest 25%, highest 10%): a band, not a rank.</dd>
        <dt>Expected for its context</dt>
        <dd>The figure a school with this context would have on average across England, and the school’s difference from it.</dd>
        <dt>Symbols</dt>
        <dd>
          <Sym v="c" /> (c): a count of 1 or 2, or a figure that would reveal one, is withheld to protect pupils. <Sym v="x" /> (x): not held in
          this source, with the reason given. <Sym v="z" /> (z): does not apply here.
        </dd>
      </dl>
    </section>
  );
}
