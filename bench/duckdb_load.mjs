// The peer of a daily `lantern ingest`: DuckDB (npm @duckdb/node-api) loading
// one long-form attendance CSV into a table, with the column types
// duckdb_absence.mjs uses. It checks nothing (Lantern validates every row).
//
//   node bench/duckdb_load.mjs FILE [THREADS]
//
// Prints one JSON line: load_seconds, rows.
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads = '2'] = process.argv.slice(2);
if (!file) throw new Error('usage: duckdb_load.mjs FILE [THREADS]');
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
const t = performance.now();
await con.run(`CREATE TABLE att AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}', header=true,
  columns={'upn':'VARCHAR','urn':'INTEGER','date':'DATE','am':'VARCHAR','pm':'VARCHAR'})`);
const loadSeconds = (performance.now() - t) / 1000;
const rows = (await con.runAndReadAll('SELECT count(*) FROM att')).getRows()[0][0];
console.log(JSON.stringify({ engine: 'duckdb', threads: Number(threads), load_seconds: loadSeconds,
  rows: Number(rows) }));
