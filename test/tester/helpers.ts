import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDestination } from '../../warehouse/index.js';

/** fixtures/connectors/NAME */
export function fixtureDir(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/connectors/${name}`, import.meta.url));
}

/** A fresh project folder holding a copy of a fixture's connector.py and the given configuration.json. */
export function projectFrom(name: string, configuration: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `hed-tester-${name}-`));
  copyFileSync(join(fixtureDir(name), 'connector.py'), join(dir, 'connector.py'));
  writeFileSync(join(dir, 'configuration.json'), JSON.stringify(configuration));
  return dir;
}

/** Lab configuration for a mock at baseUrl. */
export function labConfiguration(baseUrl: string, pageSize = '100'): Record<string, string> {
  return { api_key: 'hed-demo-key', base_url: baseUrl, page_size: pageSize };
}

/** An output that keeps what is written. */
export function captureOutput(): { write(text: string): boolean; text(): string } {
  let buffer = '';
  return {
    write(text: string) {
      buffer += text;
      return true;
    },
    text: () => buffer,
  };
}

/** GET /__admin/records, sorted by record_id. */
export async function sourceRecords(baseUrl: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${baseUrl}/__admin/records`);
  const body = (await response.json()) as { hed_records: Record<string, unknown>[] };
  return body.hed_records.sort((a, b) => String(a.record_id).localeCompare(String(b.record_id)));
}

/** Rows of tester.TABLE in DIR/warehouse.db, and its column types. */
export async function warehouseContents(outputDir: string, table: string): Promise<{ rows: Record<string, unknown>[]; columns: Record<string, string>; state: Record<string, unknown> }> {
  const destination = await openDestination(outputDir);
  try {
    const tables = await destination.tables();
    const rows = tables.includes(table) ? await destination.readRows(table) : [];
    const columns = tables.includes(table) ? Object.fromEntries((await destination.columns(table)).map((c) => [c.name, c.type])) : {};
    const { state } = await destination.startState();
    return { rows, columns, state };
  } finally {
    await destination.close();
  }
}

/**
 * Fields where a warehouse row differs from the API record, as the SDK 1.7.0 wire types
 * them: a Python bool is sent as long (0/1), a Python float as float32 (FLOAT, which reads
 * back as the decimal written), timestamp text as TIMESTAMP.
 */
export function differences(row: Record<string, unknown>, record: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, expected] of Object.entries(record)) {
    const actual = row[key];
    let same: boolean;
    if (typeof expected === 'boolean') same = actual === (expected ? 1 : 0);
    // A timestamp text (`last_updated`) is a TIMESTAMP, as in the Fivetran tester; read back as ISO text.
    else if (typeof expected === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(expected)) same = actual === `${expected.replace(' ', 'T')}.000Z`;
    else same = actual === expected;
    if (!same) out.push(`${key}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  }
  return out;
}

/** Compares a warehouse with the source: missing, extra, duplicated and differing rows. */
export function compareWithSource(rows: Record<string, unknown>[], source: Record<string, unknown>[]): { missing: number; extra: number; duplicates: number; differing: string[] } {
  const byId = new Map(rows.map((row) => [row.record_id, row]));
  const sourceIds = new Set(source.map((r) => r.record_id));
  const differing: string[] = [];
  let missing = 0;
  for (const record of source) {
    const row = byId.get(record.record_id);
    if (row === undefined) missing++;
    else {
      const diff = differences(row, record);
      if (diff.length > 0) differing.push(`${String(record.record_id)} ${diff.join('; ')}`);
    }
  }
  return { missing, extra: rows.filter((row) => !sourceIds.has(row.record_id)).length, duplicates: rows.length - byId.size, differing };
}
