// The peer of `lantern measures`: DuckDB (npm @duckdb/node-api) computing
// every school's Attainment 8 from the same long-form ks4_results.csv and
// the same catalogue (catalogue/qualifications.csv, point_scales.csv), slots
// filled as definitions.md 3.2 says: maths double; English double when both
// language and literature were attempted (the other then free for an open
// slot), else single; the three best EBacc entries (combined science counts
// as two); the three best of the rest. Discounting and first entry are left
// out: generated results never share a discount code or repeat a
// qualification (docs/generator.md), so they never decide a slot there.
//
//   node bench/duckdb_att8.mjs --input DIR --catalogue catalogue --out att8.csv \
//        [--threads 2] [--compare OUT/measures.csv]
//
// Prints one JSON line: load_seconds (CSV into DuckDB tables), query_seconds
// (every school's A8 from the loaded tables), schools, pupils, and with
// --compare the schools whose A8 differs from Lantern's by more than 0.05
// (measures.csv rounds half away from zero to one decimal place).
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

function args() {
  const a = {};
  for (let i = 2; i < process.argv.length; i += 2) a[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
  for (const k of ['input', 'catalogue', 'out']) if (!a[k]) throw new Error(`missing --${k}`);
  return a;
}
const sql = (s) => `'${s.replace(/'/g, "''")}'`;

// RFC 4180 rows (school names hold commas and quotes).
function csvRows(text) {
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

const a = args();
const instance = await DuckDBInstance.create(':memory:', { threads: String(a.threads ?? '2') });
const con = await instance.connect();

let t = performance.now();
await con.run(`CREATE TABLE r AS SELECT upn, CAST(urn AS INTEGER) AS urn, qual_id, grade
  FROM read_csv(${sql(a.input + '/ks4_results.csv')}, header=true,
  columns={'upn':'VARCHAR','urn':'VARCHAR','ks4_year':'VARCHAR','qual_id':'VARCHAR','grade':'VARCHAR','exam_series':'VARCHAR'})`);
await con.run(`CREATE TABLE q AS SELECT * FROM read_csv(${sql(a.catalogue + '/qualifications.csv')}, header=true, all_varchar=true)`);
await con.run(`CREATE TABLE ps AS SELECT scale, grade, CAST(points AS DOUBLE) AS points
  FROM read_csv(${sql(a.catalogue + '/point_scales.csv')}, header=true, all_varchar=true)`);
const loadSeconds = (performance.now() - t) / 1000;

t = performance.now();
await con.run(`CREATE TABLE att8 AS
WITH p AS (
  SELECT r.upn, q.slots, CAST(q.slot_count AS INTEGER) AS n, ps.points AS pts
  FROM r JOIN q USING (qual_id) JOIN ps ON ps.scale = q.point_scale AND ps.grade = r.grade
  WHERE q.counts_in_a8 = 'Y'),
eng AS (
  SELECT upn,
    max(pts) FILTER (WHERE slots = 'maths') AS maths,
    max(pts) FILTER (WHERE slots LIKE 'english_language%') AS lang,
    max(pts) FILTER (WHERE slots LIKE 'english_literature%') AS lit
  FROM p GROUP BY upn),
ebacc AS (
  SELECT upn, pts, row_number() OVER (PARTITION BY upn ORDER BY pts DESC) AS k
  FROM p, range(p.n) AS copies(i) WHERE slots LIKE 'ebacc%'),
open_pool AS (
  SELECT upn, pts FROM p WHERE slots = 'open'
  UNION ALL SELECT upn, pts FROM ebacc WHERE k > 3
  UNION ALL SELECT upn, least(lang, lit) FROM eng WHERE lang IS NOT NULL AND lit IS NOT NULL),
open3 AS (
  SELECT upn, sum(pts) AS open FROM (
    SELECT upn, pts, row_number() OVER (PARTITION BY upn ORDER BY pts DESC) AS k FROM open_pool)
  WHERE k <= 3 GROUP BY upn),
ebacc3 AS (SELECT upn, sum(pts) AS ebacc FROM ebacc WHERE k <= 3 GROUP BY upn),
pupil AS (
  SELECT upn, any_value(urn) AS urn FROM r GROUP BY upn)
SELECT pupil.urn,
  count(*) AS pupils,
  avg(2 * coalesce(eng.maths, 0)
      + CASE WHEN eng.lang IS NOT NULL AND eng.lit IS NOT NULL THEN 2 * greatest(eng.lang, eng.lit)
             ELSE coalesce(eng.lang, eng.lit, 0) END
      + coalesce(ebacc3.ebacc, 0) + coalesce(open3.open, 0)) AS att8
FROM pupil LEFT JOIN eng USING (upn) LEFT JOIN ebacc3 USING (upn) LEFT JOIN open3 USING (upn)
GROUP BY pupil.urn ORDER BY pupil.urn`);
const querySeconds = (performance.now() - t) / 1000;

await con.run(`COPY att8 TO ${sql(a.out)} (HEADER, DELIMITER ',')`);
const schools = Number((await (await con.run('SELECT count(*) FROM att8')).getRows())[0][0]);
const pupils = Number((await (await con.run('SELECT sum(pupils) FROM att8')).getRows())[0][0]);

const result = { load_seconds: loadSeconds, query_seconds: querySeconds, schools, pupils };
if (a.compare) {
  // Lantern's measures.csv: school rows with urn and att8 (one decimal place).
  const [header, ...body] = csvRows(readFileSync(a.compare, 'utf8').replace(/^\uFEFF/, ''));
  const iu = header.indexOf('school_urn') >= 0 ? header.indexOf('school_urn') : header.indexOf('urn');
  const ia = header.indexOf('att8');
  const theirs = new Map();
  for (const f of body) {
    if (f.length > ia && f[iu] && /^-?[0-9.]+$/.test(f[ia])) theirs.set(Number(f[iu]), Number(f[ia]));
  }
  const rows = await (await con.run('SELECT urn, att8 FROM att8')).getRows();
  let compared = 0, mismatches = 0;
  for (const [urn, att8] of rows) {
    const l = theirs.get(Number(urn));
    if (l === undefined) continue;
    compared++;
    // Lantern rounds half away from zero to one place: at most 0.05 apart.
    if (Math.abs(l - Number(att8)) > 0.05 + 1e-6) mismatches++;
  }
  Object.assign(result, { compared, mismatches });
}
console.log(JSON.stringify(result));
