import t from 'tap';
import { Faker, en, generateMersenne53Randomizer } from '@faker-js/faker';
import { createRandom, Mersenne53, UUID_DRAWS } from '../../../verticals/hed/random.js';
import { laneChunks, MAX_STUDENT_VALUES_BYTES, studentValuesWriter } from '../../../verticals/hed/fast-writer.js';
import { formatDateTime, formatLooseDateTime } from '../../../verticals/hed/time-format.js';
import { advanceStudent, generateStudents, studentJson, studentJsonFromValues, studentValuesJson } from '../../../verticals/hed/dataset.js';

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

t.test('Mersenne53 draws what faker\'s randomizer draws, also after nibble() and discard()', async (t) => {
  for (const seed of [42, 0, 7, 123, 2 ** 32 - 1, 2 ** 32 + 5, -3]) {
    const faker = generateMersenne53Randomizer();
    faker.seed(seed);
    const ours = new Mersenne53(seed);
    let mismatch = '';
    // Runs of each kind, long enough to cross the state's 624-word refills.
    for (let i = 0; i < 30_000 && !mismatch; i++) {
      const kind = Math.floor(i / 97) % 3;
      if (kind === 0) {
        const [expected, actual] = [faker.next(), ours.float()];
        if (expected !== actual) mismatch = `draw ${i}: faker ${expected}, ours ${actual}`;
      } else if (kind === 1) {
        const [expected, actual] = [Math.floor(faker.next() * 16), ours.nibble()];
        if (expected !== actual) mismatch = `nibble ${i}: faker ${expected}, ours ${actual}`;
      } else if (i % 97 === 0) {
        const n = 1 + (i % 700);
        for (let d = 0; d < n; d++) faker.next();
        ours.discard(n);
      }
    }
    t.equal(mismatch, '', `seed ${seed}`);
  }
});

/** The fast writer's records as strings, with each record's last epoch. */
function written(writer: ReturnType<typeof studentValuesWriter>, count: number): { json: string; epoch: number }[] {
  const out = Buffer.alloc(MAX_STUDENT_VALUES_BYTES);
  return Array.from({ length: count }, () => {
    const end = writer.write(out, 0);
    return { json: out.toString('latin1', 0, end), epoch: writer.lastEpoch };
  });
}

t.test('the fast writer writes studentValuesJson of drawStudent\'s records, byte for byte, and their epochs', async (t) => {
  for (const [seed, count] of [[42, 3_001], [7, 2_599], [123, 1_234], [2 ** 31 + 11, 777]] as const) {
    const expected = [...generateStudents(seed, count)];
    const got = written(studentValuesWriter(seed), count);
    const wrong = expected.flatMap((record, i) => (studentValuesJson(record) === got[i]!.json && record.last_updated_epoch === got[i]!.epoch ? [] : [i]));
    t.same(wrong.slice(0, 5), [], `seed ${seed}, ${count} records`);
  }
});

t.test('skip() passes over a record exactly, so records after 100,000 (wider student numbers) come out right', async (t) => {
  const expected = [...generateStudents(9, 100_006)].slice(99_990);
  const writer = studentValuesWriter(9);
  for (let i = 0; i < 99_990; i++) writer.skip();
  t.equal(writer.index, 99_990);
  t.equal(writer.lastEpoch, [...generateStudents(9, 99_990)].pop()!.last_updated_epoch);
  const got = written(writer, 16).map((w) => w.json);
  t.same(got, expected.map(studentValuesJson));
  t.match(got.at(-1), /"STU_2024100005"/);
});

t.test('lanes of the parallel build hold exactly the records of the sequential build, in turn', async (t) => {
  const count = 2_050;
  const all = [...generateStudents(42, count)].map(studentValuesJson);
  for (const [lanes, chunkRows] of [[1, 250], [2, 100], [3, 300]] as const) {
    const chunks: string[][] = [];
    for (let lane = 0; lane < lanes; lane++) {
      const writer = studentValuesWriter(42);
      for (const { chunk, size } of laneChunks(writer, count, chunkRows, lane, lanes)) chunks[chunk] = written(writer, size).map((w) => w.json);
    }
    const merged = chunks.flat();
    t.equal(merged.length, all.length, `${lanes} lanes of ${chunkRows}: every record once`);
    const wrong = all.flatMap((json, i) => (merged[i] === json ? [] : [i]));
    t.same(wrong.slice(0, 5), [], `${lanes} lanes of ${chunkRows}: same records in the same order`);
  }
});

t.test('a lane that writes more or fewer records than its chunk holds is stopped', async (t) => {
  const writer = studentValuesWriter(42);
  const chunks = laneChunks(writer, 1_000, 100, 0, 2);
  chunks.next();
  written(writer, 99);
  t.throws(() => chunks.next(), /ends at record 99, not 100/);
});
