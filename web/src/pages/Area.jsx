import { useEffect, useState } from 'preact/hooks';
import { useApi } from '../api.js';
import { DIRECTION_TEXT, Val, cellText, groupLabel, isSymbol, numberOf, schoolName } from '../format.jsx';
import { indicatorMeta, normaliseIndicators } from '../indicators.js';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';
import { barChart } from '../charts.js';
import { Loading, Problem } from '../components/Status.jsx';
import { saveFile, toCsv } from '../download.js';
import { LaOutcomes, Movement, TrustContribution } from './Outcomes.jsx';
import { LipaEffectiveness } from './Lipa.jsx';
import { NetFlows } from './NetFlows.jsx';

const GROUP_ORDER = ['all_pupils', 'sen_support', 'ehcp', 'no_sen', 'fsm', 'not_fsm', 'disadvantaged', 'not_disadvantaged', 'eal', 'looked_after', 'boys', 'girls'];

// A local authority (#/la/CODE) or a trust (#/trust/ID): its schools, where
// lines of enquiry were raised, and attendance by pupil group as published.
export function AreaPage({ kind, id }) {
  const path = kind === 'la' ? `/api/v1/las/${encodeURIComponent(id)}` : `/api/v1/trusts/${encodeURIComponent(id)}`;
  const st = useApi(path);
  const ind = useApi('/api/v1/indicators');
  const data = st.data ? st.data[0] : null;
  const indicators = ind.data && ind.data[0] ? normaliseIndicators(ind.data[0]) : null;

  const name = data ? (kind === 'la' ? data.la_name || `Local authority ${data.la_code ?? id}` : data.trust_name || `Trust ${data.trust_id ?? id}`) : kind === 'la' ? `Local authority ${id}` : `Trust ${id}`;
  useEffect(() => {
    document.title = `${name} – Lantern`;
  }, [name]);

  if (!data) {
    return (
      <>
        <h1 tabIndex={-1}>{name}</h1>
        {st.loading ? <Loading what={kind === 'la' ? 'the local authority' : 'the trust'} message={st.retrying ? st.error : ''} /> : <Problem status={st.status} message={st.error} />}
      </>
    );
  }
  const schools = (Array.isArray(data.schools) ? data.schools : []).slice().sort((a, b) => schoolName(a).localeCompare(schoolName(b), 'en-GB'));
  const code = kind === 'la' ? data.la_code ?? id : data.trust_id ?? id;
  return (
    <article class="area" data-testid="area">
      <p class="kicker">{kind === 'la' ? `Local authority ${code}` : `Trust ${code}`}</p>
      <h1 tabIndex={-1} data-testid="area-name">
        {name}
      </h1>
      <dl class="facts header-facts">
        {kind === 'la' && data.region_name ? (
          <div>
            <dt>Region</dt>
            <dd>{data.region_name}</dd>
          </div>
        ) : null}
        <div>
          <dt>Schools with a scorecard</dt>
          <dd data-field="school-count">{schools.length}</dd>
        </div>
      </dl>
      <p class="mirror">
        Where lines of enquiry were raised, and attendance by pupil group. Schools are listed alphabetically: nothing here ranks them.
      </p>
      <Enquiries list={Array.isArray(data.enquiries) ? data.enquiries : []} indicators={indicators} file={`${kind}-${code}`} />
      <SchoolsTable schools={schools} kind={kind} file={`${kind}-${code}-schools`} />
      <Attendance table={data.attendance} kind={kind} file={`${kind}-${code}-attendance`} />
      {kind === 'la' ? (
        <p class="no-print">
          <a href={`#/la/${encodeURIComponent(code)}/voice`} data-testid="voice-link">
            Pupil voice in this local authority
          </a>{' '}
          (who was heard and how pupils answered, where a survey wave is held).
        </p>
      ) : null}
      {kind === 'la' ? <LaOutcomes code={code} /> : null}
      {kind === 'la' ? <Movement level="la" code={code} /> : <TrustContribution id={code} />}
      <NetFlows kind={kind} id={code} />
      <LipaEffectiveness kind={kind} id={code} />
      {kind === 'la' ? <CmeCaseload code={code} /> : null}
    </article>
  );
}

// "A (123456); B (234567)" -> [{ name, urn }]
function parseSchools(s) {
  if (typeof s !== 'string' || isSymbol(s) || !s) return [];
  return s.split(/;\s*/).map((part) => {
    const m = part.match(/^(.*?)\s*\((\d{5,7})\)\s*$/);
    return m ? { name: m[1], urn: m[2] } : { name: part, urn: '' };
  });
}

function Enquiries({ list, indicators, file }) {
  // Two shapes: one row per school (urn, school_name, ...) or one per measure
  // with the schools listed (schools_with_enquiry, schools).
  const groups = new Map();
  for (const e of list) {
    if (!e || (e.direction !== 'higher' && e.direction !== 'lower')) continue;
    const key = [e.indicator, e.pupil_group, e.breakdown || 'Total', e.direction].join('|');
    if (!groups.has(key)) {
      groups.set(key, {
        indicator: e.indicator, pupil_group: e.pupil_group || 'all_pupils', breakdown: e.breakdown || 'Total', direction: e.direction,
        enquiry_text: isSymbol(e.enquiry_text) ? '' : e.enquiry_text || '', where: [], schools_assessed: e.schools_assessed, schools_with_enquiry: e.schools_with_enquiry,
      });
    }
    const g = groups.get(key);
    if (e.urn !== undefined) g.where.push({ name: e.school_name || '', urn: String(e.urn) });
    else g.where.push(...parseSchools(e.schools));
  }
  const rows = [...groups.values()]
    .filter((g) => g.where.length > 0 || numberOf(g.schools_with_enquiry) > 0)
    .map((g) => ({
      ...g,
      measure: indicatorMeta(indicators, g.indicator).label,
      group: groupLabel(g.pupil_group),
      count: g.where.length || numberOf(g.schools_with_enquiry) || 0,
      schools: g.where.map((w) => (w.urn ? `${w.name || `School ${w.urn}`} (${w.urn})` : w.name)).join('; '),
      order: indicatorMeta(indicators, g.indicator).order,
    }))
    // In the order of the measures and groups, never by how many schools.
    .sort((a, b) => a.order - b.order || GROUP_ORDER.indexOf(a.pupil_group) - GROUP_ORDER.indexOf(b.pupil_group) || a.breakdown.localeCompare(b.breakdown) || a.direction.localeCompare(b.direction));
  const hasAssessed = rows.some((r) => r.schools_assessed !== undefined);
  const columns = [
    { key: 'measure', label: 'Measure', head: true },
    { key: 'group', label: 'Pupil group' },
    ...(rows.some((r) => r.breakdown !== 'Total') ? [{ key: 'breakdown', label: 'Breakdown' }] : []),
    { key: 'direction', label: 'Compared with similar schools', render: (r) => <span>{r.direction === 'higher' ? '▲ ' : '▼ '}{DIRECTION_TEXT[r.direction].toLowerCase()}</span> },
    { key: 'count', label: hasAssessed ? 'Schools (of those assessed)' : 'Schools', num: true, render: (r) => (hasAssessed && r.schools_assessed !== undefined ? `${r.count} of ${cellText(r.schools_assessed, 0)}` : String(r.count)) },
    {
      key: 'schools', label: 'Where',
      render: (r) => (
        <ul class="plain">
          {r.where.map((w, i) => (
            <li key={i}>{w.urn ? <a href={`#/school/${encodeURIComponent(w.urn)}`}>{w.name || `School ${w.urn}`}</a> : w.name}</li>
          ))}
        </ul>
      ),
    },
    { key: 'enquiry_text', label: 'The question' },
  ];
  const exportColumns = ['indicator', 'pupil_group', 'breakdown', 'direction', ...(hasAssessed ? ['schools_assessed'] : []), 'count', 'schools', 'enquiry_text'].map((key) => ({ key }));
  return (
    <section aria-labelledby="area-enquiries">
      <h2 id="area-enquiries">Lines of enquiry, and where</h2>
      {rows.length === 0 ? (
        <p data-testid="no-enquiry">
          None. No school here lies outside the 99.8% limits of its similar schools on any measure: nothing could be told apart from ordinary
          variation, which is not to say that all is well.
        </p>
      ) : (
        <>
          <p>Each line of enquiry raised at these schools, with the schools where it was raised.</p>
          <DataTable caption="Lines of enquiry and the schools where they were raised" columns={columns} exportColumns={exportColumns} rows={rows} file={`${file}-enquiries`} testid="enquiry-table" />
        </>
      )}
    </section>
  );
}

function SchoolsTable({ schools, kind, file }) {
  const rows = schools.map((s) => ({
    urn: s.urn, name: schoolName(s), phase: s.phase || '', type: s.type || '', la_code: s.la_code ?? '', la_name: s.la_name || '', trust_id: s.trust_id || '', trust_name: s.trust_name || '',
  }));
  const columns = [
    { key: 'name', label: 'School', head: true, render: (r) => <a href={`#/school/${encodeURIComponent(r.urn)}`}>{r.name}</a> },
    { key: 'urn', label: 'URN', num: true, render: (r) => String(r.urn) },
    { key: 'phase', label: 'Phase' },
    kind === 'la'
      ? { key: 'trust_name', label: 'Trust', render: (r) => (r.trust_id ? <a href={`#/trust/${encodeURIComponent(r.trust_id)}`}>{r.trust_name || r.trust_id}</a> : 'none') }
      : { key: 'la_name', label: 'Local authority', render: (r) => (r.la_code !== '' ? <a href={`#/la/${encodeURIComponent(r.la_code)}`}>{r.la_name || `LA ${r.la_code}`}</a> : r.la_name) },
  ];
  const exportColumns = ['urn', 'name', 'phase', 'type', 'la_code', 'la_name', 'trust_id', 'trust_name'].map((key) => ({ key }));
  return (
    <section aria-labelledby="area-schools">
      <h2 id="area-schools">Schools</h2>
      <DataTable caption="Schools, alphabetically" columns={columns} exportColumns={exportColumns} rows={rows} file={file} testid="schools-table" />
    </section>
  );
}

const MEASURES = [
  { key: 'num_schools', label: 'Schools', dp: 0, percent: false },
  { key: 'enrolments', label: 'Enrolments', dp: 0, percent: false },
  { key: 'sess_overall_percent', label: 'Overall absence (%)', dp: 1, percent: true, chart: 'Overall absence rate' },
  { key: 'sess_authorised_percent', label: 'Authorised absence (%)', dp: 1, percent: true, chart: 'Authorised absence rate' },
  { key: 'sess_unauthorised_percent', label: 'Unauthorised absence (%)', dp: 1, percent: true, chart: 'Unauthorised absence rate' },
  { key: 'enrolments_pa_10_exact_percent', label: 'Persistent absence: 10% or more (%)', dp: 1, percent: true, chart: 'Persistent absence rate' },
  { key: 'enrolments_pa_50_exact_percent', label: 'Severe absence: 50% or more (%)', dp: 1, percent: true, chart: 'Severe absence rate' },
];

function distinct(rows, k) {
  const seen = [];
  for (const r of rows) if (r[k] !== undefined && !seen.includes(r[k])) seen.push(r[k]);
  return seen;
}

function Attendance({ table, kind, file }) {
  const columns = table && Array.isArray(table.columns) ? table.columns.map(String) : [];
  const all = table && Array.isArray(table.rows) ? table.rows.filter(Array.isArray).map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] === undefined ? '' : String(r[i])]))) : [];
  const types = distinct(all, 'school_type');
  const bases = distinct(all, 'location_basis');
  const [type, setType] = useState(types.includes('Total') ? 'Total' : types[0]);
  const [basis, setBasis] = useState(bases.includes('School location') ? 'School location' : bases[0]);
  const measures = MEASURES.filter((m) => columns.includes(m.key));
  const percentMeasures = measures.filter((m) => m.percent);
  const [measure, setMeasure] = useState(percentMeasures[0] ? percentMeasures[0].key : '');

  if (all.length === 0) {
    return (
      <section aria-labelledby="area-attendance">
        <h2 id="area-attendance">Attendance by pupil group</h2>
        <p>No attendance figures are published for this {kind === 'la' ? 'local authority' : 'trust'}.</p>
      </section>
    );
  }
  const rows = all.filter((r) => (type === undefined || r.school_type === type) && (basis === undefined || r.location_basis === basis));
  const label = (r) => (r.breakdown_topic === 'Total' || !r.breakdown_topic ? 'All enrolments' : `${r.breakdown_topic}: ${r.breakdown}`);
  const shown = rows.map((r) => ({ ...r, group_label: label(r) }));
  const tableColumns = [
    { key: 'group_label', label: 'Pupil group', head: true },
    ...measures.map((m) => ({ key: m.key, label: m.label, num: true, render: (r) => <Cell text={r[m.key]} dp={m.dp} /> })),
  ];
  const exportColumns = [...(type !== undefined ? ['school_type'] : []), ...(basis !== undefined ? ['location_basis'] : []), 'breakdown_topic', 'breakdown', ...measures.map((m) => m.key)].map((key) => ({ key }));
  const m = measures.find((x) => x.key === measure);
  const chartRows = m ? shown.map((r) => ({ label: r.group_label, value: numberOf(r[m.key]) })).filter((r) => r.value !== null) : [];
  const skipped = m ? shown.filter((r) => numberOf(r[m.key]) === null) : [];
  const filterText = [type && type !== 'Total' ? type : 'all school types', basis ? basis.toLowerCase() : ''].filter(Boolean).join(', ');
  const caption = `Attendance by pupil group (${filterText})`;

  return (
    <section aria-labelledby="area-attendance" data-testid="attendance">
      <h2 id="area-attendance">Attendance by pupil group</h2>
      <p>
        As published by <code>lantern build</code>, with the Department’s symbols. “School location” counts the pupils of the{' '}
        {kind === 'la' ? 'local authority’s' : 'trust’s'} schools; “pupil residence” counts pupils by where they live.
      </p>
      <div class="filters no-print">
        {types.length > 1 ? (
          <div class="field">
            <label for="att-type">School type</label>
            <select id="att-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
              {types.map((t) => (
                <option key={t} value={t}>
                  {t === 'Total' ? 'All school types' : t}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {bases.length > 1 ? (
          <div class="field">
            <label for="att-basis">Pupils counted by</label>
            <select id="att-basis" value={basis} onChange={(e) => setBasis(e.currentTarget.value)}>
              {bases.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {percentMeasures.length > 1 ? (
          <div class="field">
            <label for="att-measure">Measure in the chart</label>
            <select id="att-measure" value={measure} onChange={(e) => setMeasure(e.currentTarget.value)}>
              {percentMeasures.map((x) => (
                <option key={x.key} value={x.key}>
                  {x.chart}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      <div class="card-body attendance-body">
        <figure class="chart-figure">
          {m && chartRows.length ? (
            <>
              <Chart
                label={`Bar chart: ${m.chart} by pupil group (${filterText}). The table holds the same figures.`}
                dataKey={JSON.stringify([m.key, chartRows])}
                draw={(Plot, width) => barChart(Plot, width, chartRows, { unit: '%', dp: 1 })}
                minHeight={34 + chartRows.length * 24}
              />
              <figcaption class="legend">
                {m.chart}, per cent, in the order published.
                {skipped.length ? ` Not plotted: ${skipped.map((r) => `${r.group_label} (${cellText(r[m.key])})`).join('; ')}.` : ''}
              </figcaption>
            </>
          ) : (
            <p class="muted">Nothing to plot for these filters.</p>
          )}
        </figure>
        <DataTable caption={caption} columns={tableColumns} exportColumns={exportColumns} rows={shown} file={file} testid="attendance-table" />
      </div>
      <p class="no-print">
        <button type="button" class="button secondary" onClick={() => saveFile(`${file}-all-rows.csv`, 'text/csv;charset=utf-8', toCsv(columns.map((key) => ({ key })), all))}>
          Download every published row (CSV)
        </button>
      </p>
    </section>
  );
}

// A published text cell: a symbol in words, or the number rounded for
// reading (the downloads keep the published text).
function Cell({ text, dp }) {
  const n = numberOf(text);
  if (n !== null) return <Val v={n} dp={dp} />;
  if (isSymbol(text)) return <Val v={text} />;
  return <span>{text}</span>;
}

const CME_COLUMNS = [
  { key: 'upn', label: 'UPN', head: true },
  { key: 'status', label: 'Status' },
  { key: 'last_school_name', label: 'Last school' },
  { key: 'last_school_urn', label: 'URN' },
  { key: 'year_group', label: 'Year' },
  { key: 'leaving_date', label: 'Left' },
  { key: 'leaving_reason', label: 'Reason recorded' },
  { key: 'window_end_date', label: 'Window ended' },
  { key: 'reappeared_date', label: 'Reappeared' },
  // A day a line ("2018-09-05 / \\"), each kept whole.
  { key: 'last_marks', label: 'Last marks', render: (r) => String(r.last_marks ?? '').split('; ').filter(Boolean).map((day, i) => <span class="line" key={i}>{day}</span>) },
  { key: 'open_suspension', label: 'Suspension just before' },
  { key: 'open_ap', label: 'In AP' },
];

// The LA's children missing education caseload (docs/local-outcomes.md):
// shown only to a user of the home LA. The server refuses everyone else
// (401 or 403), and then nothing is shown, not even that a list exists.
function CmeCaseload({ code }) {
  const st = useApi(`/api/v1/las/${encodeURIComponent(code)}/cme`);
  const data = st.data ? st.data[0] : null;
  if (!data || !Array.isArray(data.cases)) return null;
  const order = { open: 0, window_open: 1, closed: 2 };
  const rows = data.cases.slice().sort((a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3) || String(a.leaving_date).localeCompare(String(b.leaving_date)));
  const open = rows.filter((r) => r.status === 'open').length;
  return (
    <section aria-labelledby="cme-h" data-testid="cme">
      <h2 id="cme-h">Children missing education: your caseload</h2>
      <p>
        Pupils of compulsory school age living in this authority whose registration ended with no destination that accounts for them and who were on no roll for the whole window after leaving. {open} open, {rows.length} in all (closed cases stay, with the day the child reappeared). Pupil-level: your view is recorded in the audit log.
      </p>
      <DataTable caption="Children missing education cases" columns={CME_COLUMNS} rows={rows} file={`la-${code}-cme`} testid="cme-table" />
    </section>
  );
}
