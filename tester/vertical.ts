// Which of the lab's fifteen paths a connector is on. hed-tester knows a vertical only
// through its definition (verticals/): its table, its path and its prefix; the choice is
// a --vertical flag, else what the connector did (the table it wrote, the path it asked
// for), else HED.
import { ALL_VERTICALS, isVerticalPrefix, VERTICAL_PREFIXES, VERTICALS, type VerticalDefinition } from '../verticals/index.js';

/** HED: the vertical when nothing says otherwise. */
export const DEFAULT_VERTICAL: VerticalDefinition = VERTICALS.hed;

/** A --vertical that names no vertical, or a warehouse holding several: the message says what to pass. */
export class VerticalChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerticalChoiceError';
  }
}

/**
 * The definition a `--vertical` flag names (any case), or a VerticalChoiceError listing the fifteen.
 *
 * @example
 * verticalByPrefix('AGR').table // 'agr_records'
 */
export function verticalByPrefix(prefix: string): VerticalDefinition {
  const name = prefix.trim().toLowerCase();
  if (!isVerticalPrefix(name)) throw new VerticalChoiceError(`--vertical must be one of ${VERTICAL_PREFIXES.join(', ')}; got "${prefix}".`);
  return VERTICALS[name];
}

/**
 * The vertical whose table this is (`agr_records`, or `tester.agr_records`), else undefined.
 *
 * @example
 * verticalOfTable('tlc_records')?.prefix // 'tlc'
 */
export function verticalOfTable(table: string): VerticalDefinition | undefined {
  const name = table.startsWith('tester.') ? table.slice('tester.'.length) : table;
  return ALL_VERTICALS.find((v) => v.table === name);
}

/**
 * The vertical whose data path a request URL asks for (`/agr_data?page_size=100`), else undefined.
 *
 * @example
 * verticalOfUrl('/mso_data?cursor=x')?.prefix // 'mso'
 */
export function verticalOfUrl(url: string): VerticalDefinition | undefined {
  const path = url.split('?', 1)[0]!;
  return ALL_VERTICALS.find((v) => v.path === path);
}

/** Whether a request URL asks for one vertical's data path (`/hed_data`, `/agr_data`, ...). */
export function isDataUrl(url: string, vertical?: VerticalDefinition): boolean {
  const found = verticalOfUrl(url);
  return found !== undefined && (vertical === undefined || found === vertical);
}

/**
 * The vertical of a warehouse's tables: the one vertical table it holds; HED when it holds
 * none (the check then says the table is missing). Several vertical tables need --vertical.
 *
 * @example
 * verticalOfTables(['agr_records']).prefix // 'agr'
 * verticalOfTables([]).prefix              // 'hed'
 */
export function verticalOfTables(tables: readonly string[], where = 'The warehouse'): VerticalDefinition {
  const found = ALL_VERTICALS.filter((v) => tables.includes(v.table));
  if (found.length === 0) return DEFAULT_VERTICAL;
  if (found.length === 1) return found[0]!;
  throw new VerticalChoiceError(`${where} holds ${found.map((v) => v.table).join(', ')}: pass --vertical with one of ${found.map((v) => v.prefix).join(', ')} to say which to check.`);
}

/**
 * The vertical a connector's source names: the only `{prefix}_records` table or
 * `/{prefix}_data` path of the fifteen that appears in it (the lab's connectors name both
 * as literals), else undefined (none, or several).
 *
 * @example
 * verticalOfSource('TABLE = "tlc_records"\nurl = f"{base_url}/tlc_data"')?.prefix // 'tlc'
 */
export function verticalOfSource(source: string): VerticalDefinition | undefined {
  const named = ALL_VERTICALS.filter((v) => new RegExp(`\\b${v.table}\\b|${v.path}\\b`).test(source));
  return named.length === 1 ? named[0] : undefined;
}

/**
 * The vertical most of the requests asked for (undefined when none asked for a data path).
 *
 * @example
 * verticalOfRequests([{ url: '/agr_data?page_size=100' }])?.prefix // 'agr'
 */
export function verticalOfRequests(requests: readonly { url: string }[]): VerticalDefinition | undefined {
  const counts = new Map<VerticalDefinition, number>();
  for (const { url } of requests) {
    const found = verticalOfUrl(url);
    if (found !== undefined) counts.set(found, (counts.get(found) ?? 0) + 1);
  }
  let best: VerticalDefinition | undefined;
  for (const [vertical, n] of counts) if (best === undefined || n > counts.get(best)!) best = vertical;
  return best;
}
