// The peer for `lantern outcomes` (docs/local-outcomes.md): DuckDB (npm
// @duckdb/node-api) doing the core of each mode from the same files.
//
//   node bench/duckdb_outcomes.mjs --open-data DIR [--threads 2]
//     LAIT (bds_long_full.csv.gz) and the statistical neighbours: for every
//     LAIT row of the measures Lantern reads, England's value and the mean of
//     the LA's ten neighbours that have one (the comparators of
//     local_outcomes.csv).
//   node bench/duckdb_outcomes.mjs --input DIR [--threads 2]
//     enrolments.csv and schools.csv: each counted registration's next one
//     (window over the pupil's registrations), then moves, moves across LAs
//     and exits to no school by LA of the school (the exit grain's core).
//   node bench/duckdb_outcomes.mjs --day FILE [--threads 2]
//     one day's attendance.csv (long form): loaded into a table, then the
//     sessions recorded by school (the least a daily refresh must do).
//
// Prints one JSON line: load_seconds, query_seconds, rows.
import { DuckDBInstance } from '@duckdb/node-api';

function args() {
  const a = {};
  for (let i = 2; i < process.argv.length; i += 2) a[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
  if (!a['open-data'] && !a.input && !a.day) throw new Error('give --open-data DIR, --input DIR or --day FILE');
  return a;
}

const sqlString = (s) => `'${s.replace(/'/g, "''")}'`;
const a = args();
const instance = await DuckDBInstance.create(':memory:', { threads: String(a.threads ?? '2') });
const con = await instance.connect();

const codes = ['TotAbs', 'PriTotAbs', 'SecTotAbs', 'total_absence_special', 'TotAuthAbs', 'PriAuth',
  'SecAuth', 'authorised_absence_special', 'TotUnAuthAbs', 'PriUnauth', 'SecUnauth',
  'unauthorised_absence_special', 'TotPerAbNew', 'SFPriPerAbNew', 'SFSecPerAbNew', 'SpecPerAbNew',
  'TotSevPerAbNew', 'SFPriSevPerAbNew', 'SFSecSevPerAbNew', 'SpecSevPerAbNew', 'TotFixedEx',
  'PriFixedEx', 'SecFixedEx', 'SpecFixedEx', 'Total_ Pup_FixedEx', 'Pri_ Pup_FixedEx',
  'Sec_ Pup_FixedEx', 'Spec_ Pup_FixedEx', 'TotPermEx', 'PriPermEx', 'SecPermEx', 'SpecPermEx',
  'LAC_Over_Abs', 'LAC_Unauth', 'LAC_Pers_Abs', 'LAC_Fixed_ Ex', 'CINTotalAb_3Term',
  'CINAuthAb_3Term', 'CINUnauthAb_3Term', 'CINPermAbsent_3Term', 'CINFixedExclusion',
  'SEN_EHC_All_20wks', 'SEN_EHC_Excpt_20wks', '16-17 NEET', '16-17_not known',
  '16-17_not known_NEET', 'AVG_Attain8_Score', 'FSM_AVG_Attain8_Score', 'NonFSM_AVG_Attain8_Score',
  'DAP_KS4_ATT8', 'NonDAP_KS4_ATT8', 'SEN_Stat_AVG_Attain8_Score', 'SEN_WoStat_AVG_Attain8_Score',
  'SEN_NoID_AVG_Attain8_Score', 'AVG_Prog8_Score', 'FSM_AVG_Prog8_Score', 'NonFSM_AVG_Prog8_Score',
  'DAP_KS4_Prog8', 'NonDAP_KS4_Prog8', 'SEN_Stat_AVG_Prog8_Score', 'SEN_WoStat_AVG_Prog8_Score',
  'SEN_NoID_AVG_Prog8_Score'];

let t = performance.now();
let rows = 0, load = 0, query = 0;
if (a['open-data']) {
  const dir = a['open-data'];
  await con.run(`CREATE TABLE lait AS SELECT "Short Desc" AS code, "Years" AS yr, "LA and Regions" AS area_name,
      TRY_CAST("Values" AS DOUBLE) AS v, TRY_CAST("LA Number" AS INTEGER) AS area
    FROM read_csv(${sqlString(dir + '/lait_la_indicators/bds_long_full.csv.gz')}, header=true, all_varchar=true)
    WHERE "Short Desc" IN (${codes.map(sqlString).join(',')})`);
  await con.run(`CREATE TABLE sn AS SELECT CAST(la_number AS INTEGER) AS la, CAST(s AS INTEGER) AS nb
    FROM (SELECT * FROM read_csv(${sqlString(dir + '/stat_neighbours_la/sn_may_2025.csv')}, header=true, all_varchar=true))
    UNPIVOT (s FOR k IN (sn1, sn2, sn3, sn4, sn5, sn6, sn7, sn8, sn9, sn10))`);
  load = (performance.now() - t) / 1000;
  t = performance.now();
  const r = await con.runAndReadAll(`
    WITH la AS (SELECT * FROM lait WHERE area < 970),
         eng AS (SELECT code, yr, v AS england FROM lait WHERE area = 970),
         snm AS (SELECT la.code, la.yr, la.area, AVG(n.v) AS sn_mean, COUNT(n.v) AS sn_count
                 FROM la JOIN sn ON sn.la = la.area
                 LEFT JOIN lait n ON n.area = sn.nb AND n.code = la.code AND n.yr = la.yr
                 GROUP BY ALL)
    SELECT la.code, la.yr, la.area, la.v, eng.england, snm.sn_mean, snm.sn_count
    FROM la LEFT JOIN eng USING (code, yr) LEFT JOIN snm USING (code, yr, area)`);
  rows = r.getRows().length;
  query = (performance.now() - t) / 1000;
} else if (a.day) {
  await con.run(`CREATE TABLE day AS SELECT * FROM read_csv(${sqlString(a.day)}, header=true, all_varchar=true)`);
  load = (performance.now() - t) / 1000;
  t = performance.now();
  const r = await con.runAndReadAll(`SELECT urn, COUNT(*) AS pupils,
      SUM((am NOT IN ('/', '\\'))::INTEGER + (pm NOT IN ('/', '\\'))::INTEGER) AS not_present
    FROM day GROUP BY urn`);
  rows = r.getRows().length;
  query = (performance.now() - t) / 1000;
} else {
  const dir = a.input;
  await con.run(`CREATE TABLE schools AS SELECT urn, la_code, trust_id FROM read_csv(${sqlString(dir + '/schools.csv')}, header=true, all_varchar=true)`);
  await con.run(`CREATE TABLE enr AS SELECT upn, urn, CAST(entry_date AS DATE) AS entry, TRY_CAST(leaving_date AS DATE) AS leaving,
      leaving_reason AS reason FROM read_csv(${sqlString(dir + '/enrolments.csv')}, header=true, all_varchar=true)
    WHERE enrol_status IN ('C', 'M')`);
  load = (performance.now() - t) / 1000;
  t = performance.now();
  const r = await con.runAndReadAll(`
    WITH e AS (SELECT e.*, s.la_code,
                 LEAD(urn) OVER w AS next_urn, LEAD(entry) OVER w AS next_entry
               FROM enr e JOIN schools s USING (urn)
               WINDOW w AS (PARTITION BY upn ORDER BY entry)),
         x AS (SELECT e.*, n.la_code AS next_la FROM e LEFT JOIN schools n ON n.urn = e.next_urn
               WHERE leaving IS NOT NULL)
    SELECT la_code, COUNT(*) AS exits,
           SUM((next_urn IS NOT NULL AND next_urn <> urn)::INTEGER) AS moves,
           SUM((next_la IS NOT NULL AND next_la <> la_code)::INTEGER) AS moves_other_la,
           SUM((next_urn IS NULL)::INTEGER) AS exits_no_school,
           SUM((reason = 'ehe')::INTEGER) AS ehe_exits
    FROM x GROUP BY la_code`);
  rows = r.getRows().length;
  query = (performance.now() - t) / 1000;
}
console.log(JSON.stringify({ load_seconds: +load.toFixed(3), query_seconds: +query.toFixed(3), rows }));
