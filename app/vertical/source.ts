/**
 * Where a vertical's app reads its rows: `tester.{prefix}_records`, each column normalised
 * by the type its definition gives the field (whatever type the tester wrote), the
 * soft-deleted rows left out. No field is named here: everything comes from the definition.
 */
import { VERTICALS, isVerticalPrefix, type FieldDefinition, type VerticalDefinition } from '../../verticals/index.js';
import { AppError, MAKE_WAREHOUSE_COMMANDS } from '../errors.js';
import { DELETED_COLUMN, WAREHOUSE_SCHEMA } from '../fields.js';
import type { RowSource } from '../queries.js';
import { booleanSql, columnKind, numberSql, quoteIdent, type BoundSql, type ColumnKind, type WarehouseColumn } from '../sql.js';
import type { OpenWarehouse } from '../warehouse.js';
import { columnsOfFields } from '../../warehouse/column-names.js';

/** The verticals whose app is served by this module: every one but HED, whose app is StudentSuccess (app/server.ts). */
export function findVertical(prefix: string): VerticalDefinition {
  if (!isVerticalPrefix(prefix) || prefix === 'hed') {
    const others = Object.keys(VERTICALS).filter((p) => p !== 'hed');
    throw new AppError('not_found', 404, `There is no vertical "${prefix}" here. Use one of: ${others.join(', ')} (HED's StudentSuccess app is at /, its API under /api/).`);
  }
  return VERTICALS[prefix];
}

/** `tester.agr_records`, as shown to people. */
export const tableLabel = (definition: VerticalDefinition) => `${WAREHOUSE_SCHEMA}.${definition.table}`;

/** The definition's field of this name, if any. */
export function fieldOf(definition: VerticalDefinition, name: string): FieldDefinition | undefined {
  return definition.fields.find((f) => f.name === name);
}

/**
 * The warehouse's columns under the names the definition gives its fields: the SDK may
 * have renamed a field as Fivetran's naming does (a name like `trend_30d` is written
 * `trend_30_d` by SDK 1.x and 3.x, as TLC's 30-day usage trend is), and the app reads every field by its source name.
 * Each entry keeps the column's name in the table (`stored`).
 */
export function fieldColumns(definition: VerticalDefinition, columns: readonly WarehouseColumn[]): (WarehouseColumn & { stored: string })[] {
  const fieldOfColumn = new Map([...columnsOfFields(definition.fields.map((f) => f.name), columns.map((c) => c.name))].map(([field, column]) => [column, field]));
  return columns.map((c) => ({ ...c, name: fieldOfColumn.get(c.name) ?? c.name, stored: c.name }));
}

/** What a column holds once normalised: the definition's type for its fields, the SQL type for any other. */
export function verticalColumnKind(definition: VerticalDefinition, column: WarehouseColumn): ColumnKind {
  const field = fieldOf(definition, column.name);
  if (!field) return columnKind(column);
  if (field.type === 'boolean') return 'boolean';
  if (field.type === 'number' || field.type === 'integer') return 'number';
  return 'text';
}

/** The columns shown: the definition's fields in the API's order, then any other column, `_fivetran_synced` last; never the soft-delete marker. */
export function verticalColumns<C extends WarehouseColumn>(definition: VerticalDefinition, columns: readonly C[]): C[] {
  const order = definition.fields.map((f) => f.name);
  const rank = (name: string) => {
    const at = order.indexOf(name);
    return at >= 0 ? at : name.startsWith('_fivetran') ? order.length + 1 : order.length;
  };
  return columns
    .filter((c) => c.name !== DELETED_COLUMN)
    .map((c, i) => ({ c, i, rank: rank(c.name) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ c }) => c);
}

function normalized(definition: VerticalDefinition, column: WarehouseColumn & { stored: string }): string {
  const stored: WarehouseColumn = { ...column, name: column.stored };
  const c = quoteIdent(column.stored);
  const kind = verticalColumnKind(definition, column);
  const expr = kind === 'boolean' ? booleanSql(stored) : kind === 'number' ? numberSql(stored) : /^VARCHAR$/i.test(column.type) ? c : `CAST(${c} AS VARCHAR)`;
  return `${expr} AS ${quoteIdent(column.name)}`;
}

/**
 * `WITH live AS (...), r AS (...)`: the live rows of the vertical's table, normalised (`live`),
 * and those of them the Metrics filters keep (`r`; filters.ts `filterCondition`, values
 * bound). Every query of a vertical's app starts with it.
 */
export function verticalRowsCte(definition: VerticalDefinition, columns: WarehouseColumn[], where: BoundSql = { sql: '', params: [] }): BoundSql {
  const select = verticalColumns(definition, fieldColumns(definition, columns)).map((c) => normalized(definition, c));
  const deleted = columns.find((c) => c.name === DELETED_COLUMN);
  const live = deleted ? ` WHERE (${booleanSql(deleted)}) IS NOT TRUE` : '';
  const kept = where.sql === '' ? '' : ` WHERE ${where.sql}`;
  return { sql: `WITH live AS (SELECT ${select.join(', ')} FROM ${quoteIdent(WAREHOUSE_SCHEMA)}.${quoteIdent(definition.table)}${live}), r AS (SELECT * FROM live${kept}) `, params: [...where.params] };
}

/** The explorer's row source for a vertical, the rows `where` keeps. */
export function verticalRowSource(definition: VerticalDefinition, warehouse: OpenWarehouse, where?: BoundSql): RowSource {
  const columns = verticalColumns(definition, fieldColumns(definition, warehouse.columns)).map(({ stored: _stored, ...c }) => c);
  return { cte: verticalRowsCte(definition, warehouse.columns, where), columns, kind: (c) => verticalColumnKind(definition, c) };
}

/** The status-page sentence for a vertical whose table is missing or empty. */
export function verticalMissingMessage(definition: VerticalDefinition, path: string, reason: 'no-table' | 'empty'): string {
  const what = reason === 'no-table' ? `The warehouse ${path} has no table ${tableLabel(definition)} yet.` : `The warehouse ${path} has no rows in ${tableLabel(definition)} yet.`;
  return `${what} Sync the ${definition.domain} path (${definition.path}) into it: start the mock with hed-mock serve, then run hed-tester debug in the folder of that path's connector.py, and check again.`;
}

/** Throws a 503 with that sentence when the table is missing. */
export function requireVerticalTable(definition: VerticalDefinition, warehouse: OpenWarehouse): void {
  if (warehouse.columns.length === 0) throw new AppError('warehouse_empty', 503, verticalMissingMessage(definition, warehouse.path, 'no-table'), [...MAKE_WAREHOUSE_COMMANDS]);
}

/** Throws a 503 naming the missing columns when the table lacks a field the app draws (a KPI, chart or summary field). */
export function requireVerticalFields(definition: VerticalDefinition, warehouse: OpenWarehouse): void {
  requireVerticalTable(definition, warehouse);
  const names = new Set(fieldColumns(definition, warehouse.columns).map((c) => c.name));
  const missing = [...appFields(definition)].filter((f) => !names.has(f));
  if (missing.length > 0) {
    throw new AppError(
      'warehouse_incompatible',
      503,
      `The table ${tableLabel(definition)} in ${warehouse.path} has no column ${missing.join(', ')}. Sync it again from ${definition.path} so it has the lab's ${definition.fields.length} fields.`,
    );
  }
}

/** Every field the Metrics tab reads: KPI, chart and summary fields. */
export function appFields(definition: VerticalDefinition): Set<string> {
  const fields = new Set<string>();
  for (const kpi of definition.app.kpis) fields.add(kpi.formula.field);
  for (const chart of definition.app.charts) {
    for (const key of ['field', 'category', 'value', 'x', 'y', 'color', 'stack', 'date'] as const) {
      const name = (chart as Partial<Record<typeof key, string>>)[key];
      if (name !== undefined) fields.add(name);
    }
  }
  for (const name of definition.app.summary) fields.add(name);
  return fields;
}
