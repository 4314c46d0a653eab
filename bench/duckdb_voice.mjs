// The peer for `lantern voice`: DuckDB (npm @duckdb/node-api) computing
// every school x item x response count (the school distributions, before
// disclosure control) from the same voice_responses.csv.
//
//   node bench/duckdb_voice.mjs --input DIR [--threads 2]
//
// Prints one JSON line: seconds (read and count, one query), rows (distribution cells).
import { DuckDBInstance } from '@duckdb/node-api';

const a = {};
for (let i = 2; i < process.argv.length; i += 2) a[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const threads = a.threads ?? '2';
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
// One query over the CSV (what a data team would run): read, group, count.
let t = performance.now();
const res = await con.runAndReadAll(
  `SELECT urn, item_id, item_version, response, count(*) AS n
   FROM read_csv('${a.input}/voice_responses.csv', header=true, all_varchar=true)
   GROUP BY ALL ORDER BY ALL`);
const rows = res.getRows().length;
const seconds = (performance.now() - t) / 1000;
const cpu = process.cpuUsage();
console.log(JSON.stringify({ seconds: +seconds.toFixed(2), cpu_seconds: +((cpu.user + cpu.system) / 1e6).toFixed(2), rows }));
