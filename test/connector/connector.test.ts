import t from 'tap';
import { startMock, type RunningMock } from '../helpers/mock-server.js';
import { schema, update, type Operation } from '../../connector/connector.js';
import { ConfigurationError } from '../../connector/configuration.js';
import { configurationFor, sourceRecords } from './helpers.js';

let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: 45, paging: 'exact' });
});
t.teardown(() => mock.close());

async function collect(generator: AsyncGenerator<Operation>): Promise<Operation[]> {
  const operations: Operation[] = [];
  for await (const op of generator) operations.push(op);
  return operations;
}

t.test('schema() declares hed_records keyed by record_id', async (t) => {
  t.same(schema(configurationFor(mock.url)), [{ table: 'hed_records', primary_key: ['record_id'] }]);
});

t.test('update() yields an upsert per record and a checkpoint after every page', async (t) => {
  const operations = await collect(update(configurationFor(mock.url, { page_size: '20' }), {}));
  t.same(operations.map((op) => op.type === 'checkpoint' ? 'C' : 'U').join('').split('C').map((s) => s.length), [20, 20, 5, 0], 'three pages (exact paging), each closed by a checkpoint');
  const upserted = operations.flatMap((op) => (op.type === 'upsert' ? [op.data] : []));
  t.same(upserted.sort((a, b) => String(a.record_id).localeCompare(String(b.record_id))), await sourceRecords(mock.url));
  t.ok(operations.every((op) => op.type === 'checkpoint' || op.table === 'hed_records'));
  const last = operations.at(-1)!;
  t.equal(last.type, 'checkpoint');

  // Resuming from the final state yields an empty page and the same state back.
  const state = last.type === 'checkpoint' ? last.state : {};
  t.same(await collect(update(configurationFor(mock.url), state)), [{ type: 'checkpoint', state }]);
});

t.test('update() with a bad configuration throws ConfigurationError naming the key', async (t) => {
  await t.rejects(collect(update({ api_key: 'k', base_url: mock.url, page_size: 'ten' }, {})), ConfigurationError);
  const error = await collect(update({ api_key: 'k', base_url: mock.url, page_size: 'ten' }, {})).catch((e: unknown) => e);
  t.equal((error as ConfigurationError).key, 'page_size');
});

t.test('a state whose next_cursor is not a string is refused', async (t) => {
  const error = await collect(update(configurationFor(mock.url), { next_cursor: 5 } as never)).catch((e: unknown) => e);
  t.equal((error as { code?: string }).code, 'bad_state');
});
