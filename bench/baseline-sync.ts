/**
 * The least possible sync loop, the connector's baseline: fetch a page, JSON.parse it,
 * upsert its records into better-sqlite3 in one transaction per page, follow
 * next_cursor while has_more. No retries, no validation, no state file, no progress.
 * The database has the durability the connector promises (WAL, synchronous = FULL), so
 * the two do the same disk work per page.
 *
 * Run as its own process by the bench:
 * `node --import tsx bench/baseline-sync.ts BASE_URL API_KEY PAGE_SIZE DB_FILE`;
 * prints one JSON line {"records":N,"pages":N,"ms":N}.
 */
import Database from 'better-sqlite3';

interface Page {
  hed_records: Record<string, unknown>[];
  next_cursor: string;
  has_more: boolean;
}

async function main(): Promise<void> {
  const [baseUrl, apiKey, pageSizeText, dbFile] = process.argv.slice(2);
  if (!baseUrl || !apiKey || !pageSizeText || !dbFile) {
    process.stderr.write('usage: baseline-sync.ts BASE_URL API_KEY PAGE_SIZE DB_FILE\n');
    process.exit(2);
  }
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');

  let insert: ((records: Record<string, unknown>[]) => void) | undefined;
  const prepare = (sample: Record<string, unknown>) => {
    const columns = Object.keys(sample);
    db.exec(`CREATE TABLE hed_records (${columns.map((c) => (c === 'record_id' ? 'record_id TEXT PRIMARY KEY' : `"${c}"`)).join(', ')})`);
    const statement = db.prepare(`INSERT OR REPLACE INTO hed_records VALUES (${columns.map(() => '?').join(', ')})`);
    // better-sqlite3 binds numbers, strings and null; booleans go in as 0/1.
    return db.transaction((records: Record<string, unknown>[]) => {
      for (const record of records) statement.run(columns.map((c) => (typeof record[c] === 'boolean' ? Number(record[c]) : record[c])));
    });
  };

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
    if (page.hed_records.length > 0) {
      insert ??= prepare(page.hed_records[0]!);
      insert(page.hed_records);
      records += page.hed_records.length;
    }
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  db.close();
  process.stdout.write(`${JSON.stringify({ records, pages, ms: Math.round(performance.now() - started) })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`baseline-sync: ${String(err)}\n`);
  process.exit(1);
});
