// Reads or writes Parquet with independent implementations, for the interop tests and the benchmark.
//   node parquet.mjs duckdb-read <file>            -> {"types":[{name,type}],"rows":[...]} (values as DuckDB's JSON)
//   node parquet.mjs hyparquet-read <file>         -> {"rows":[...]} (values as JSON; bigint and dates as strings)
//   node parquet.mjs duckdb-sql "<sql>"            -> runs SQL (e.g. COPY ... TO 'x.parquet'), prints {"rows":[...]} of the last statement
//   node parquet.mjs duckdb-time "<sql>"           -> runs SQL on one thread, prints {"ms": elapsed} (excludes start-up)
import { readFileSync } from 'node:fs';

const [, , command, arg] = process.argv;

function jsonValue(v) {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v;
}

async function duck() {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  return db.connect();
}

if (command === 'duckdb-read') {
  const c = await duck();
  const path = arg.replaceAll("'", "''");
  const described = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
  const types = described.getRowObjectsJson().map(r => ({ name: r.column_name, type: r.column_type }));
  const result = await c.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
  process.stdout.write(JSON.stringify({ types, rows: result.getRowObjectsJson() }));
} else if (command === 'duckdb-sql') {
  const c = await duck();
  const result = await c.runAndReadAll(arg);
  process.stdout.write(JSON.stringify({ rows: result.getRowObjectsJson() }));
} else if (command === 'duckdb-time') {
  const c = await duck();
  const started = performance.now();
  const result = await c.runAndReadAll(arg);
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, rows: result.getRowObjectsJson() }));
} else if (command === 'hyparquet-read') {
  const { parquetReadObjects } = await import('hyparquet');
  const buffer = readFileSync(arg);
  const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  const rows = await parquetReadObjects({ file });
  process.stdout.write(JSON.stringify({ rows: rows.map(r => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, jsonValue(v)]))) }));
} else {
  process.stderr.write(`unknown command '${command}'\n`);
  process.exit(2);
}
