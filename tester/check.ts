// hed-tester check: any warehouse (hed-tester's, hed-connector's or the real Fivetran
// tester's) against a running mock's ground truth. compareRows decides; this file fetches.
import type { VerticalDefinition } from '../verticals/index.js';
import { readWarehouse, readWarehouseTables, WarehouseError } from '../warehouse/index.js';
import { compareRows, isEqual, type Comparison } from './scenarios/compare.js';
import { formatTable } from './scenarios/report.js';
import { DEFAULT_VERTICAL, VerticalChoiceError, verticalOfTable, verticalOfTables } from './vertical.js';

/** Inputs of checkWarehouse. */
export interface CheckWarehouseOptions {
  /** Path of the DuckDB file (e.g. files/warehouse.db). */
  warehouse: string;
  /** The running mock, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** Sent as x-admin-token when the mock runs with --admin-token. */
  adminToken?: string;
  /** Sent as x-api-key; when the admin API refuses the check (403, or 401 without adminToken), the records are read with it through the public API. */
  apiKey?: string;
  /** Table in schema tester (default: the vertical's, `{prefix}_records`). */
  table?: string;
  /** The lab path whose records are the truth (default: the vertical of `table`, else the one vertical table the warehouse holds, else HED). */
  vertical?: VerticalDefinition;
  fetch?: typeof fetch;
}

/** What checkWarehouse found. */
export interface CheckWarehouseResult {
  equal: boolean;
  comparison: Comparison;
  /** The key column the rows were matched on. */
  key: string;
  /** The vertical compared and its table in schema tester. */
  vertical: VerticalDefinition;
  table: string;
  /**
   * Set when the admin API refused the check (403 from a mock's other machine, 401 without
   * a token) and the records were read through the public API instead: what it said, in a sentence.
   */
  publicRead?: string;
}

/** A check that could not be made (unreachable mock, missing warehouse); the message says what to do. */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckError';
  }
}

/** The admin API refused to list the records (403 loopback-only, or 401 without the admin token). */
export class AdminRefusedError extends CheckError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AdminRefusedError';
  }
}

/**
 * Which vertical and table a check compares: the options, else the one vertical table the
 * warehouse holds (HED when it holds none: the read then says the table is missing).
 */
async function checkSubject(options: CheckWarehouseOptions): Promise<{ vertical: VerticalDefinition; table: string }> {
  if (options.table !== undefined) return { vertical: options.vertical ?? verticalOfTable(options.table) ?? DEFAULT_VERTICAL, table: options.table };
  if (options.vertical !== undefined) return { vertical: options.vertical, table: options.vertical.table };
  let tables: string[];
  try {
    tables = await readWarehouseTables(options.warehouse);
  } catch (error) {
    if (error instanceof WarehouseError) throw new CheckError(error.message);
    throw error;
  }
  try {
    const vertical = verticalOfTables(tables, options.warehouse);
    return { vertical, table: vertical.table };
  } catch (error) {
    if (error instanceof VerticalChoiceError) throw new CheckError(error.message);
    throw error;
  }
}

/**
 * The ground truth of a vertical on a running mock: `GET /__admin/records` for HED (as
 * every kit has answered it), `?vertical=PREFIX` for the others; the list is under the
 * vertical's table name (`agr_records`).
 */
export async function fetchGroundTruth(baseUrl: string, vertical: VerticalDefinition, headers: Record<string, string> = {}, doFetch: typeof fetch = fetch): Promise<Record<string, unknown>[]> {
  const url = `${baseUrl.replace(/\/+$/, '')}/__admin/records${vertical === DEFAULT_VERTICAL ? '' : `?vertical=${vertical.prefix}`}`;
  try {
    const response = await doFetch(url, { headers });
    if (!response.ok) {
      const more = response.status === 403 ? ': pass --admin-token with the mock\'s token, or run the check on the mock\'s machine, or give the API key (--api-key or api_key in configuration.json) to read the records through the public API' : response.status === 400 && vertical !== DEFAULT_VERTICAL ? ` (the mock may not serve ${vertical.prefix}: start it with --verticals naming ${vertical.prefix}, or all)` : '';
      const message = `${url} answered ${response.status}${more}. --base-url must point at a running hed-mock.`;
      if (response.status === 401 || response.status === 403) throw new AdminRefusedError(message, response.status);
      throw new CheckError(message);
    }
    const body = (await response.json()) as Record<string, unknown>;
    const records = body[vertical.table];
    if (!Array.isArray(records)) throw new CheckError(`${url} did not answer a hed-mock records dump of ${vertical.table}; --base-url must point at a running hed-mock${vertical === DEFAULT_VERTICAL ? '' : ' that serves every vertical'}.`);
    return records as Record<string, unknown>[];
  } catch (error) {
    if (error instanceof CheckError) throw error;
    throw new CheckError(`Cannot read the ground truth from ${url} (${error instanceof Error ? error.message : String(error)}). Start the mock (hed-mock serve, or npm start in the kit's checkout) and give its address in base_url of configuration.json or as --base-url.`);
  }
}

/** The public API's largest page: the fewest requests for a full read. */
const PUBLIC_PAGE_SIZE = 200;
/** A full read stops here rather than loop for ever on a server whose has_more never ends. */
const PUBLIC_PAGES_MAX = 100_000;

/**
 * A vertical's records through the public paging API, as a connector's first sync reads
 * them: `GET /{prefix}_data?page_size=200` with the API key from no cursor, then each
 * next_cursor until has_more is false. On a mock with no faults active this is the same
 * set as the admin listing (each record once, at its latest values); a record met twice
 * (an overlap fault) counts once, with its later values.
 */
export async function fetchPublicRecords(baseUrl: string, vertical: VerticalDefinition, apiKey: string, doFetch: typeof fetch = fetch): Promise<Record<string, unknown>[]> {
  const base = `${baseUrl.replace(/\/+$/, '')}${vertical.path}`;
  const byKey = new Map<unknown, Record<string, unknown>>();
  let cursor: string | undefined;
  for (let page = 0; page < PUBLIC_PAGES_MAX; page++) {
    const url = `${base}?page_size=${PUBLIC_PAGE_SIZE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    let body: Record<string, unknown>;
    try {
      const response = await doFetch(url, { headers: { 'x-api-key': apiKey } });
      if (!response.ok) {
        const more = response.status === 401 ? ': the API key is not one the mock accepts (--api-key, or api_key in configuration.json)' : response.status === 429 || response.status >= 500 ? ': a fault may be active on the mock; check again when it is cleared' : '';
        throw new CheckError(`${url} answered ${response.status}${more}.`);
      }
      body = (await response.json()) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof CheckError) throw error;
      throw new CheckError(`Cannot read the records from ${url} (${error instanceof Error ? error.message : String(error)}).`);
    }
    const records = body[vertical.table];
    if (!Array.isArray(records)) throw new CheckError(`${url} did not answer a page of ${vertical.table}; --base-url must point at a running hed-mock.`);
    for (const record of records as Record<string, unknown>[]) {
      byKey.delete(record.record_id);
      byKey.set(record.record_id, record);
    }
    if (body.has_more !== true) return [...byKey.values()];
    if (typeof body.next_cursor !== 'string' || body.next_cursor === '') throw new CheckError(`${url} said has_more without a next_cursor; --base-url must point at a running hed-mock.`);
    cursor = body.next_cursor;
  }
  throw new CheckError(`${base} still had more after ${PUBLIC_PAGES_MAX} pages; the check stopped.`);
}

/**
 * Compares a warehouse table with `GET /__admin/records` of a running mock (or, when the
 * admin API refuses and an API key is given, the public API's full read): lost,
 * duplicated, unexpected and differing rows, tolerant of the Fivetran tester's types
 * (BIGINT 0/1 booleans, FLOAT columns, timestamps). The table and the records are those of
 * one vertical (see CheckWarehouseOptions.vertical).
 *
 * @example
 * const { equal, comparison } = await checkWarehouse({ warehouse: 'files/warehouse.db', baseUrl: 'http://127.0.0.1:8080' });
 */
export async function checkWarehouse(options: CheckWarehouseOptions): Promise<CheckWarehouseResult> {
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = {};
  if (options.adminToken !== undefined) headers['x-admin-token'] = options.adminToken;
  if (options.apiKey !== undefined) headers['x-api-key'] = options.apiKey;
  const { vertical, table } = await checkSubject(options);
  let records: Record<string, unknown>[];
  let publicRead: string | undefined;
  try {
    records = await fetchGroundTruth(options.baseUrl, vertical, headers, doFetch);
  } catch (error) {
    // The room's mock on another machine: its admin API is loopback-only (403), or wants a
    // token not given (401). The public API, with the API key, reads the same records.
    const refused = error instanceof AdminRefusedError && (error.status === 403 || options.adminToken === undefined);
    if (!refused || options.apiKey === undefined) throw error;
    records = await fetchPublicRecords(options.baseUrl, vertical, options.apiKey, doFetch);
    const why = error.status === 403 ? 'answered 403 (it answers its own machine only)' : 'answered 401 (it wants --admin-token)';
    publicRead = `The admin API ${why}, so the source records were read through the public API: GET ${vertical.path} with the API key, every page from no cursor (the same records as the admin listing while no fault is active).`;
  }
  let contents;
  try {
    contents = await readWarehouse(options.warehouse, table);
  } catch (error) {
    if (error instanceof WarehouseError) throw new CheckError(error.message);
    throw error;
  }
  const key = contents.primaryKey.length === 1 && contents.primaryKey[0] !== '_fivetran_id' ? contents.primaryKey[0]! : 'record_id';
  const comparison = compareRows(records, contents.rows, { key });
  return { equal: isEqual(comparison), comparison, key, vertical, table, ...(publicRead === undefined ? {} : { publicRead }) };
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
  let text = result.publicRead === undefined ? '' : `${result.publicRead}\n`;
  text += formatTable(['what', 'count'], rows);
  for (const example of c.examples) text += `  e.g. ${example}\n`;
  // HED's sentences stay as they were; another vertical's name its table and path.
  const what = result.vertical === DEFAULT_VERTICAL ? warehouse : `${warehouse} (tester.${result.table})`;
  const source = result.vertical === DEFAULT_VERTICAL ? 'source' : `${result.vertical.path} source`;
  text += result.equal
    ? `EQUAL: ${what} holds every ${source} record once, with the source's values.\n`
    : `DIFFERENT: ${what} does not match the ${source} (matched on ${result.key}).\n`;
  return text;
}
