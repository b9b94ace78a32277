import t from 'tap';
import { CONTRACT_API_KEY, errorBodyProblems, PROVIDER_STATES, scenarioNames, startMock } from '../../lib/public.js';

t.test('startMock serves the dataset in process on a free port, with a scenario by name', async (t) => {
  const mock = await startMock({ seed: 7, students: 12, scenario: 'maintenance', paging: 'exact', apiKeys: ['k-1'] });
  t.teardown(mock.close);
  t.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const statuses: number[] = [];
  let res!: Response;
  for (let i = 0; i < 3; i++) {
    res = await fetch(`${mock.url}/hed_data?page_size=1`, { headers: { 'x-api-key': 'k-1' } });
    statuses.push(res.status);
    if (res.status !== 503) await res.arrayBuffer();
  }
  t.same(statuses, [200, 200, 503], 'the maintenance scenario answers after two requests');
  t.same(errorBodyProblems(503, await res.text()), [], 'in the catalog\'s shape');
  mock.app.faults.clear();
  const page = await fetch(`${mock.url}/hed_data?page_size=20`, { headers: { 'x-api-key': 'k-1' } });
  const body = await page.text();
  t.equal((JSON.parse(body) as { hed_records: unknown[]; has_more: boolean }).has_more, false, 'exact paging');
  const checker = mock.responseChecker();
  t.equal(mock.responseChecker(), checker, 'one checker per mock');
  t.same(checker.check({ method: 'GET', url: '/hed_data', status: 200, contentType: 'application/json', body }), []);
  t.not(checker.check({ method: 'GET', url: '/hed_data', status: 200, contentType: 'application/json', body: '{"hed_records":1}' }).length, 0, 'the checker can fail');
});

t.test('the provider state handlers drive the mock they came with', async (t) => {
  const mock = await startMock({ students: 5 });
  t.teardown(mock.close);
  const handlers = mock.stateHandlers();
  const { cursor } = await handlers[PROVIDER_STATES.readToTheEnd]!();
  const res = await fetch(`${mock.url}/hed_data?cursor=${cursor}`, { headers: { 'x-api-key': CONTRACT_API_KEY } });
  t.equal(res.status, 200);
  t.same((await res.json() as { hed_records: unknown[] }).hed_records, [], 'nothing after the end');
  t.ok(scenarioNames().includes('flaky'));
});

t.test('a port in use fails the start and leaves nothing running', async (t) => {
  const first = await startMock({ students: 1 });
  t.teardown(first.close);
  await t.rejects(startMock({ students: 1, port: Number(new URL(first.url).port) }), { code: 'EADDRINUSE' });
});
