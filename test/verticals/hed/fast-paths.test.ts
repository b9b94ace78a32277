import t from 'tap';
import { Faker, en } from '@faker-js/faker';
import { createRandom, UUID_DRAWS } from '../../../verticals/hed/random.js';
import { formatDateTime, formatLooseDateTime } from '../../../verticals/hed/time-format.js';
import { advanceStudent, generateStudentLane, generateStudents, studentJson, studentJsonFromValues, studentValuesJson } from '../../../verticals/hed/dataset.js';

// The dataset build takes shortcuts around faker's API, Date and JSON.stringify (see the
// README's Benchmarks section); each must give exactly what the plain call gives, or every
// lab room would see different data.

const fnv = (part: string) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

t.test('createRandom draws what faker.number.float() and faker.string.uuid() give for the same seed', async (t) => {
  const cases: [number, (string | number)[]][] = [[42, []], [0, []], [2 ** 32 - 1, []], [42, ['mutations', 3]], [7, ['faults', 'rule-1']]];
  for (const [seed, stream] of cases) {
    const faker = new Faker({ locale: [en] });
    faker.seed(stream.length === 0 ? seed : [seed, ...stream.map((p) => (typeof p === 'number' ? p : fnv(p)))]);
    const r = createRandom(seed, ...stream);
    let mismatch = '';
    for (let i = 0; i < 20_000 && !mismatch; i++) {
      const [expected, actual] = i % 4 === 0 ? [faker.string.uuid(), r.uuid()] : [faker.number.float(), r.float()];
      if (expected !== actual) mismatch = `draw ${i}: faker ${expected}, ours ${actual}`;
    }
    t.equal(mismatch, '', `seed ${seed} ${stream.join('/')}`);
  }
});

t.test('the time formats match what Date gives, across years and around midnight', async (t) => {
  const pad = (n: number) => String(n).padStart(2, '0');
  const r = createRandom(1, 'time-format');
  const epochs = [0, 59, 60, 3599, 3600, 86_399, 86_400, 951_782_400, 1_753_999_999, 1_754_006_400];
  for (let i = 0; i < 5_000; i++) epochs.push(Math.floor(r.float() * 4_102_444_800));
  const wrong: string[] = [];
  for (const e of epochs) {
    const d = new Date(e * 1000);
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const time = `${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    if (formatDateTime(e) !== `${date} ${pad(d.getUTCHours())}:${time}`) wrong.push(`datetime ${e}`);
    if (formatLooseDateTime(e) !== `${date} ${d.getUTCHours()}:${time}`) wrong.push(`loose ${e}`);
  }
  t.same(wrong, []);
});

t.test('studentJson, and the stored values expanded again, are JSON.stringify, byte for byte, for generated and advanced records', async (t) => {
  const r = createRandom(5, 'advance');
  let compared = 0;
  const wrong: string[] = [];
  for (const record of generateStudents(9, 3_000)) {
    const later = advanceStudent(record, r, record.last_updated_epoch + 1_000);
    for (const x of [record, later]) {
      compared++;
      if (studentJson(x) !== JSON.stringify(x)) wrong.push(x.record_id);
      const values = studentValuesJson(x);
      if (values !== JSON.stringify(Object.values(x))) wrong.push(`values of ${x.record_id}`);
      if (studentJsonFromValues(values) !== JSON.stringify(x)) wrong.push(`expanded ${x.record_id}`);
    }
  }
  t.equal(compared, 6_000);
  t.same(wrong, []);
});

t.test('uuid() takes UUID_DRAWS draws, so a lane can skip a record without making its UUID', async (t) => {
  const a = createRandom(3, 'uuid-draws');
  const b = createRandom(3, 'uuid-draws');
  a.uuid();
  for (let d = 0; d < UUID_DRAWS; d++) b.float();
  t.equal(a.float(), b.float());
});

t.test('lanes of the parallel build hold exactly the records of the sequential build, in turn', async (t) => {
  const all = [...generateStudents(42, 1_050)].map((r) => JSON.stringify(r));
  for (const lanes of [1, 2, 3]) {
    const got = Array.from({ length: lanes }, (_, lane) => [...generateStudentLane(42, 1_050, 100, lane, lanes)].map((r) => JSON.stringify(r)));
    const merged: string[] = [];
    for (let c = 0; c * 100 < 1_050; c++) merged.push(...got[c % lanes]!.slice(Math.floor(c / lanes) * 100, Math.floor(c / lanes) * 100 + 100));
    t.equal(merged.length, all.length, `${lanes} lanes: every record once`);
    t.ok(merged.every((json, i) => json === all[i]), `${lanes} lanes: same records in the same order`);
  }
});
