// hed-tester check: any warehouse (hed-tester's, hed-connector's or the real Fivetran
// tester's) against a running mock's ground truth. compareRows decides; this file fetches.
import { readWarehouse, WarehouseError } from '../warehouse/index.js';
import { compareRows, isEqual, type Comparison } from './scenarios/compare.js';
import { formatTable } from './scenarios/report.js';

/** Inputs of checkWarehouse. */
export interface CheckWarehouseOptions {
  /** Path of the DuckDB file (e.g. files/warehouse.db). */
  warehouse: string;
  /** The running mock, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** Sent as x-admin-token when the mock runs with --admin-token. */
  adminToken?: string;
  /** Sent as x-api-key (not needed by the admin API; kept for proxies that want it). */
  apiKey?: string;
  /** Table in schema tester (default hed_records). */
  table?: string;
  fetch?: typeof fetch;
}

/** What checkWarehouse found. */
export interface CheckWarehouseResult {
  equal: boolean;
  comparison: Comparison;
  /** The key column the rows were matched on. */
  key: string;
}

/** A check that could not be made (unreachable mock, missing warehouse); the message says what to do. */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckError';
  }
}

/**
 * Compares a warehouse table with `GET /__admin/records` of a running mock: lost,
 * duplicated, unexpected and differing rows, tolerant of the Fivetran tester's types
 * (BIGINT 0/1 booleans, FLOAT columns, timestamps).
 *
 * @example
 * const { equal, comparison } = await checkWarehouse({ warehouse: 'files/warehouse.db', baseUrl: 'http://127.0.0.1:8080' });
 */
export async function checkWarehouse(options: CheckWarehouseOptions): Promise<CheckWarehouseResult> {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/__admin/records`;
  const headers: Record<string, string> = {};
  if (options.adminToken !== undefined) headers['x-admin-token'] = options.adminToken;
  if (options.apiKey !== undefined) headers['x-api-key'] = options.apiKey;
  let records: Record<string, unknown>[];
  try {
    const response = await doFetch(url, { headers });
    if (!response.ok) {
      throw new CheckError(
        `${url} answered ${response.status}${response.status === 403 ? ': pass --admin-token with the mock\'s token, or run the check on the mock\'s machine' : ''}. --base-url must point at a running hed-mock.`,
      );
    }
    const body = (await response.json()) as { hed_records?: unknown };
    if (!Array.isArray(body.hed_records)) throw new CheckError(`${url} did not answer a hed-mock records dump; --base-url must point at a running hed-mock.`);
    records = body.hed_records as Record<string, unknown>[];
  } catch (error) {
    if (error instanceof CheckError) throw error;
    throw new CheckError(`Cannot read the ground truth from ${url} (${error instanceof Error ? error.message : String(error)}). Start the mock (npm start) and pass its address as --base-url.`);
  }
  let contents;
  try {
    contents = await readWarehouse(options.warehouse, options.table ?? 'hed_records');
  } catch (error) {
    if (error instanceof WarehouseError) throw new CheckError(error.message);
    throw error;
  }
  const key = contents.primaryKey.length === 1 && contents.primaryKey[0] !== '_fivetran_id' ? contents.primaryKey[0]! : 'record_id';
  const comparison = compareRows(records, contents.rows, { key });
  return { equal: isEqual(comparison), comparison, key };
}

/**
 * The check as people read it: a table of the counts, examples, and a verdict line.
 *
 * @example
 * formatCheck(result, 'files/warehouse.db')
 */
export function formatCheck(result: CheckWarehouseResult, warehouse: string): string {
  const c = result.comparison;
  const rows: string[][] = [
    ['source records', String(c.expected)],
    ['warehouse rows', String(c.actual)],
    ['lost', String(c.lost)],
    ['duplicated', String(c.duplicated)],
    ['unexpected', String(c.unexpected)],
    ['differing', String(c.differing)],
  ];
  if (c.softDeleted > 0) rows.push(['soft-deleted (not in source)', String(c.softDeleted)]);
  if (c.extraColumns.length > 0) rows.push(['extra columns (tolerated)', c.extraColumns.join(', ')]);
  let text = formatTable(['what', 'count'], rows);
  for (const example of c.examples) text += `  e.g. ${example}\n`;
  text += result.equal
    ? `EQUAL: ${warehouse} holds every source record once, with the source's values.\n`
    : `DIFFERENT: ${warehouse} does not match the source (matched on ${result.key}).\n`;
  return text;
}
