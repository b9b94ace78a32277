/**
 * A vertical's Metrics filters, from its definition as StudentSuccess's come from HED's
 * fields: one checkbox list per category of `app.categories` (any of the ticked values)
 * and one all/yes/no choice per boolean field. The query string names the field
 * (`/api/verticals/{prefix}/metrics?{category}=A&{category}=B`, `?{boolean field}=true`);
 * values are always bound parameters, field names only ever the definition's.
 */
import type { VerticalDefinition } from '../../verticals/index.js';
import { fileVersion } from '../answer-cache.js';
import { AppError } from '../errors.js';
import type { QueryValue } from '../request.js';
import { quoteIdent, type BoundSql } from '../sql.js';
import type { OpenWarehouse } from '../warehouse.js';
import { fieldLabel } from './charts.js';
import { fieldColumns, tableLabel } from './source.js';

/** A category with more values than this gets no checkbox list (an id is not a filter). */
export const FILTER_VALUES_MAX = 40;
/** Values one category filter may name at most. */
export const FILTER_CHOSEN_MAX = 200;

/** What the user chose: the values kept per category, true or false per flag. */
export interface VerticalFilters {
  categories: Record<string, string[]>;
  flags: Record<string, boolean>;
}

/** No filter: every live row. */
export const NO_FILTERS: VerticalFilters = { categories: {}, flags: {} };

/** One filter the Metrics tab shows (`GET /api/verticals/{prefix}/filters`). */
export type VerticalFilterOption = { kind: 'category'; field: string; label: string; values: string[] } | { kind: 'boolean'; field: string; label: string };

/** The fields a vertical filters by: its categories, then its boolean fields, in the definition's order. */
export function filterFields(definition: VerticalDefinition): { categories: string[]; flags: string[] } {
  const flags = definition.fields.filter((f) => f.type === 'boolean').map((f) => f.name);
  return { categories: definition.app.categories.filter((c) => !flags.includes(c)), flags };
}

const listOf = (value: QueryValue): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]).filter((v) => v !== '');

/**
 * The filters of a query string, checked against the definition (pure). A parameter that
 * is neither a filter nor one of `otherParameters` (the explorer's paging) is a 400 naming
 * the filters; so is a flag that is not true or false.
 * @example parseVerticalFilters(definition, { kind: ['A', 'B'] }) // { categories: { kind: ['A', 'B'] }, flags: {} } when `kind` is one of its categories
 */
export function parseVerticalFilters(definition: VerticalDefinition, query: Record<string, QueryValue>, otherParameters: readonly string[] = []): VerticalFilters {
  const { categories, flags } = filterFields(definition);
  const filters: VerticalFilters = { categories: {}, flags: {} };
  for (const [name, value] of Object.entries(query)) {
    if (otherParameters.includes(name)) continue;
    if (categories.includes(name)) {
      const values = [...new Set(listOf(value))];
      if (values.length > FILTER_CHOSEN_MAX) throw new AppError('bad_request', 400, `The filter ${name} names ${values.length} values; name at most ${FILTER_CHOSEN_MAX}.`);
      if (values.length > 0) filters.categories[name] = values;
    } else if (flags.includes(name)) {
      const values = listOf(value);
      if (values.length > 1) throw new AppError('bad_request', 400, `The filter ${name} was given ${values.length} times; give it once.`);
      const [flag] = values;
      if (flag === 'true' || flag === 'false') filters.flags[name] = flag === 'true';
      else if (flag !== undefined) throw new AppError('bad_request', 400, `${name} must be true or false (or left out for every record), not "${flag}".`);
    } else {
      const known = [...categories, ...flags];
      throw new AppError('bad_request', 400, `Unknown filter "${name}" for ${definition.app.name}. Filter by one of: ${known.join(', ') || '(none)'}.`);
    }
  }
  return filters;
}

/** Whether any filter is set. */
export const hasFilters = (filters: VerticalFilters) => Object.keys(filters.categories).length > 0 || Object.keys(filters.flags).length > 0;

/**
 * The filters as a WHERE condition over the normalised rows, values bound; empty without filters.
 * @example filterCondition({ categories: { kind: ['A'] }, flags: { sick: true } }) // { sql: '"kind" IN (?) AND "sick" = ?', params: ['A', true] }
 */
export function filterCondition(filters: VerticalFilters): BoundSql {
  const where: string[] = [];
  const params: (string | number | boolean)[] = [];
  for (const [field, values] of Object.entries(filters.categories)) {
    where.push(`${quoteIdent(field)} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  }
  for (const [field, value] of Object.entries(filters.flags)) {
    where.push(`${quoteIdent(field)} = ?`);
    params.push(value);
  }
  return { sql: where.join(' AND '), params };
}

/** A stable key of the filters, for the answer cache. */
export function filtersKey(filters: VerticalFilters): string {
  const sorted = (record: Record<string, unknown>) => Object.keys(record).sort().map((k) => [k, record[k]]);
  return JSON.stringify([sorted(Object.fromEntries(Object.entries(filters.categories).map(([k, v]) => [k, v.toSorted()]))), sorted(filters.flags)]);
}

/** Category values the known-values memory keeps at most, over every vertical and field; past it, it starts again. */
export const KNOWN_FILTER_VALUES_MAX = 10_000;

/**
 * Category values found in a warehouse's live rows, per table and field, for as long as
 * the warehouse file keeps its version (answer-cache.ts `fileVersion`): a sync that
 * writes empties it. Only values found are kept, so a value a later sync adds is looked
 * up again. The rows routes keep one, so paging through a filtered table checks its
 * values once, not per page.
 */
export interface KnownFilterValues {
  /** Of `values`, those not known to be in `table`'s `field` at `version`. */
  unknown(version: string, table: string, field: string, values: readonly string[]): string[];
  /** Notes `values` as found in `table`'s `field` at `version`. */
  add(version: string, table: string, field: string, values: readonly string[]): void;
  /** Values kept. */
  readonly size: number;
}

/**
 * An empty memory of found values.
 * @example const known = createKnownFilterValues(); await requireFilterValues(w, definition, filters, live, known)
 */
export function createKnownFilterValues(maxValues = KNOWN_FILTER_VALUES_MAX): KnownFilterValues {
  const found = new Map<string, Set<string>>();
  let current = '';
  let size = 0;
  const at = (version: string) => {
    if (version !== current || size > maxValues) {
      found.clear();
      current = version;
      size = 0;
    }
  };
  const key = (table: string, field: string) => `${table}\u0000${field}`;
  return {
    unknown(version, table, field, values) {
      at(version);
      const set = found.get(key(table, field));
      return set ? values.filter((v) => !set.has(v)) : [...values];
    },
    add(version, table, field, values) {
      at(version);
      let set = found.get(key(table, field));
      if (!set) found.set(key(table, field), (set = new Set()));
      for (const v of values) {
        if (set.has(v)) continue;
        set.add(v);
        size++;
      }
    },
    get size() {
      return size;
    },
  };
}

/**
 * Checks the filters against the table: a filtered field it lacks, or a category value
 * none of its live rows holds, is a 400 naming what there is. `liveSql` selects the
 * unfiltered live rows as `live` (source.ts `verticalRowsCte`). With `known`, a value
 * found before at the warehouse's current version costs no query.
 */
export async function requireFilterValues(warehouse: OpenWarehouse, definition: VerticalDefinition, filters: VerticalFilters, liveSql: BoundSql, known?: KnownFilterValues): Promise<void> {
  const present = new Set(fieldColumns(definition, warehouse.columns).map((c) => c.name));
  for (const field of [...Object.keys(filters.categories), ...Object.keys(filters.flags)]) {
    if (!present.has(field)) throw new AppError('bad_request', 400, `The table ${tableLabel(definition)} has no column ${field} to filter by. Sync it again from ${definition.path}, or leave that filter out.`);
  }
  // Read while the warehouse is open: a writer cannot take the file from a reader, so this
  // is the version of the rows the queries below see.
  const version = known && Object.keys(filters.categories).length > 0 ? fileVersion(warehouse.path) : '';
  for (const [field, values] of Object.entries(filters.categories)) {
    const unchecked = known ? known.unknown(version, definition.table, field, values) : values;
    if (unchecked.length === 0) continue;
    const c = quoteIdent(field);
    const found = new Set((await warehouse.all(`${liveSql.sql}SELECT DISTINCT ${c} AS v FROM live WHERE ${c} IN (${unchecked.map(() => '?').join(', ')})`, [...liveSql.params, ...unchecked])).map((row) => String(row.v)));
    known?.add(version, definition.table, field, [...found]);
    const missing = unchecked.filter((v) => !found.has(v));
    if (missing.length === 0) continue;
    const listed = await knownValuesText(warehouse, field, liveSql);
    throw new AppError('bad_request', 400, `No record in ${tableLabel(definition)} has ${field} "${missing[0]}". Pick one of: ${listed || '(none)'}.`);
  }
}

/** The first FILTER_VALUES_MAX values of a field in the live rows, for a 400's sentence. */
async function knownValuesText(warehouse: OpenWarehouse, field: string, liveSql: BoundSql): Promise<string> {
  const c = quoteIdent(field);
  const known = (await warehouse.all(`${liveSql.sql}SELECT DISTINCT ${c} AS v FROM live WHERE ${c} IS NOT NULL ORDER BY v LIMIT ${FILTER_VALUES_MAX + 1}`, liveSql.params)).map((row) => String(row.v));
  return known.length > FILTER_VALUES_MAX ? `${known.slice(0, FILTER_VALUES_MAX).join(', ')}, …` : known.join(', ');
}

/**
 * The filters the Metrics tab offers, with each category's values in the live rows
 * (sorted); a category the table lacks, or with more than FILTER_VALUES_MAX values, is left out.
 */
export async function verticalFilterOptions(warehouse: OpenWarehouse, definition: VerticalDefinition, liveSql: BoundSql): Promise<VerticalFilterOption[]> {
  const present = new Set(fieldColumns(definition, warehouse.columns).map((c) => c.name));
  const { categories, flags } = filterFields(definition);
  const options: VerticalFilterOption[] = [];
  for (const field of categories.filter((f) => present.has(f))) {
    const c = quoteIdent(field);
    const values = (await warehouse.all(`${liveSql.sql}SELECT DISTINCT ${c} AS v FROM live WHERE ${c} IS NOT NULL ORDER BY v LIMIT ${FILTER_VALUES_MAX + 1}`, liveSql.params)).map((row) => String(row.v));
    if (values.length > 0 && values.length <= FILTER_VALUES_MAX) options.push({ kind: 'category', field, label: fieldLabel(definition, field), values });
  }
  for (const field of flags.filter((f) => present.has(f))) options.push({ kind: 'boolean', field, label: fieldLabel(definition, field) });
  return options;
}
