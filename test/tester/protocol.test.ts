import t from 'tap';
import { connectorClientConstructor, decimalParamsOf, eventsOfUpdateResponse, operationOfRecord, tablesFromWire, tablesOfSchemaResponse, testerAssetDir, valueFromRowData, valueFromWire } from '../../tester/protocol.js';

t.test('wire values become typed warehouse values, as the SDK sent them', async (t) => {
  t.same(valueFromWire({ inner: 'null', null: true }), null);
  t.same(valueFromWire({}), null);
  t.same(valueFromWire({ inner: 'bool', bool: true }), { kind: 'typed', type: 'BOOLEAN', value: true });
  t.same(valueFromWire({ inner: 'bool' }), { kind: 'typed', type: 'BOOLEAN', value: false });
  t.same(valueFromWire({ inner: 'short', short: 3 }), { kind: 'typed', type: 'SMALLINT', value: 3 });
  t.same(valueFromWire({ inner: 'int', int: -4 }), { kind: 'typed', type: 'INTEGER', value: -4 });
  t.same(valueFromWire({ inner: 'long', long: '1' }), { kind: 'typed', type: 'BIGINT', value: 1 });
  t.same(valueFromWire({ inner: 'long', long: '-9223372036854775808' }), { kind: 'typed', type: 'BIGINT', value: -9223372036854775808n });
  t.same(valueFromWire({ inner: 'float', float: 0.5 }), { kind: 'typed', type: 'FLOAT', value: 0.5 });
  t.same(valueFromWire({ inner: 'double', double: 0.1 }), { kind: 'typed', type: 'DOUBLE', value: 0.1 });
  t.same(valueFromWire({ inner: 'decimal', decimal: '1.20' }, { precision: 5, scale: 2 }), { kind: 'typed', type: 'DECIMAL', value: '1.20', precision: 5, scale: 2 });
  t.same(valueFromWire({ inner: 'decimal', decimal: '7' }), { kind: 'typed', type: 'DECIMAL', value: '7' });
  t.same(valueFromWire({ inner: 'naive_date', naive_date: { seconds: '1723334400' } }), { kind: 'typed', type: 'DATE', value: '2024-08-11' });
  t.same(valueFromWire({ inner: 'naive_datetime', naive_datetime: { seconds: '1753626517', nanos: 250000000 } }), { kind: 'typed', type: 'TIMESTAMP', value: '2025-07-27T14:28:37.250000' });
  t.same(valueFromWire({ inner: 'utc_datetime', utc_datetime: { seconds: 1754006257 } }), { kind: 'typed', type: 'TIMESTAMPTZ', value: '2025-07-31T23:57:37Z' });
  t.same(valueFromWire({ inner: 'naive_time', naive_time: { seconds: 3661 } }), { kind: 'typed', type: 'VARCHAR', value: '01:01:01' });
  t.same(valueFromWire({ inner: 'binary', binary: Buffer.from([1, 2]) }), { kind: 'typed', type: 'BLOB', value: new Uint8Array([1, 2]) });
  t.same(valueFromWire({ inner: 'string', string: 's' }), { kind: 'typed', type: 'VARCHAR', value: 's' });
  t.same(valueFromWire({ inner: 'xml', xml: '<a/>' }), { kind: 'typed', type: 'VARCHAR', value: '<a/>' });
  t.same(valueFromWire({ inner: 'json', json: '{"a":1}' }), { kind: 'typed', type: 'JSON', value: '{"a":1}' });
  // Empty oneof members (proto3 defaults omitted on the wire).
  for (const inner of ['short', 'int', 'long', 'float', 'double', 'decimal', 'naive_date', 'naive_datetime', 'utc_datetime', 'naive_time', 'binary', 'string', 'xml', 'json']) {
    t.not(valueFromWire({ inner }), null, `${inner} with a default value is still a value`);
  }
});

t.test('v2 row_data cells decode by their prefix byte', async (t) => {
  const cell = (prefix: number, text: string) => new Uint8Array([prefix, ...Buffer.from(text)]);
  t.same(valueFromRowData(new Uint8Array([0])), null);
  t.same(valueFromRowData(cell(1, 'abc')), { kind: 'typed', type: 'VARCHAR', value: 'abc' });
  t.same(valueFromRowData(cell(2, '[1]')), { kind: 'typed', type: 'JSON', value: '[1]' });
  t.same(valueFromRowData(cell(3, 'b')), { kind: 'typed', type: 'BLOB', value: new Uint8Array([98]) });
  t.same(valueFromRowData(cell(4, '1.5')), { kind: 'typed', type: 'FLOAT', value: 1.5 });
  t.same(valueFromRowData(cell(5, '2.5')), { kind: 'typed', type: 'DOUBLE', value: 2.5 });
});

t.test('Schema tables become declarations with primary keys, declared types and decimal params (v1 and v2 shapes)', async (t) => {
  const tables = [
    {
      name: 't',
      columns: [
        { name: 'id', type: 'UNSPECIFIED', primary_key: true },
        { name: 'amount', type: 'DECIMAL', decimal: { precision: 10, scale: 2 } },
        { name: 'v2amount', type: 'DECIMAL', params: { decimal: { precision: 8 } } },
        { name: 'at', type: 'UTC_DATETIME' },
        { name: 'odd', type: 'SOMETHING_NEW' },
        {},
      ],
    },
    {},
  ];
  t.same(tablesFromWire(tables), [
    { table: 't', primaryKey: ['id'], columns: { amount: 'DECIMAL', v2amount: 'DECIMAL', at: 'TIMESTAMPTZ' } },
    { table: '', primaryKey: [], columns: {} },
  ]);
  t.same([...decimalParamsOf(tables)], [
    ['t.amount', { precision: 10, scale: 2 }],
    ['t.v2amount', { precision: 8, scale: 0 }],
  ]);
  t.same(tablesOfSchemaResponse({ without_schema: { tables: [{ name: 'a' }] } }).map((d) => d.table), ['a']);
  t.same(tablesOfSchemaResponse({ with_schema: { schemas: [{ name: 's', tables: [{ name: 'b' }] }, { name: 'e' }] } }).map((d) => d.table), ['b']);
  t.same(tablesOfSchemaResponse({ without_schema: {} }), []);
  t.same(tablesOfSchemaResponse({ with_schema: {} }), []);
  t.same(tablesOfSchemaResponse({ schema_response_not_supported: true }), []);
});

t.test('v1 UpdateResponses: records, checkpoints, log entries, schema changes', async (t) => {
  const decimals = new Map([['t.d', { precision: 4, scale: 1 }]]);
  t.same(eventsOfUpdateResponse({ operation: { record: { table_name: 't', type: 'UPSERT', data: { id: { inner: 'long', long: '1' }, d: { inner: 'decimal', decimal: '1.5' } } } } }, decimals), [
    { kind: 'operation', operation: { op: 'upsert', table: 't', data: { id: { kind: 'typed', type: 'BIGINT', value: 1 }, d: { kind: 'typed', type: 'DECIMAL', value: '1.5', precision: 4, scale: 1 } } } },
  ]);
  t.same(eventsOfUpdateResponse({ operation: { record: { table_name: 't', type: 'TRUNCATE' } } }), [{ kind: 'operation', operation: { op: 'truncate', table: 't' } }]);
  t.same(eventsOfUpdateResponse({ operation: { record: {} } }), [{ kind: 'operation', operation: { op: 'upsert', table: '', data: {} } }]);
  t.same(eventsOfUpdateResponse({ operation: { checkpoint: { state_json: '{"a":1}' } } }), [{ kind: 'checkpoint', stateJson: '{"a":1}' }]);
  t.same(eventsOfUpdateResponse({ operation: { checkpoint: {} } }), [{ kind: 'checkpoint', stateJson: '{}' }]);
  t.same(eventsOfUpdateResponse({ log_entry: { level: 'WARNING', message: 'w' } }), [{ kind: 'log', level: 'WARNING', message: 'w' }]);
  t.same(eventsOfUpdateResponse({ log_entry: {} }), [{ kind: 'log', level: 'INFO', message: '' }]);
  t.same(eventsOfUpdateResponse({ operation: { schema_change: { without_schema: { tables: [{ name: 'n' }] } } } }), [{ kind: 'tables', tables: [{ table: 'n', primaryKey: [], columns: {} }] }]);
  t.same(eventsOfUpdateResponse({ operation: { schema_change: { with_schema: { schemas: [{ tables: [{ name: 'm' }] }, {}] } } } }), [{ kind: 'tables', tables: [{ table: 'm', primaryKey: [], columns: {} }] }]);
  t.same(eventsOfUpdateResponse({ operation: { schema_change: {} } }), [{ kind: 'tables', tables: [] }]);
  t.same(eventsOfUpdateResponse({}), []);
});

t.test('v2 UpdateResponses: structured records (single and batched, data and row_data), truncate, warning, task, file uploads', async (t) => {
  t.same(eventsOfUpdateResponse({ operation: 'structured_record', structured_record: { table_name: 't', type: 'DELETE', data: { id: { inner: 'string', string: 'x' } } } }), [
    { kind: 'operation', operation: { op: 'delete', table: 't', data: { id: { kind: 'typed', type: 'VARCHAR', value: 'x' } } } },
  ]);
  t.same(eventsOfUpdateResponse({ operation: 'structured_records', structured_records: { structured_records: [{ table_name: 'a', type: 'UPDATE', row_data: { v: new Uint8Array([0]) } }, { table_name: 'b' }] } }), [
    { kind: 'operation', operation: { op: 'update', table: 'a', data: { v: null } } },
    { kind: 'operation', operation: { op: 'upsert', table: 'b', data: {} } },
  ]);
  t.same(eventsOfUpdateResponse({ operation: 'structured_records', structured_records: {} }), []);
  t.same(eventsOfUpdateResponse({ operation: 'checkpoint', checkpoint: { state_json: '{}' } }), [{ kind: 'checkpoint', stateJson: '{}' }]);
  t.same(eventsOfUpdateResponse({ operation: 'schema_change', schema_change: { without_schema: { tables: [] } } }), [{ kind: 'tables', tables: [] }]);
  t.same(eventsOfUpdateResponse({ operation: 'truncate', truncate: { table_name: 't' } }), [{ kind: 'operation', operation: { op: 'truncate', table: 't' } }]);
  t.same(eventsOfUpdateResponse({ truncate: {} }), [{ kind: 'operation', operation: { op: 'truncate', table: '' } }]);
  t.same(eventsOfUpdateResponse({ warning: { message: 'careful' } }), [{ kind: 'log', level: 'WARNING', message: 'careful' }]);
  t.same(eventsOfUpdateResponse({ warning: {} }), [{ kind: 'log', level: 'WARNING', message: '' }]);
  t.match(eventsOfUpdateResponse({ task: { message: 'rotate key' } }), [{ kind: 'log', level: 'WARNING', message: /asked for a task: rotate key/ }]);
  t.match(eventsOfUpdateResponse({ task: {} }), [{ kind: 'log', level: 'WARNING' }]);
  t.match(eventsOfUpdateResponse({ unstructured_record: { file_path: 'a.pdf' } }), [{ kind: 'log', level: 'WARNING', message: /a\.pdf ignored/ }]);
  t.match(eventsOfUpdateResponse({ unstructured_record: {} }), [{ kind: 'log', level: 'WARNING' }]);
  t.same(operationOfRecord({ table_name: 'x', type: 'NEW_KIND' }), { op: 'upsert', table: 'x', data: {} });
});

t.test('both protocols load from tester/proto: v1 service Connector, v2 service SourceConnector', async (t) => {
  t.match(testerAssetDir(), /tester\/$/);
  const v1 = connectorClientConstructor('v1');
  const v2 = connectorClientConstructor('v2');
  t.equal(v1.service.Update!.path, '/fivetran_sdk.Connector/Update');
  t.equal(v2.service.Update!.path, '/fivetran_sdk.v2.SourceConnector/Update');
  t.equal(v1.service.Update!.responseStream, true);
  t.equal(connectorClientConstructor('v1'), v1, 'loaded once');
});
