// The peer of `lantern flags` (docs/early-warning.md): DuckDB (npm
// @duckdb/node-api) computing the two commonest at-risk triggers on one day
// from the same input CSV files, with the same definitions:
//   repeat_suspension: 2+ suspensions starting in the 12 months up to the day;
//   low_attendance: under 90% of possible sessions over the pupil's last 30
//     school days with a possible session (all enrolments, each in its time
//     on roll);
// for the pupils on a roll on the day.
//
//   node bench/duckdb_flags.mjs --input DIR --codes codes.csv --day 2019-07-23 \
//        [--threads 2] [--compare flags.csv]
//
// Prints one JSON line: load_seconds, query_seconds, the flags per trigger,
// and with --compare whether every (upn, trigger) equals Lantern's.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const a = {};
for (let i = 2; i < process.argv.length; i += 2) a[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['input', 'codes', 'day']) if (!a[k]) throw new Error(`missing --${k}`);
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const codes = readFileSync(a.codes, 'utf8').split('\n').slice(1).map((l) => l.split(',')).filter((r) => r.length > 1);
const list = (t) => codes.filter((r) => r[1] === t).map((r) => q(r[0])).join(',');
const att = list('attendance');
const possible = [att, list('authorised'), list('unauthorised')].filter(Boolean).join(',');

const instance = await DuckDBInstance.create(':memory:', { threads: String(a.threads ?? '2') });
const con = await instance.connect();
const dir = a.input;
let t = performance.now();
await con.run(`CREATE TABLE enrolments AS SELECT upn, urn, CAST(entry_date AS DATE) AS entry_date,
  CAST(NULLIF(leaving_date, '') AS DATE) AS leaving_date FROM read_csv(${q(dir + '/enrolments.csv')}, header=true, all_varchar=true)`);
await con.run(`CREATE TABLE suspensions AS SELECT upn, CAST(start_date AS DATE) AS start_date, category
  FROM read_csv(${q(dir + '/suspensions.csv')}, header=true, all_varchar=true)`);
await con.run(`CREATE TABLE marks AS SELECT upn, urn, CAST(date AS DATE) AS date, am, pm
  FROM read_csv(${q(dir + '/attendance.csv')}, header=true, all_varchar=true)`);
const load = (performance.now() - t) / 1000;

t = performance.now();
const day = q(a.day);
const reader = await con.runAndReadAll(`
WITH on_roll AS (
  SELECT DISTINCT upn FROM enrolments
  WHERE entry_date <= DATE ${day} AND (leaving_date IS NULL OR leaving_date >= DATE ${day})),
susp AS (
  SELECT upn, 'repeat_suspension' AS trigger_id FROM suspensions
  WHERE category = 'suspension' AND start_date > DATE ${day} - INTERVAL 12 MONTH AND start_date <= DATE ${day}
  GROUP BY upn HAVING count(*) >= 2),
daily AS (
  SELECT m.upn, m.date,
    sum((m.am IN (${possible}))::INT + (m.pm IN (${possible}))::INT) AS possible,
    sum((m.am IN (${att}))::INT + (m.pm IN (${att}))::INT) AS attended
  FROM marks m JOIN enrolments e ON e.upn = m.upn AND e.urn = m.urn
    AND m.date >= e.entry_date AND (e.leaving_date IS NULL OR m.date <= e.leaving_date)
  WHERE m.date <= DATE ${day}
  GROUP BY m.upn, m.date HAVING possible > 0),
ranked AS (SELECT *, row_number() OVER (PARTITION BY upn ORDER BY date DESC) AS k FROM daily),
att AS (
  SELECT upn, 'low_attendance' AS trigger_id FROM ranked WHERE k <= 30
  GROUP BY upn HAVING count(*) = 30 AND sum(attended) * 100 < 90 * sum(possible))
SELECT f.upn, f.trigger_id FROM (SELECT * FROM susp UNION ALL SELECT * FROM att) f
JOIN on_roll USING (upn) ORDER BY 1, 2`);
const rows = reader.getRows();
const query = (performance.now() - t) / 1000;

const out = { load_seconds: +load.toFixed(3), query_seconds: +query.toFixed(3), flags: rows.length };
for (const id of ['repeat_suspension', 'low_attendance']) out[id] = rows.filter((r) => r[1] === id).length;
if (a.compare) {
  const mine = new Set(rows.map((r) => `${r[0]},${r[1]}`));
  const theirs = new Set(readFileSync(a.compare, 'utf8').split('\n').slice(1).filter(Boolean)
    .map((l) => l.split(',')).filter((r) => r[3] === 'repeat_suspension' || r[3] === 'low_attendance')
    .map((r) => `${r[0]},${r[3]}`));
  let same = mine.size === theirs.size;
  for (const k of mine) same = same && theirs.has(k);
  out.equal_to_lantern = same;
  if (!same) { console.log(JSON.stringify(out)); process.exit(1); }
}
console.log(JSON.stringify(out));
