import { useEffect } from 'preact/hooks';
import { useApi } from '../api.js';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';
import { Loading, Problem } from '../components/Status.jsx';
import { periodText } from '../format.jsx';

// KS4 measures (issue 12): a school's Attainment 8, Progress 8, Progress 5
// and destinations (#/school/URN/measures), and every school's P8 and P5
// side by side (#/measures). Intervals and bands, never ranks.

const BAND_TEXT = {
  well_below: 'Well below average',
  below: 'Below average',
  average: 'Average',
  above: 'Above average',
  well_above: 'Well above average',
};
const BAND3_TEXT = { below: 'Below', in_line: 'In line', above: 'Above' };
const SLOT_TEXT = { english: 'English', maths: 'Maths', ebacc: 'EBacc', open: 'Open', science: 'Science', humanity_or_language: 'Humanity or language' };

const num = (v, dp = 2) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(dp) : '');
const signed = (v, dp = 2) => (typeof v === 'number' && Number.isFinite(v) ? `${v > 0 ? '+' : ''}${v.toFixed(dp)}` : '');

// Where the Progress 8 estimates came from, in words: the Department's
// published national estimates (a file in the layout of its
// p8_pupil_coefficients_file.csv), or the pupils in this data.
function estimatesText(source) {
  const s = String(source || '');
  if (!s || s === 'cohort') {
    return 'Progress scores compare each pupil with pupils nationally who had similar results at the end of primary school; here the expected scores are worked out from all the pupils in this data.';
  }
  const year = (s.match(/20\d\d/) || [])[0];
  return `Progress scores compare each pupil with pupils nationally who had similar results at the end of primary school, using the national estimates published by the Department for Education${year ? ` (${year})` : ''}.`;
}

function progressText(p) {
  if (!p || !p.available) return 'not available (z)';
  if (p.symbol === 'c') return 'withheld (c)';
  return `${signed(p.score)} (95% interval ${signed(p.lower)} to ${signed(p.upper)})`;
}

function Progress({ label, p, testid }) {
  return (
    <div data-testid={testid}>
      <dt>{label}</dt>
      <dd>
        {progressText(p)}
        {p && p.band ? <span class="muted"> · {BAND_TEXT[p.band] || p.band}; tenth of schools {p.percentile_band}</span> : null}
      </dd>
    </div>
  );
}

export function SchoolMeasuresPage({ urn }) {
  const st = useApi(`/api/v1/schools/${encodeURIComponent(urn)}/measures`);
  const data = st.data ? st.data[0] : null;
  const s = data ? data.school : null;
  const name = s ? s.name || `School ${s.urn}` : `School ${urn}`;
  useEffect(() => {
    document.title = `KS4 measures: ${name} – Lantern`;
  }, [name]);
  if (!s) {
    return (
      <>
        <h1 tabIndex={-1}>KS4 measures</h1>
        {st.loading ? <Loading what="the school's measures" message={st.retrying ? st.error : ''} /> : <Problem status={st.status} message={st.error} />}
      </>
    );
  }
  const pupils = Array.isArray(data.pupils) ? data.pupils : null;
  // One row per pupil: the figures, then each slot as "slot: qualification grade (points x weight)".
  const slotText = (slots) => (slots || []).map((sl) => `${SLOT_TEXT[sl.slot] || sl.slot}: ${sl.title || sl.qual_id} ${sl.grade} (${sl.points}${sl.weight > 1 ? ` ×${sl.weight}` : ''})`).join('; ');
  const slotRows = (pupils || []).map((p) => ({
    upn: p.upn,
    ks2: p.ks2_average,
    att8: p.att8,
    p8: p.p8_adjusted ?? p.p8,
    p5: p.p5_adjusted ?? p.p5,
    broader: p.broader,
    a8_slots: slotText(p.a8_slots),
    p5_slots: slotText(p.p5_slots),
  }));
  return (
    <article data-testid="school-measures">
      <p class="kicker">
        Key stage 4, {periodText(data.time_period)} · <a href={`#/school/${s.urn}`}>the school's scorecard</a> · <a href="#/measures">every school</a>
      </p>
      <h1 tabIndex={-1} data-testid="measures-name">
        {name}
      </h1>
      {s.withheld ? (
        <p data-testid="withheld">Too few pupils at the end of KS4 to publish this school's figures (c).</p>
      ) : (
        <dl class="facts">
          <div>
            <dt>Pupils at the end of KS4</dt>
            <dd data-field="ks4-pupils">{s.ks4_pupils}</dd>
          </div>
          <div>
            <dt>Attainment 8</dt>
            <dd data-field="att8">{num(s.att8, 1)}</dd>
          </div>
          <Progress label="Progress 8" p={s.p8} testid="p8" />
          <Progress label="Progress 5" p={s.p5} testid="p5" />
          <div>
            <dt>Broader attainment (technical, vocational and functional skills counted)</dt>
            <dd>{num(s.broader, 1)}</dd>
          </div>
          <div>
            <dt>Sustained destination after KS4</dt>
            <dd data-field="sustained">{typeof s.sustained_destination === 'number' ? `${(100 * s.sustained_destination).toFixed(1)}%` : 'no records (x)'}</dd>
          </div>
        </dl>
      )}
      <p class="mirror" data-testid="estimates-note">
        {estimatesText(data.estimates_source)} A score of 0 means pupils did as well as similar pupils nationally. The band compares the score with 0 using its 95% interval (the range the score would likely fall in by chance); the tenth of schools says where the score lies among all schools, not a place in a league table.
      </p>
      <h2>Pupils' slots</h2>
      {pupils ? (
        <DataTable
          caption={`Each pupil's Attainment 8 and Progress 5 slots (${pupils.length} pupils)`}
          testid="slots-table"
          file={`measures-${s.urn}-slots`}
          columns={[
            { key: 'upn', label: 'UPN', head: true },
            { key: 'ks2', label: 'KS2 average', num: true, dp: 1 },
            { key: 'att8', label: 'A8', num: true, dp: 1 },
            { key: 'p8', label: 'P8', num: true, dp: 2 },
            { key: 'p5', label: 'P5', num: true, dp: 2 },
            { key: 'broader', label: 'Broader', num: true, dp: 1 },
            { key: 'a8_slots', label: 'Attainment 8 slots' },
            { key: 'p5_slots', label: 'Progress 5 slots' },
          ]}
          rows={slotRows}
        />
      ) : (
        <p data-testid="slots-note">{data.pupils_note || 'Pupils’ slots are shown to those entitled to the school’s pupils.'}</p>
      )}
    </article>
  );
}

// The slope chart: each school a line from its P8 to its P5, with both
// intervals; lines of schools whose band changes are drawn dark, the others
// light. The same figures are in the table below it.
function slopeChart(rows) {
  return (Plot, width) => {
    const points = [];
    for (const r of rows) {
      points.push({ urn: r.urn, measure: 'Progress 8', score: r.p8, lower: r.p8_lower, upper: r.p8_upper, moves: r.moves });
      points.push({ urn: r.urn, measure: 'Progress 5', score: r.p5, lower: r.p5_lower, upper: r.p5_upper, moves: r.moves });
    }
    return Plot.plot({
      width,
      height: 420,
      marginLeft: 50,
      x: { domain: ['Progress 8', 'Progress 5'], label: null, padding: 0.4 },
      y: { label: 'score (0 = national average)', grid: true },
      color: { domain: [false, true], range: ['#b7c3d0', '#1d3f72'] },
      marks: [
        Plot.ruleY([0], { stroke: '#555' }),
        Plot.ruleX(points, { x: 'measure', y1: 'lower', y2: 'upper', stroke: 'moves', strokeOpacity: 0.25, dx: 0 }),
        Plot.line(points, { x: 'measure', y: 'score', z: 'urn', stroke: 'moves', strokeOpacity: (d) => (d.moves ? 0.9 : 0.35) }),
        Plot.dot(points, { x: 'measure', y: 'score', fill: 'moves', r: 2.5 }),
      ],
    });
  };
}

export function MeasuresComparisonPage() {
  const st = useApi('/api/v1/measures/comparison');
  const data = st.data ? st.data[0] : null;
  useEffect(() => {
    document.title = 'Progress 8 and Progress 5 – Lantern';
  }, []);
  if (!data) {
    return (
      <>
        <h1 tabIndex={-1}>Progress 8 and Progress 5</h1>
        {st.loading ? <Loading what="the comparison" message={st.retrying ? st.error : ''} /> : <Problem status={st.status} message={st.error} />}
      </>
    );
  }
  const rows = (data.schools || [])
    .filter((s) => s.p8 && s.p8.score !== undefined && s.p5 && s.p5.score !== undefined)
    .map((s) => ({
      urn: String(s.urn),
      name: s.name || `School ${s.urn}`,
      p8: s.p8.score,
      p8_lower: s.p8.lower,
      p8_upper: s.p8.upper,
      p8_band: BAND3_TEXT[s.p8.band3] || '',
      p5: s.p5.score,
      p5_lower: s.p5.lower,
      p5_upper: s.p5.upper,
      p5_band: BAND3_TEXT[s.p5.band3] || '',
      moves: !!s.band_moves,
      moves_text: s.band_moves ? `${BAND3_TEXT[s.p8.band3]} → ${BAND3_TEXT[s.p5.band3]}` : 'no change',
      vocational: typeof s.share_vocational === 'number' ? 100 * s.share_vocational : null,
      sustained: typeof s.sustained_destination === 'number' ? 100 * s.sustained_destination : null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  const moving = rows.filter((r) => r.moves).length;
  return (
    <article data-testid="measures-comparison">
      <p class="kicker">Key stage 4, {periodText(data.time_period)}</p>
      <h1 tabIndex={-1}>Progress 8 and Progress 5</h1>
      <p class="mirror">
        Each school's Progress 8 and its Progress 5, with 95% intervals. Progress 5 counts English, maths, science and a humanity or a language only, leaving room in the curriculum for other subjects, technical ones among them. <strong data-field="moving">{moving}</strong> of{' '}
        <span data-field="school-count">{rows.length}</span> schools move between below, in line and above average when the measure changes. Schools are listed alphabetically: nothing here ranks them.
      </p>
      <section data-testid="slope">
        <h2>From Progress 8 to Progress 5</h2>
        <Chart draw={slopeChart(rows)} dataKey={`slope${rows.length}`} label={`Slope chart of ${rows.length} schools from their Progress 8 to their Progress 5 score; ${moving} change band`} minHeight={420} />
        <DataTable
          caption="Every school's Progress 8 and Progress 5 with 95% intervals"
          testid="comparison-table"
          file={`p8-p5-${data.time_period}`}
          columns={[
            { key: 'name', label: 'School', head: true, render: (r) => <a href={`#/school/${r.urn}/measures`}>{r.name}</a> },
            { key: 'urn', label: 'URN' },
            { key: 'p8', label: 'P8', num: true, dp: 2 },
            { key: 'p8_lower', label: 'P8 lower', num: true, dp: 2 },
            { key: 'p8_upper', label: 'P8 upper', num: true, dp: 2 },
            { key: 'p8_band', label: 'P8 band' },
            { key: 'p5', label: 'P5', num: true, dp: 2 },
            { key: 'p5_lower', label: 'P5 lower', num: true, dp: 2 },
            { key: 'p5_upper', label: 'P5 upper', num: true, dp: 2 },
            { key: 'p5_band', label: 'P5 band' },
            { key: 'moves_text', label: 'Band change' },
            { key: 'vocational', label: 'Vocational entry %', num: true, dp: 1 },
            { key: 'sustained', label: 'Sustained destination %', num: true, dp: 1 },
          ]}
          rows={rows}
        />
      </section>
    </article>
  );
}
