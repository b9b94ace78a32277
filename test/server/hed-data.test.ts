import t from 'tap';
import { AUTH, buildTestApp } from '../helpers/mock-server.js';

t.test('serves the first page of the seeded dataset with a cursor', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const res = await app.inject({ url: '/hed_data?page_size=3', headers: AUTH });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  const body = res.json();
  t.equal(body.hed_records.length, 3);
  t.equal(body.has_more, true);
  t.match(body.next_cursor, /^[A-Za-z0-9_-]+$/);
  t.equal(Object.keys(body.hed_records[0]).length, 23);
});
