import t from 'tap';
import { readFileSync } from 'node:fs';
import { ALL_VERTICALS, VERTICALS, formatTime, generateRecordJson, generateRecords, verticalChecksum, type VerticalDefinition, type VerticalRecord } from '../../verticals/index.js';
import { compileVertical, decimalWriter, writesInBatches } from '../../verticals/generate.js';
import { createVerticalRandom, sfc32, verticalRandomState } from '../../verticals/random.js';
import { pearson } from '../helpers/stats.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/vertical-checksums.json', import.meta.url), 'utf8')) as { seed: number; records: number; sha256: Record<string, string> };
const generic = ALL_VERTICALS.filter((v) => v.prefix !== 'hed');

t.test('each vertical at seed 42 matches its committed checksum', async (t) => {
  t.same(Object.keys(fixture.sha256), generic.map((v) => v.prefix), 'a checksum for every vertical built by the seam');
  for (const v of generic) t.equal(verticalChecksum(v, fixture.seed, fixture.records), fixture.sha256[v.prefix], `${v.prefix}: fixtures/vertical-checksums.json`);
});

t.test('the same seed gives the same records; another seed or vertical gives others', async (t) => {
  for (const v of [VERTICALS.agr, VERTICALS.tlc, VERTICALS.met]) {
    t.equal(verticalChecksum(v, 7, 200), verticalChecksum(v, 7, 200), `${v.prefix}: seed 7 twice`);
    t.not(verticalChecksum(v, 7, 200), verticalChecksum(v, 8, 200), `${v.prefix}: seeds 7 and 8 differ`);
  }
  // CPG and RDP share a record shape; their streams differ by prefix.
  const cpg = [...generateRecords(VERTICALS.cpg, 42, 1)][0]!;
  const rdp = [...generateRecords(VERTICALS.rdp, 42, 1)][0]!;
  t.not(cpg.record_id, rdp.record_id, 'cpg and rdp draw from their own streams');
});

t.test('record i is the same whatever the count, so a larger dataset starts with the default one', async (t) => {
  for (const v of generic) {
    const ten = [...generateRecordJson(v, 42, 10)];
    const more = [...generateRecordJson(v, 42, 600)].slice(0, 10);
    t.same(ten, more, v.prefix);
  }
});

/** A field's values as numbers: decimals and integers as they are, booleans 0/1, ordered enums by position. */
function numericSeries(v: VerticalDefinition, name: string, records: VerticalRecord[]): number[] {
  const gen = v.fields.find((f) => f.name === name)!.gen;
  return records.map((r) => {
    const value = r[name];
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (gen.kind === 'enum' && typeof value === 'string') return gen.values.indexOf(value);
    if (gen.kind === 'date') return Date.parse(String(value).slice(0, 10));
    return Number(value);
  });
}

const followsOf = (v: VerticalDefinition, name: string) => {
  const gen = v.fields.find((f) => f.name === name)!.gen;
  return 'follows' in gen && gen.follows !== undefined ? gen.follows : 0;
};

t.test("the fields a vertical's app relates to its risk score move with it, in the declared direction", async (t) => {
  for (const v of generic) {
    const records = [...generateRecords(v, 42, 600)];
    const risk = numericSeries(v, v.risk.field, records);
    const riskSign = Math.sign(followsOf(v, v.risk.field));
    t.not(riskSign, 0, `${v.prefix}: the risk field ${v.risk.field} follows the hidden risk`);
    const related = v.fields.filter((f) => f.name !== v.risk.field && Math.abs(followsOf(v, f.name)) >= 0.4);
    t.ok(related.length >= 1, `${v.prefix}: at least one field moves with ${v.risk.field}`);
    for (const field of related) {
      const r = pearson(risk, numericSeries(v, field.name, records));
      const expected = Math.sign(followsOf(v, field.name)) * riskSign;
      t.ok(r * expected > 0.2, `${v.prefix}: ${field.name} vs ${v.risk.field}: r = ${r.toFixed(2)}, expected sign ${expected}`);
    }
    // Fields without `follows` are independent of the risk score.
    for (const field of v.fields.filter((f) => (f.type === 'number' || f.type === 'integer') && followsOf(v, f.name) === 0 && f.gen.kind !== 'epoch' && !('zeroUnless' in f.gen))) {
      const r = pearson(risk, numericSeries(v, field.name, records));
      t.ok(Math.abs(r) < 0.15, `${v.prefix}: ${field.name} is independent of ${v.risk.field} (r = ${r.toFixed(2)})`);
    }
  }
});

t.test('decimals are written as Python writes floats: String(number), with .0 when whole', async (t) => {
  const r = createVerticalRandom(1, 'decimals');
  for (const decimals of [0, 1, 2, 3, 6, 9, 10]) {
    const write = decimalWriter(decimals);
    const scale = 10 ** decimals;
    const bad: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const k = Math.floor((r.float() - 0.3) * 1000 * scale) + 0;
      const value = k / scale;
      const expected = Number.isInteger(value) ? `${value}.0` : String(value);
      if (write(k) !== expected) bad.push(`${k}: ${write(k)} != ${expected}`);
    }
    t.same(bad.slice(0, 3), [], `${decimals} decimals`);
  }
  t.equal(decimalWriter(2)(133871), '1338.71');
  t.equal(decimalWriter(10)(-2_900_000_000), '-0.29');
  t.equal(decimalWriter(1)(0), '0.0');
});

t.test("times are written in each of the lab's formats", async (t) => {
  const seconds = Date.UTC(2024, 10, 17, 4, 46, 0) / 1000;
  t.equal(formatTime(seconds, 'date'), '2024-11-17');
  t.equal(formatTime(seconds, 'datetime'), '2024-11-17 04:46:00');
  t.equal(formatTime(seconds, 'iso'), '2024-11-17T04:46:00');
  t.equal(formatTime(seconds, 'datetime-millis'), '2024-11-17 04:46:00.000');
  t.equal(formatTime(seconds, 'loose-datetime'), '2024-11-17 4:46:00');
});

t.test('the random streams are seeded by seed and name, uniform in [0, 1)', async (t) => {
  const draws = (seed: number, name: string) => Array.from({ length: 5 }, ((r) => () => r.float())(createVerticalRandom(seed, name)));
  t.same(draws(42, 'agr'), draws(42, 'agr'));
  t.not(draws(42, 'agr').join(), draws(42, 'cds').join());
  t.not(draws(42, 'agr').join(), draws(43, 'agr').join());
  const r = createVerticalRandom(9, 'uniform');
  const xs = Array.from({ length: 50_000 }, () => r.float());
  t.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  t.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean.toFixed(4)}`);
});

for (const [variant, ascii] of [
  ['beyond ASCII (written as text)', false],
  ['within ASCII (the compiled batch writer)', true],
] as const) {
t.test(`the JSON written as bytes equals JSON written field by field, with negative numbers too: ${variant}`, async (t) => {
  // Every generator, every date writing, negative ranges, and text beyond ASCII (written as text, not as bytes).
  const fields: VerticalDefinition['fields'] = [
    { name: 'record_id', type: 'string', gen: { kind: 'uuid' } },
    { name: 'seq', type: 'string', gen: { kind: 'sequence', prefix: 'Ñ_', digits: 4 } },
    { name: 'plain_seq', type: 'string', gen: { kind: 'sequence', prefix: 'ID_', digits: 3, offset: 995 } },
    { name: 'named', type: 'string', gen: { kind: 'indexed', template: 'Item {n} "x"', offset: 1 } },
    { name: 'bare', type: 'string', gen: { kind: 'indexed', template: 'No number', offset: 0 } },
    { name: 'kind', type: 'string', gen: { kind: 'enum', values: ['café', 'plain', 'quote"d'] } },
    { name: 'level', type: 'integer', gen: { kind: 'enum', values: [7, 14, 30] } },
    { name: 'code', type: 'string', gen: { kind: 'compose', parts: ['C-', { pick: ['a', 'é'] }, { int: [0, 99], pad: 3 }] } },
    { name: 'delta', type: 'integer', gen: { kind: 'integer', min: -50, max: 50 } },
    { name: 'on', type: 'boolean', gen: { kind: 'boolean', p: 0.5 } },
    { name: 'amount', type: 'number', gen: { kind: 'number', min: -20, max: 20, decimals: 2, zeroUnless: 'on' } },
    { name: 'big', type: 'number', gen: { kind: 'number', min: 1000, max: 9_000_000, decimals: 1 } },
    { name: 'fine', type: 'number', gen: { kind: 'number', min: -3, max: 3, decimals: 10 } },
    { name: 'tiny', type: 'number', gen: { kind: 'number', min: 0, max: 0.002, decimals: 5 } },
    ...(['date', 'datetime', 'iso', 'datetime-millis', 'loose-datetime'] as const).map((format, i) => ({
      name: `t${i}`,
      type: 'string' as const,
      format: { kind: 'date' as const, format },
      gen: { kind: 'date' as const, from: '2024-01-01', to: '2024-12-31', stepSeconds: 60 },
    })),
    { name: 'later', type: 'string', format: { kind: 'date', format: 'date' }, gen: { kind: 'date', from: '1970-01-01', to: '1970-01-01', after: { field: 't0', minDays: 0, maxDays: 9 } } },
    { name: 'first', type: 'string', gen: { kind: 'enum', values: ['Ann', 'Zoë'] } },
    { name: 'mail', type: 'string', gen: { kind: 'email', first: 'first', last: 'first', domains: ['example.com'] } },
    { name: 'tags', type: 'string', gen: { kind: 'json-list', values: ['a', 'b', 'c'], min: 1, max: 2 } },
    { name: 'last_updated_epoch', type: 'integer', gen: { kind: 'epoch' } },
  ];
  // The same fields with every text in ASCII: the batch writer writes them all.
  const plain = (text: string) => text.replaceAll('Ñ', 'N').replaceAll('é', 'e').replaceAll('ë', 'e');
  const v: VerticalDefinition = { ...VERTICALS.agr, fields: ascii ? (JSON.parse(plain(JSON.stringify(fields))) as VerticalDefinition['fields']) : fields };
  t.equal(writesInBatches(v), ascii, ascii ? 'the batch writer writes these fields' : 'text beyond ASCII keeps the writer of one record at a time');
  const texts = [...generateRecordJson(v, 3, 2000)];
  const records = [...generateRecords(v, 3, 2000)];
  const byHand = (r: VerticalRecord) =>
    `{${v.fields
      .map((f) => {
        const value = r[f.name]!;
        const text = f.type === 'number' ? (Number.isInteger(value) ? `${value as number}.0` : String(value)) : JSON.stringify(value);
        return `${JSON.stringify(f.name)}:${text}`;
      })
      .join(',')}}`;
  const bad = texts.flatMap((text, i) => (text === byHand(records[i]!) ? [] : [`${i}: ${text} != ${byHand(records[i]!)}`]));
  t.same(bad.slice(0, 2), [], 'every record');
  if (!ascii) t.ok(texts.some((text) => text.includes('café')) && texts.some((text) => text.includes('"plain"')), 'records beyond ASCII and records within it');
  t.ok(texts.some((text) => text.includes('quote\\"d')), 'a quote escaped');
  t.ok(records.some((r) => (r.delta as number) < 0) && records.some((r) => (r.amount as number) < 0), 'negative integers and decimals');
  t.equal(records[5]!.plain_seq, 'ID_1000', 'a sequence longer than its digits');
});
}

t.test("every vertical's records from the batch writer equal the ones compileVertical writes from their values, over many batches", async (t) => {
  for (const v of generic) {
    t.ok(writesInBatches(v), `${v.prefix}: written in batches`);
    const compiled = compileVertical(v);
    const r = createVerticalRandom(5, v.prefix);
    const values: (string | number | boolean)[] = [];
    let bad = '';
    let i = 0;
    for (const json of generateRecordJson(v, 5, 1500)) {
      compiled.draw(r, i, values);
      const expected = compiled.json(values);
      if (json !== expected && !bad) bad = `record ${i}: ${json} != ${expected}`;
      i++;
    }
    t.equal(bad, '', `${v.prefix}: 1,500 records of seed 5`);
    t.equal(i, 1500, `${v.prefix}: every record`);
  }
});

t.test('the batch writer steps the same random stream as createVerticalRandom', async (t) => {
  const state = verticalRandomState(42, 'agr');
  const r = createVerticalRandom(42, 'agr');
  const steps = Array.from({ length: 1000 }, () => sfc32(state));
  t.same(steps, Array.from({ length: 1000 }, () => r.uint32()));
});

t.test('compileVertical: json(values) writes the values given (a mutation keeps old fields and stamps a new time), equal to the generator for a plain draw', async (t) => {
  const { compileVertical: compile, generateRecordJson: jsonOf, VERTICALS: all } = await import('../../verticals/index.js');
  const { createVerticalRandom } = await import('../../verticals/random.js');
  for (const prefix of ['agr', 'tlc', 'mso'] as const) {
    const definition = all[prefix];
    const compiled = compile(definition);
    const r = createVerticalRandom(42, prefix);
    const expected = [...jsonOf(definition, 42, 3)];
    const values: (string | number | boolean)[] = [];
    for (let i = 0; i < 3; i++) {
      compiled.draw(r, i, values);
      t.equal(compiled.json(values), expected[i], `${prefix} record ${i}`);
    }
    const epochAt = definition.fields.findIndex((f) => f.name === 'last_updated_epoch');
    values[epochAt] = 1_800_000_000;
    t.equal(JSON.parse(compiled.json(values)).last_updated_epoch, 1_800_000_000, `${prefix}: a changed value is written`);
  }
});
