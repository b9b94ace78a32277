import t from 'tap';
import { AUTH, buildTestApp } from '../helpers/mock-server.js';
import { VERTICAL_PREFIXES, VERTICALS, verticalRecordSchema } from '../../verticals/index.js';

interface Operation {
  operationId: string;
  parameters: unknown[];
  security: unknown;
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
  links?: unknown;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

t.test('/openapi.json lists every served path as HED\'s is listed, with its own record schema', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const doc = (await app.inject({ url: '/openapi.json' })).json<Doc>();
  const hed = doc.paths['/hed_data']!.get!;
  for (const prefix of VERTICAL_PREFIXES) {
    const v = VERTICALS[prefix];
    const op = doc.paths[v.path]?.get;
    if (!op) {
      t.fail(`${v.path} is missing`);
      continue;
    }
    t.equal(op.operationId, `get${prefix[0]!.toUpperCase()}${prefix.slice(1)}Data`, `${prefix}: operationId`);
    t.same(op.parameters, hed.parameters, `${prefix}: page_size and cursor as HED's`);
    t.same(op.security, hed.security, `${prefix}: the API key`);
    t.same(Object.keys(op.responses).sort(), Object.keys(hed.responses).sort(), `${prefix}: the same statuses, fault statuses included`);
    t.ok(doc.paths[v.specPath]?.get, `${prefix}: ${v.specPath}`);
    if (prefix === 'hed') continue;
    const page = op.responses['200']!.content!['application/json']!.schema as { required: string[]; properties: Record<string, { items?: { $ref?: string } }> };
    t.same(page.required, [v.table, 'next_cursor', 'has_more'], `${prefix}: the envelope`);
    const ref = page.properties[v.table]!.items!.$ref!;
    const name = ref.replace('#/components/schemas/', '');
    const shared = doc.components.schemas[name]!;
    const expected = JSON.parse(JSON.stringify(verticalRecordSchema(v))) as Record<string, unknown>;
    t.same(Object.keys(shared.properties as object), Object.keys(expected.properties as object), `${prefix}: ${name} has the definition's fields in order`);
    t.same(shared.properties, expected.properties, `${prefix}: ${name} is verticals/schema.ts's record`);
  }
});

t.test('--verticals narrows the document to the paths served', async (t) => {
  const app = await buildTestApp({ verticals: ['agr', 'tlc'] });
  t.teardown(() => app.close());
  const doc = (await app.inject({ url: '/openapi.json' })).json<Doc>();
  const data = Object.keys(doc.paths).filter((p) => /^\/[a-z]{3}_data$/.test(p));
  t.same(data, ['/agr_data', '/tlc_data']);
  t.same(Object.keys(doc.paths).filter((p) => p.endsWith('_api_spec')), ['/agr_api_spec', '/tlc_api_spec'], "the spec pages of the paths served, HED's not among them");
  t.same(Object.keys(doc.components.schemas).filter((n) => n.endsWith('Record')).sort(), ['AgrRecord', 'TlcRecord']);
  const records = doc.paths['/__admin/records']!.get!.parameters as { name: string; schema: { enum: string[] } }[];
  t.same(records.find((p) => p.name === 'vertical')!.schema.enum, ['agr', 'hed', 'tlc'], 'the admin API names what it takes');
  t.equal((await app.inject({ url: '/agr_data', headers: AUTH })).statusCode, 200);
});
