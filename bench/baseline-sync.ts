/**
 * The least possible sync loop, the connector's baseline: fetch a page, JSON.parse it,
 * append its records into a DuckDB staging table, delete their keys from and insert them
 * into `tester.hed_records` together with the cursor, one transaction per page, following
 * next_cursor while has_more. No retries, no validation, no type inference beyond the
 * first record, no state file, no progress. The same durability as the connector: rows and
 * state of a page commit together in DuckDB's WAL.
 *
 * Run as its own process by the bench:
 * `node --import tsx bench/baseline-sync.ts BASE_URL API_KEY PAGE_SIZE DB_FILE`;
 * prints one JSON line {"records":N,"pages":N,"ms":N}.
 */
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';

interface Page {
  hed_records: Record<string, unknown>[];
  next_cursor: string;
  has_more: boolean;
}

type Append = (appender: DuckDBAppender, value: unknown) => void;

/** One append function per column, chosen from the first page's values (a number column with any fraction is DOUBLE). */
function appendersFor(first: Record<string, unknown>[]): { columns: string[]; types: string[]; append: Append[] } {
  const sample = first[0]!;
  const columns = Object.keys(sample);
  const types: string[] = [];
  const append: Append[] = [];
  for (const column of columns) {
    const value = sample[column];
    if (typeof value === 'boolean') {
      types.push('BOOLEAN');
      append.push((a, v) => (v === null || v === undefined ? a.appendNull() : a.appendBoolean(v as boolean)));
    } else if (typeof value === 'number' && first.every((record) => Number.isInteger(record[column]))) {
      types.push('BIGINT');
      append.push((a, v) => (v === null || v === undefined ? a.appendNull() : a.appendBigInt(BigInt(v as number))));
    } else if (typeof value === 'number') {
      types.push('DOUBLE');
      append.push((a, v) => (v === null || v === undefined ? a.appendNull() : a.appendDouble(v as number)));
    } else {
      types.push('VARCHAR');
      append.push((a, v) => (v === null || v === undefined ? a.appendNull() : a.appendVarchar(String(v))));
    }
  }
  return { columns, types, append };
}

async function main(): Promise<void> {
  const [baseUrl, apiKey, pageSizeText, dbFile] = process.argv.slice(2);
  if (!baseUrl || !apiKey || !pageSizeText || !dbFile) {
    process.stderr.write('usage: baseline-sync.ts BASE_URL API_KEY PAGE_SIZE DB_FILE\n');
    process.exit(2);
  }
  const instance = await DuckDBInstance.create(dbFile, { memory_limit: '512MB' });
  const db: DuckDBConnection = await instance.connect();
  await db.run('CREATE SCHEMA tester; CREATE SCHEMA _hed; CREATE TABLE _hed.state (id INTEGER PRIMARY KEY, state VARCHAR)');

  let plan: ReturnType<typeof appendersFor> | undefined;
  const started = performance.now();
  let cursor: string | undefined;
  let records = 0;
  let pages = 0;
  for (;;) {
    const url = `${baseUrl}/hed_data?page_size=${pageSizeText}${cursor === undefined ? '' : `&cursor=${cursor}`}`;
    const response = await fetch(url, { headers: { 'x-api-key': apiKey } });
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}.`);
    const page = JSON.parse(await response.text()) as Page;
    pages++;
    await db.run('BEGIN TRANSACTION');
    if (page.hed_records.length > 0) {
      if (plan === undefined) {
        plan = appendersFor(page.hed_records);
        const definitions = plan.columns.map((c, i) => `"${c}" ${plan!.types[i]}${c === 'record_id' ? ' PRIMARY KEY' : ''}`);
        await db.run(`CREATE TABLE tester.hed_records (${definitions.join(', ')})`);
      }
      await db.run(`CREATE OR REPLACE TEMP TABLE stage (${plan.columns.map((c, i) => `"${c}" ${plan!.types[i]}`).join(', ')})`);
      const appender = await db.createAppender('stage', 'main', 'temp');
      for (const record of page.hed_records) {
        for (let i = 0; i < plan.columns.length; i++) plan.append[i]!(appender, record[plan.columns[i]!]);
        appender.endRow();
      }
      appender.closeSync();
      // Replace by key the fastest way DuckDB offers: delete the keys (an index lookup), then insert.
      const keys = page.hed_records.map((record) => `'${String(record.record_id).replaceAll("'", "''")}'`).join(', ');
      await db.run(`DELETE FROM tester.hed_records WHERE record_id IN (${keys})`);
      await db.run('INSERT INTO tester.hed_records SELECT * FROM temp.main.stage');
      records += page.hed_records.length;
    }
    await db.run('INSERT OR REPLACE INTO _hed.state VALUES (1, $1)', [JSON.stringify({ next_cursor: page.next_cursor })]);
    await db.run('COMMIT');
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  await db.run('CHECKPOINT');
  db.closeSync();
  instance.closeSync();
  process.stdout.write(`${JSON.stringify({ records, pages, ms: Math.round(performance.now() - started) })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`baseline-sync: ${String(err)}\n`);
  process.exit(1);
});
