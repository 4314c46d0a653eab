// The peer: DuckDB (npm @duckdb/node-api) computing the same school-level and
// local-authority-level absence figures as `lantern build`, from the same
// input CSV files, with the same cohort rules (docs/definitions.md).
//
//   node bench/duckdb_absence.mjs --input DIR --codes codes.csv --year 2018 \
//        --study-leave 2019-06-03 --out figures.csv [--threads 2] [--compare lantern.csv]
//
// Prints one JSON line of timings: load_seconds (CSV into DuckDB tables, the
// peer of `lantern ingest`), query_seconds (the figures from the loaded
// tables, the peer of `lantern build`), rows. With --compare, checks that
// every figure equals Lantern's (unsuppressed) attendance.csv and fails if not.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

function args() {
  const a = {};
  for (let i = 2; i < process.argv.length; i += 2) a[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
  for (const k of ['input', 'codes', 'year', 'study-leave', 'out']) {
    if (!a[k]) throw new Error(`missing --${k}`);
  }
  return a;
}

function csvRows(text) {
  // Small CSV reader for the code table and the comparison file (RFC 4180).
  const rows = [];
  let row = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const sqlString = (s) => `'${s.replace(/'/g, "''")}'`;

const a = args();
const threads = a.threads ?? '2';
const codes = csvRows(readFileSync(a.codes, 'utf8')).slice(1).filter((r) => r.length > 1);
const counted = (t) => codes.filter((r) => r[1] === t).map((r) => sqlString(r[0])).join(',');
const inList = (col, list) => (list ? `(${col} IN (${list}))::INTEGER` : '0');
const attendance = counted('attendance'), authorised = counted('authorised'), unauthorised = counted('unauthorised');
const possibleList = [attendance, authorised, unauthorised].filter(Boolean).join(',');
const absentList = [authorised, unauthorised].filter(Boolean).join(',');

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
const dir = a.input;

let t = performance.now();
await con.run(`CREATE TABLE schools AS SELECT * FROM read_csv(${sqlString(dir + '/schools.csv')}, header=true, all_varchar=true)`);
await con.run(`CREATE TABLE pupils AS SELECT upn, CAST(birth_date AS DATE) AS birth_date FROM read_csv(${sqlString(dir + '/pupils.csv')}, header=true, all_varchar=true)`);
const enrolHeader = readFileSync(dir + '/enrolments.csv', 'utf8').slice(0, 4096).split('\n')[0];
const boarder = enrolHeader.split(',').map((c) => c.trim()).includes('boarder') ? "COALESCE(boarder, 'N')" : "'N'";
await con.run(`CREATE TABLE enrolments AS SELECT upn, CAST(urn AS INTEGER) AS urn, CAST(entry_date AS DATE) AS entry_date,
  CAST(NULLIF(leaving_date, '') AS DATE) AS leaving_date, enrol_status, ${boarder} AS boarder
  FROM read_csv(${sqlString(dir + '/enrolments.csv')}, header=true, all_varchar=true)`);
await con.run(`CREATE TABLE att AS SELECT * FROM read_csv(${sqlString(dir + '/attendance.csv')}, header=true,
  columns={'upn':'VARCHAR','urn':'INTEGER','date':'DATE','am':'VARCHAR','pm':'VARCHAR'})`);
const loadSeconds = (performance.now() - t) / 1000;

const year = Number(a.year);
t = performance.now();
// Per enrolment: sessions counted inside its time on roll (and before the
// study-leave date for pupils aged 15), then schools and LAs.
await con.run(`CREATE TABLE figures AS
WITH cohort AS (
  SELECT e.upn, e.urn, e.entry_date, COALESCE(e.leaving_date, DATE '9999-12-31') AS leaving_date,
         CASE WHEN (${year} - year(p.birth_date) - (month(p.birth_date) > 8)::INTEGER) = 15
              THEN DATE ${sqlString(a['study-leave'])} ELSE DATE '9999-12-31' END AS stop_date
  FROM enrolments e JOIN pupils p USING (upn)
  WHERE e.enrol_status IN ('C', 'M') AND upper(e.boarder) NOT IN ('Y', '1', 'TRUE', 'YES')
    AND (${year} - year(p.birth_date) - (month(p.birth_date) > 8)::INTEGER) BETWEEN 5 AND 15
),
per_enrolment AS (
  SELECT c.urn, c.upn, c.entry_date,
    sum(${inList('a.am', possibleList)} + ${inList('a.pm', possibleList)}) AS possible,
    sum(${inList('a.am', authorised)} + ${inList('a.pm', authorised)}) AS auth,
    sum(${inList('a.am', unauthorised)} + ${inList('a.pm', unauthorised)}) AS unauth
  FROM att a JOIN cohort c ON a.upn = c.upn AND a.urn = c.urn
   AND a.date BETWEEN c.entry_date AND c.leaving_date AND a.date < c.stop_date
   AND a.date BETWEEN DATE '${year}-08-01' AND DATE '${year + 1}-07-31'
  GROUP BY ALL
),
enrol AS (
  SELECT p.*, (auth + unauth) AS overall, ((auth + unauth) >= 0.1 * possible - 1e-9)::INTEGER AS pa,
         s.la_code, s.phase
  FROM per_enrolment p JOIN schools s ON CAST(s.urn AS INTEGER) = p.urn WHERE possible > 0
)
SELECT 'School' AS level, CAST(urn AS VARCHAR) AS code, count(*) AS enrolments, sum(possible) AS sess_possible,
       sum(overall) AS sess_overall, sum(auth) AS sess_authorised, sum(unauth) AS sess_unauthorised,
       sum(pa) AS enrolments_pa_10_exact
FROM enrol WHERE phase <> 'nursery' GROUP BY urn
UNION ALL
SELECT 'Local authority', la_code, count(*), sum(possible), sum(overall), sum(auth), sum(unauth), sum(pa)
FROM enrol WHERE phase NOT IN ('nursery', 'ap') GROUP BY la_code
ORDER BY 1, 2`);
const querySeconds = (performance.now() - t) / 1000;

await con.run(`COPY figures TO ${sqlString(a.out)} (HEADER, DELIMITER ',')`);
const count = (await con.runAndReadAll('SELECT count(*) FROM figures')).getRows()[0][0];

let mismatches = null;
if (a.compare) {
  // Lantern's file: School rows (Total group) and LA rows by school location, Total type.
  const rows = csvRows(readFileSync(a.compare, 'utf8'));
  const h = rows[0];
  const col = (n) => h.indexOf(n);
  const want = new Map();
  for (const r of rows.slice(1)) {
    if (r.length < h.length || r[col('breakdown_topic')] !== 'Total') continue;
    const level = r[col('geographic_level')];
    if (level === 'School') want.set(`School|${r[col('school_urn')]}`, r);
    else if (level === 'Local authority' && r[col('location_basis')] === 'School location' &&
             r[col('school_type')] === 'Total') want.set(`Local authority|${r[col('old_la_code')]}`, r);
  }
  const got = csvRows(readFileSync(a.out, 'utf8'));
  const gh = got[0];
  mismatches = 0;
  let compared = 0;
  const measures = ['enrolments', 'sess_possible', 'sess_overall', 'sess_authorised', 'sess_unauthorised', 'enrolments_pa_10_exact'];
  for (const r of got.slice(1)) {
    if (r.length < gh.length) continue;
    const key = `${r[0]}|${r[1]}`;
    const w = want.get(key);
    if (!w) { mismatches++; if (mismatches < 5) console.error(`only in DuckDB: ${key}`); continue; }
    for (const m of measures) {
      if (String(Number(r[gh.indexOf(m)])) !== w[col(m)]) {
        mismatches++;
        if (mismatches < 5) console.error(`${key} ${m}: DuckDB ${r[gh.indexOf(m)]}, Lantern ${w[col(m)]}`);
      }
    }
    compared++;
    want.delete(key);
  }
  mismatches += want.size;
  if (want.size) console.error(`${want.size} Lantern rows have no DuckDB row`);
  console.error(`compared ${compared} rows, ${mismatches} mismatches`);
}
console.log(JSON.stringify({ engine: 'duckdb', threads: Number(threads), load_seconds: loadSeconds,
  query_seconds: querySeconds, rows: Number(count), mismatches }));
if (mismatches) process.exit(1);
