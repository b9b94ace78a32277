/**
 * Where a source field lives in a warehouse table. The SDK renames some fields as
 * Fivetran's naming does (1.x and 3.x write a name like `trend_30d` as `trend_30_d`,
 * TLC's 30-day usage trend among the lab's fields; 2.x keeps it), so whatever reads a table by its fields' names (the
 * tester's comparison, the app) finds a field under either name.
 */
import { DELETED_COLUMN, ID_COLUMN, SYNCED_COLUMN } from './plan.js';

/** Columns the destination adds; never a source field. */
export const SYSTEM_COLUMNS: readonly string[] = [SYNCED_COLUMN, DELETED_COLUMN, ID_COLUMN];

/** A name with case and everything but letters and digits dropped: `trend_30d` and `trend_30_d` are one. */
export const looseName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The warehouse column that holds each source field: the same name, else the one column
 * whose letters and digits are the field's (two such columns: neither).
 *
 * @example
 * columnsOfFields(['trend_30d'], ['record_id', 'trend_30_d']).get('trend_30d') // 'trend_30_d'
 */
export function columnsOfFields(fields: Iterable<string>, columns: Iterable<string>): Map<string, string> {
  const present = new Set(columns);
  const byLoose = new Map<string, string[]>();
  for (const column of present) byLoose.set(looseName(column), [...(byLoose.get(looseName(column)) ?? []), column]);
  const map = new Map<string, string>();
  for (const field of fields) {
    if (present.has(field)) map.set(field, field);
    else {
      const candidates = (byLoose.get(looseName(field)) ?? []).filter((c) => !SYSTEM_COLUMNS.includes(c));
      if (candidates.length === 1) map.set(field, candidates[0]!);
    }
  }
  return map;
}
