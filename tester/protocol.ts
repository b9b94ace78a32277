// The Connector SDK's gRPC protocol as hed-tester speaks it: v1 (fivetran-connector-sdk 1.x,
// package fivetran_sdk, service Connector) and v2 (2.x, package fivetran_sdk.v2, service
// SourceConnector). Loading is an edge; turning wire messages into warehouse terms is pure.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ColumnType, TableDeclaration, TypedValue, WarehouseOperation } from '../warehouse/types.js';

/** Which protocol the SDK in the connector's Python speaks. */
export type ProtocolVersion = 'v1' | 'v2';

/** The tester/ folder holding proto/ and python/, from the sources or from dist/tester/. */
export function testerAssetDir(): string {
  const candidates = [new URL('./', import.meta.url), new URL('../../tester/', import.meta.url)];
  for (const url of candidates) {
    if (existsSync(new URL('proto/connector_sdk.proto', url))) return fileURLToPath(url);
  }
  throw new Error('hed-tester cannot find its tester/proto folder next to its code. Reinstall the kit (npm install -g from the checkout).');
}

/** A timestamp as proto-loader hands it over (longs as strings). */
export interface WireTimestamp {
  seconds?: string | number;
  nanos?: number;
}

/** google.protobuf ValueType as decoded with `oneofs: true`, `longs: String`. */
export interface WireValue {
  inner?: string;
  null?: boolean;
  bool?: boolean;
  short?: number;
  int?: number;
  long?: string | number;
  float?: number;
  double?: number;
  naive_date?: WireTimestamp;
  naive_datetime?: WireTimestamp;
  utc_datetime?: WireTimestamp;
  naive_time?: WireTimestamp;
  decimal?: string;
  binary?: Uint8Array;
  string?: string;
  json?: string;
  xml?: string;
}

/** A column of a Table message. */
export interface WireColumn {
  name?: string;
  type?: string;
  primary_key?: boolean;
  /** v1 */
  decimal?: { precision?: number; scale?: number };
  /** v2 */
  params?: { decimal?: { precision?: number; scale?: number } };
}

/** A Table message. */
export interface WireTable {
  name?: string;
  columns?: WireColumn[];
}

/** SchemaResponse. */
export interface WireSchemaResponse {
  response?: string;
  schema_response_not_supported?: boolean;
  without_schema?: { tables?: WireTable[] };
  with_schema?: { schemas?: { name?: string; tables?: WireTable[] }[] };
}

/** A record: v1 Record or v2 StructuredRecord. */
export interface WireRecord {
  table_name?: string;
  type?: string;
  data?: Record<string, WireValue>;
  row_data?: Record<string, Uint8Array>;
}

/** UpdateResponse of either protocol (the oneof is `response` in v1, `operation` in v2). */
export interface WireUpdateResponse {
  log_entry?: { level?: string; message?: string };
  operation?: { record?: WireRecord; schema_change?: { without_schema?: { tables?: WireTable[] }; with_schema?: { schemas?: { tables?: WireTable[] }[] } }; checkpoint?: { state_json?: string } } | string;
  structured_record?: WireRecord;
  structured_records?: { structured_records?: WireRecord[] };
  schema_change?: { without_schema?: { tables?: WireTable[] }; with_schema?: { schemas?: { tables?: WireTable[] }[] } };
  checkpoint?: { state_json?: string };
  warning?: { message?: string };
  task?: { message?: string };
  truncate?: { table_name?: string };
  unstructured_record?: { file_path?: string };
}

/** What one UpdateResponse means to the tester. */
export type TesterEvent =
  | { kind: 'operation'; operation: WarehouseOperation }
  | { kind: 'checkpoint'; stateJson: string }
  | { kind: 'log'; level: 'INFO' | 'WARNING' | 'SEVERE'; message: string }
  | { kind: 'tables'; tables: TableDeclaration[] };

/** Declared column types of the SDK (DataType enum) as DuckDB column types. */
export const COLUMN_TYPE_OF_DATA_TYPE: Readonly<Record<string, ColumnType | undefined>> = {
  BOOLEAN: 'BOOLEAN',
  SHORT: 'SMALLINT',
  INT: 'INTEGER',
  LONG: 'BIGINT',
  DECIMAL: 'DECIMAL',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  NAIVE_DATE: 'DATE',
  NAIVE_DATETIME: 'TIMESTAMP',
  UTC_DATETIME: 'TIMESTAMPTZ',
  BINARY: 'BLOB',
  XML: 'VARCHAR',
  STRING: 'VARCHAR',
  JSON: 'JSON',
  // DuckDB TIME is not a warehouse column type; the tester keeps the ISO text.
  NAIVE_TIME: 'VARCHAR',
};

/**
 * Tables a SchemaResponse (or a SchemaChange) declares, as warehouse declarations.
 *
 * @example
 * tablesFromWire([{ name: 'hed_records', columns: [{ name: 'record_id', type: 'UNSPECIFIED', primary_key: true }] }])
 * // [{ table: 'hed_records', primaryKey: ['record_id'], columns: {} }]
 */
export function tablesFromWire(tables: readonly WireTable[]): TableDeclaration[] {
  return tables.map((table) => {
    const primaryKey: string[] = [];
    const columns: Record<string, ColumnType> = {};
    for (const column of table.columns ?? []) {
      const name = column.name ?? '';
      if (column.primary_key === true) primaryKey.push(name);
      const type = COLUMN_TYPE_OF_DATA_TYPE[column.type ?? 'UNSPECIFIED'];
      if (type !== undefined) columns[name] = type;
    }
    return { table: table.name ?? '', primaryKey, columns };
  });
}

/** The wire tables a SchemaResponse or a SchemaChange carries (with or without schemas); [] when none. */
export function wireTablesOf(message: Pick<WireSchemaResponse, 'without_schema' | 'with_schema'>): WireTable[] {
  return message.without_schema?.tables ?? (message.with_schema?.schemas ?? []).flatMap((schema) => schema.tables ?? []);
}

/** Tables of a SchemaResponse; [] when the connector has no schema(). */
export function tablesOfSchemaResponse(response: WireSchemaResponse): TableDeclaration[] {
  return tablesFromWire(wireTablesOf(response));
}

/** Decimal precision and scale declared per table and column (DECIMAL columns only). */
export function decimalParamsOf(tables: readonly WireTable[]): Map<string, { precision: number; scale: number }> {
  const params = new Map<string, { precision: number; scale: number }>();
  for (const table of tables) {
    for (const column of table.columns ?? []) {
      const decimal = column.decimal ?? column.params?.decimal;
      if (column.type === 'DECIMAL' && decimal !== undefined) {
        params.set(`${table.name ?? ''}.${column.name ?? ''}`, { precision: decimal.precision ?? 38, scale: decimal.scale ?? 0 });
      }
    }
  }
  return params;
}

/** Checks a literal as a TypedValue where it is written (module level: valueFromWire runs per value). */
const typed = <T extends TypedValue>(v: T): T => v;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function timestampParts(ts: WireTimestamp): { date: string; time: string; fraction: string } {
  const seconds = Number(ts.seconds ?? 0);
  const nanos = ts.nanos ?? 0;
  const at = new Date(seconds * 1000);
  const date = `${pad(at.getUTCFullYear(), 4)}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
  const time = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
  const fraction = nanos === 0 ? '' : `.${String(Math.floor(nanos / 1000)).padStart(6, '0')}`;
  return { date, time, fraction };
}

/**
 * One wire value as a warehouse value, the type as the SDK sent it: Python `bool` is
 * inferred as `long` by SDK 1.7.0 (bool is an int subclass, tested first), so it lands as
 * BIGINT 0/1; Python `float` goes as `float` (FLOAT). `null` → null.
 *
 * @example
 * valueFromWire({ inner: 'long', long: '1' }) // { kind: 'typed', type: 'BIGINT', value: 1 }
 */
export function valueFromWire(value: WireValue, decimal?: { precision: number; scale: number }): TypedValue | null {
  switch (value.inner) {
    case 'bool':
      return typed({ kind: 'typed', type: 'BOOLEAN', value: value.bool === true });
    case 'short':
      return typed({ kind: 'typed', type: 'SMALLINT', value: value.short ?? 0 });
    case 'int':
      return typed({ kind: 'typed', type: 'INTEGER', value: value.int ?? 0 });
    case 'long': {
      const text = String(value.long ?? '0');
      // Up to 15 digits is always a safe integer: skip the BigInt (nine longs per lab record).
      if (text.length < 16) return typed({ kind: 'typed', type: 'BIGINT', value: Number(text) });
      const big = BigInt(text);
      const safe = big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER);
      return typed({ kind: 'typed', type: 'BIGINT', value: safe ? Number(big) : big });
    }
    case 'float':
      return typed({ kind: 'typed', type: 'FLOAT', value: value.float ?? 0 });
    case 'double':
      return typed({ kind: 'typed', type: 'DOUBLE', value: value.double ?? 0 });
    case 'decimal':
      return typed({ kind: 'typed', type: 'DECIMAL', value: value.decimal ?? '0', ...(decimal ?? {}) });
    case 'naive_date':
      return typed({ kind: 'typed', type: 'DATE', value: timestampParts(value.naive_date ?? {}).date });
    case 'naive_datetime': {
      const p = timestampParts(value.naive_datetime ?? {});
      return typed({ kind: 'typed', type: 'TIMESTAMP', value: `${p.date}T${p.time}${p.fraction}` });
    }
    case 'utc_datetime': {
      const p = timestampParts(value.utc_datetime ?? {});
      return typed({ kind: 'typed', type: 'TIMESTAMPTZ', value: `${p.date}T${p.time}${p.fraction}Z` });
    }
    case 'naive_time': {
      const p = timestampParts(value.naive_time ?? {});
      return typed({ kind: 'typed', type: 'VARCHAR', value: `${p.time}${p.fraction}` });
    }
    case 'binary':
      return typed({ kind: 'typed', type: 'BLOB', value: new Uint8Array(value.binary ?? new Uint8Array()) });
    case 'string':
      return typed({ kind: 'typed', type: 'VARCHAR', value: value.string ?? '' });
    case 'xml':
      return typed({ kind: 'typed', type: 'VARCHAR', value: value.xml ?? '' });
    case 'json':
      return typed({ kind: 'typed', type: 'JSON', value: value.json ?? 'null' });
    default:
      return null;
  }
}

/**
 * One v2 row_data cell (first byte: 0 null, 1 text, 2 JSON, 3 binary, 4 float, 5 double;
 * sent only when ConnectorSdkRemoveValueType=true) as a warehouse value. Text stays text.
 */
export function valueFromRowData(bytes: Uint8Array): TypedValue | null {
  const prefix = bytes[0];
  const rest = bytes.subarray(1);
  const text = () => Buffer.from(rest).toString('utf8');
  switch (prefix) {
    case 1:
      return { kind: 'typed', type: 'VARCHAR', value: text() };
    case 2:
      return { kind: 'typed', type: 'JSON', value: text() };
    case 3:
      return { kind: 'typed', type: 'BLOB', value: new Uint8Array(rest) };
    case 4:
      return { kind: 'typed', type: 'FLOAT', value: Number(text()) };
    case 5:
      return { kind: 'typed', type: 'DOUBLE', value: Number(text()) };
    default:
      return null;
  }
}

const OP_OF_RECORD_TYPE: Readonly<Record<string, 'upsert' | 'update' | 'delete' | 'truncate'>> = {
  UPSERT: 'upsert',
  UPDATE: 'update',
  DELETE: 'delete',
  TRUNCATE: 'truncate',
};

/** A Record / StructuredRecord as a warehouse operation. */
export function operationOfRecord(record: WireRecord, decimals: ReadonlyMap<string, { precision: number; scale: number }> = new Map()): WarehouseOperation {
  const table = record.table_name ?? '';
  const op = OP_OF_RECORD_TYPE[record.type ?? 'UPSERT'] ?? 'upsert';
  if (op === 'truncate') return { op, table };
  const data: Record<string, TypedValue | null> = {};
  const wire = record.data ?? {};
  for (const column in wire) {
    const value = wire[column]!;
    data[column] = valueFromWire(value, value.inner === 'decimal' ? decimals.get(`${table}.${column}`) : undefined);
  }
  for (const [column, bytes] of Object.entries(record.row_data ?? {})) data[column] = valueFromRowData(bytes);
  return { op, table, data };
}

/**
 * What an UpdateResponse of either protocol means: operations, a checkpoint, a log line
 * or a schema change (table declarations).
 *
 * @example
 * eventsOfUpdateResponse({ operation: { checkpoint: { state_json: '{"a":1}' } } }) // [{ kind: 'checkpoint', stateJson: '{"a":1}' }]
 */
export function eventsOfUpdateResponse(response: WireUpdateResponse, decimals: ReadonlyMap<string, { precision: number; scale: number }> = new Map()): TesterEvent[] {
  if (response.log_entry !== undefined) {
    const level = response.log_entry.level === 'WARNING' || response.log_entry.level === 'SEVERE' ? response.log_entry.level : 'INFO';
    return [{ kind: 'log', level, message: response.log_entry.message ?? '' }];
  }
  // v1 nests the operation; v2 puts every kind at the top (and `operation` is the oneof's name).
  const v1 = typeof response.operation === 'object' ? response.operation : undefined;
  const record = v1?.record ?? response.structured_record;
  if (record !== undefined) return [{ kind: 'operation', operation: operationOfRecord(record, decimals) }];
  if (response.structured_records !== undefined) {
    return (response.structured_records.structured_records ?? []).map((r) => ({ kind: 'operation' as const, operation: operationOfRecord(r, decimals) }));
  }
  const checkpoint = v1?.checkpoint ?? response.checkpoint;
  if (checkpoint !== undefined) return [{ kind: 'checkpoint', stateJson: checkpoint.state_json ?? '{}' }];
  const change = v1?.schema_change ?? response.schema_change;
  if (change !== undefined) return [{ kind: 'tables', tables: tablesFromWire(wireTablesOf(change)) }];
  if (response.truncate !== undefined) return [{ kind: 'operation', operation: { op: 'truncate', table: response.truncate.table_name ?? '' } }];
  if (response.warning !== undefined) return [{ kind: 'log', level: 'WARNING', message: response.warning.message ?? '' }];
  if (response.task !== undefined) return [{ kind: 'log', level: 'WARNING', message: `The connector asked for a task: ${response.task.message ?? ''}` }];
  if (response.unstructured_record !== undefined) {
    return [{ kind: 'log', level: 'WARNING', message: `File upload ${response.unstructured_record.file_path ?? ''} ignored: hed-tester writes structured records only.` }];
  }
  return [];
}

/** The generic client of the Connector service (either protocol). */
export interface ConnectorClient extends grpc.Client {
  Schema(request: { configuration: Record<string, string> }, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: WireSchemaResponse) => void): grpc.ClientUnaryCall;
  Update(request: { configuration: Record<string, string>; state_json: string }, options?: grpc.CallOptions): grpc.ClientReadableStream<WireUpdateResponse>;
}

const loaded = new Map<ProtocolVersion, grpc.ServiceClientConstructor>();

/** Loads tester/proto (v1) or tester/proto/v2 and returns the service's client constructor. */
export function connectorClientConstructor(version: ProtocolVersion): grpc.ServiceClientConstructor {
  const cached = loaded.get(version);
  if (cached !== undefined) return cached;
  const dir = `${testerAssetDir()}proto${version === 'v2' ? '/v2' : ''}`;
  const definition = protoLoader.loadSync(['connector_sdk.proto'], {
    includeDirs: [dir],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const root = grpc.loadPackageDefinition(definition) as unknown as Record<string, Record<string, unknown>>;
  const pkg = (version === 'v2' ? (root.fivetran_sdk?.v2 as Record<string, unknown>) : root.fivetran_sdk) ?? {};
  const ctor = pkg[version === 'v2' ? 'SourceConnector' : 'Connector'] as grpc.ServiceClientConstructor;
  loaded.set(version, ctor);
  return ctor;
}

/** A client of the connector's server on 127.0.0.1:port. Close it when done. */
export function connectConnector(port: number, version: ProtocolVersion): ConnectorClient {
  const Ctor = connectorClientConstructor(version);
  const size = 32 * 1024 * 1024;
  return new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': size,
    'grpc.max_send_message_length': size,
    // A wide HTTP/2 window: the connector keeps streaming while a commit holds the event loop.
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
  }) as unknown as ConnectorClient;
}
