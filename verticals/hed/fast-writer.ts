import {
  ADVISORS, atRiskChance, DATASET_START_EPOCH, ENGAGEMENT_RANGE, ENROLLMENT_DAYS, ENROLLMENT_FROM, gpaHundredthsAt,
  LOGIN_TO, MAJOR_CODES, PLACEMENT_BLOCK, SECONDS_PER_RECORD,
} from './parameters.js';
import { PAIRS, putWhole } from '../digits.js';
import { Mersenne53, UUID_DRAWS, X_SLOTS, Y_SLOT } from './mersenne.js';
import { standingFor } from './standing.js';
import { formatLooseDateTime } from './time-format.js';

// This module and what it imports load neither faker nor TypeBox: a dataset worker
// starts in a few milliseconds instead of half a second.

/**
 * The initial dataset's records as bytes, without making them: generateStudents and
 * studentValuesJson in one pass that writes each record's values (its stored form) as
 * ASCII straight into a buffer. It draws the same numbers in the same order from the
 * same Mersenne Twister, does the same floating-point arithmetic, and writes the digits
 * String(n) would: no record object, no strings, no Date. A million records take about
 * 3 s of CPU instead of 7.5 (generateStudents + studentValuesJson). drawStudent and generateStudents stay the reference (and
 * serve mutations); test/verticals/hed/fast-paths.test.ts holds the two side by side, so
 * a change to drawStudent that is not made here too fails there.
 */
export interface StudentValuesWriter {
  /** The index of the next record (how many were written or skipped). */
  readonly index: number;
  /** last_updated_epoch of the last record written or skipped. */
  readonly lastEpoch: number;
  /**
   * Writes the next record's studentValuesJson at `at` and returns where it ends.
   * `out` needs MAX_STUDENT_VALUES_BYTES from `at`.
   */
  write(out: Uint8Array, at: number): number;
  /** Passes over the next record: the same draws as write, nothing written. */
  skip(): void;
}

/** No record's values are longer (they are about 226 bytes; the longest parts are bounded). */
export const MAX_STUDENT_VALUES_BYTES = 320;

const code = (c: string) => c.charCodeAt(0);
const bytes = (text: string) => Uint8Array.from(text, code);
const QUOTE = code('"');
const COMMA = code(',');
const COLON = code(':');
const SPACE = code(' ');
const DOT = code('.');
const ZERO = code('0');
const HEX = bytes('0123456789abcdef');
const DASH = code('-');
const FOUR = code('4');
/** '["' then the UUID's slots: where each of its 30 random hex digits goes. */
const UUID_SLOTS = Int32Array.from(X_SLOTS);
const TRUE = bytes('true');
const FALSE = bytes('false');

/** `","` + the standing + `",` by GPA hundredths (standingFor of k / 100, so the bands are the reference's). */
const STANDING_BY_GPA: Uint8Array[] = Array.from({ length: 401 }, (_, k) => bytes(`"${standingFor(k / 100)}",`));
/** `"PHIL","ADV_` etc.: the major's part of a record with the advisor's prefix. */
const MAJOR_PARTS: Uint8Array[] = MAJOR_CODES.map((m) => bytes(`"${m}","ADV_`));
/** `"2024-08-11 0:00:00","` for each enrollment day. */
const ENROLLMENT_PARTS: Uint8Array[] = Array.from({ length: ENROLLMENT_DAYS + 1 }, (_, d) => bytes(`"${formatLooseDateTime(ENROLLMENT_FROM + d * 86_400)}",`));
const STUDENT_PREFIX = bytes('","STU_2024');

function copy(out: Uint8Array, p: number, part: Uint8Array): number {
  for (let i = 0; i < part.length; i++) out[p + i] = part[i]!;
  return p + part.length;
}

/** k / 10 as String writes it for a whole k >= 0: "12.3", "100", "0.5". */
function putTenths(out: Uint8Array, p: number, k: number): number {
  const whole = Math.floor(k / 10);
  const tenth = k - whole * 10;
  p = putWhole(out, p, whole);
  if (tenth === 0) return p;
  out[p] = DOT;
  out[p + 1] = ZERO + tenth;
  return p + 2;
}

/** k / 100 as String writes it for a whole k >= 0: "3.06", "3.1", "3", "0.05". */
function putHundredths(out: Uint8Array, p: number, k: number): number {
  const whole = Math.floor(k / 100);
  const fraction = k - whole * 100;
  p = putWhole(out, p, whole);
  if (fraction === 0) return p;
  out[p++] = DOT;
  const tenth = (fraction / 10) | 0;
  out[p++] = ZERO + tenth;
  const hundredth = fraction - tenth * 10;
  if (hundredth !== 0) out[p++] = ZERO + hundredth;
  return p;
}

// "2025-07-27" by day number (days since 1970-01-01), from Date as formatDateTime's are;
// a dataset spans a few hundred days.
const dayCache = new Map<number, Uint8Array>();
function dayBytes(day: number): Uint8Array {
  let text = dayCache.get(day);
  if (text === undefined) {
    text = bytes(formatLooseDateTime(day * 86_400).slice(0, 10));
    if (dayCache.size >= 4_096) dayCache.clear();
    dayCache.set(day, text);
  }
  return text;
}

/** formatDateTime(seconds) (whole seconds) without its quotes. */
function putDateTime(out: Uint8Array, p: number, seconds: number): number {
  const day = Math.floor(seconds / 86_400);
  const date = dayBytes(day);
  for (let i = 0; i < 10; i++) out[p + i] = date[i]!;
  const ofDay = seconds - day * 86_400;
  const hour = Math.floor(ofDay / 3600);
  const minute = Math.floor((ofDay - hour * 3600) / 60);
  const second = ofDay - hour * 3600 - minute * 60;
  out[p + 10] = SPACE;
  out[p + 11] = PAIRS[2 * hour]!;
  out[p + 12] = PAIRS[2 * hour + 1]!;
  out[p + 13] = COLON;
  out[p + 14] = PAIRS[2 * minute]!;
  out[p + 15] = PAIRS[2 * minute + 1]!;
  out[p + 16] = COLON;
  out[p + 17] = PAIRS[2 * second]!;
  out[p + 18] = PAIRS[2 * second + 1]!;
  return p + 19;
}

/**
 * A writer of the initial dataset of `seed` from record 0 on: record i is what
 * studentValuesJson(generateStudents(seed, n)[i]) is, for any n.
 *
 * @example
 * const w = studentValuesWriter(42); const end = w.write(buffer, 0);
 * buffer.toString('latin1', 0, end) === studentValuesJson(first record of generateStudents(42, 1)) // true
 */
export function studentValuesWriter(seed: number): StudentValuesWriter {
  const mt = new Mersenne53(seed);
  const gpaOrder = new Uint8Array(PLACEMENT_BLOCK);
  const engagementOrder = new Uint8Array(PLACEMENT_BLOCK);
  let slot = PLACEMENT_BLOCK;
  let index = 0;
  let lastEpoch = 0;
  let placementGpa = 0;
  let placementEngagement = 0;

  const shuffle = (order: Uint8Array) => {
    for (let k = 0; k < PLACEMENT_BLOCK; k++) order[k] = k;
    for (let k = PLACEMENT_BLOCK - 1; k > 0; k--) {
      const j = Math.floor(mt.float() * (k + 1));
      const kept = order[k]!;
      order[k] = order[j]!;
      order[j] = kept;
    }
  };

  // What generateStudents draws before drawStudent: the record's epoch and placement.
  const begin = () => {
    lastEpoch = DATASET_START_EPOCH + index * SECONDS_PER_RECORD + Math.floor(mt.float() * SECONDS_PER_RECORD);
    if (slot === PLACEMENT_BLOCK) {
      shuffle(gpaOrder);
      shuffle(engagementOrder);
      slot = 0;
    }
    placementGpa = (gpaOrder[slot]! + mt.float()) / PLACEMENT_BLOCK;
    placementEngagement = (engagementOrder[slot]! + mt.float()) / PLACEMENT_BLOCK;
    slot += 1;
  };

  // randomNormal(r, mean, sd, min, max) of ./random.ts, the same arithmetic.
  const normal = (mean: number, sd: number, min: number, max: number) => {
    const u = 1 - mt.float();
    const v = mt.float();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.min(max, Math.max(min, mean + z * sd));
  };

  return {
    get index() {
      return index;
    },
    get lastEpoch() {
      return lastEpoch;
    },

    skip() {
      begin();
      // drawStudent's draws without their values but one, which decides whether the aid
      // amount is drawn. First the UUID, at risk, completion (2), attempted, login, plagiarism.
      mt.discard(UUID_DRAWS + 6);
      const aidDraw = mt.float();
      // Enrollment, major, advisor; the aid amount above the zero share; five normals
      // (views, submissions, posts, two scores) and the interventions.
      mt.discard(aidDraw < 0.22 ? 14 : 15);
      index += 1;
    },

    write(out, p) {
      begin();
      // drawStudent, in its order of draws. The UUID first, written in place.
      out[p] = code('[');
      out[p + 1] = QUOTE;
      const u = p + 2;
      out[u + 8] = out[u + 13] = out[u + 18] = out[u + 23] = DASH;
      out[u + 14] = FOUR;
      for (let i = 0; i < 30; i++) out[u + UUID_SLOTS[i]!] = HEX[mt.nibble()]!;
      out[u + Y_SLOT] = HEX[Math.floor(mt.float() * 4 + 8)]!;
      const gpaK = gpaHundredthsAt(placementGpa);
      const gpa = gpaK / 100;
      const engagementK = Math.round((ENGAGEMENT_RANGE[0] + placementEngagement * (ENGAGEMENT_RANGE[1] - ENGAGEMENT_RANGE[0])) * 10);
      const engagement = engagementK / 10;
      const atRisk = mt.float() < atRiskChance(gpa, engagement);
      const completionK = Math.round((atRisk ? normal(0.49, 0.16, 0.05, 1) : normal(0.731, 0.14, 0.2, 1)) * 100);
      const completion = completionK / 100;
      const attempted = (4 + Math.floor(mt.float() * 7)) * 3;
      const earned = Math.min(attempted, Math.round(attempted * completion));
      const loginAgoDays = atRisk ? mt.float() * 40 : mt.float() * 10;
      const plagiarismDraw = mt.float();
      const aidDraw = mt.float();
      const enrollmentDay = Math.floor(mt.float() * (ENROLLMENT_DAYS + 1));
      const major = Math.floor(mt.float() * MAJOR_CODES.length);
      const advisor = 1000 + Math.floor(mt.float() * ADVISORS);
      const aidK = aidDraw < 0.22 ? 0 : Math.round((500 + mt.float() * 24_500) * 100);
      const views = Math.max(0, Math.round(engagement * 6 + normal(0, 40, -Infinity, Infinity)));
      const submissions = Math.max(0, Math.round(completion * 40 + normal(0, 3, -Infinity, Infinity)));
      const posts = Math.max(0, Math.round(engagement / 4 + normal(0, 4, -Infinity, Infinity)));
      const scoreK = Math.round(normal(45 + gpa * 12, 6, 0, 100) * 10);
      const writingK = Math.round(normal(50 + gpa * 9, 9, 0, 100) * 10);
      const interventions = atRisk ? 1 + Math.floor(mt.float() * 5) : mt.float() < 0.15 ? 1 : 0;

      p = u + 36;
      p = copy(out, p, STUDENT_PREFIX);
      if (index < 100_000) {
        const n = (index * 7919 + 12_345) % 100_000;
        const high = (n / 1000) | 0;
        const low = n - high * 1000;
        const mid = (low / 10) | 0;
        out[p] = ZERO + ((high / 10) | 0);
        out[p + 1] = ZERO + (high % 10);
        out[p + 2] = PAIRS[2 * mid]!;
        out[p + 3] = PAIRS[2 * mid + 1]!;
        out[p + 4] = ZERO + (low - mid * 10);
        p += 5;
      } else p = putWhole(out, p, index);
      out[p++] = QUOTE;
      out[p++] = COMMA;
      p = copy(out, p, ENROLLMENT_PARTS[enrollmentDay]!);
      p = copy(out, p, STANDING_BY_GPA[gpaK]!);
      p = putHundredths(out, p, gpaK);
      out[p++] = COMMA;
      p = putWhole(out, p, attempted);
      out[p++] = COMMA;
      p = putWhole(out, p, earned);
      out[p++] = COMMA;
      p = copy(out, p, MAJOR_PARTS[major]!);
      p = putWhole(out, p, advisor);
      out[p++] = QUOTE;
      out[p++] = COMMA;
      p = putHundredths(out, p, aidK);
      out[p++] = COMMA;
      out[p++] = QUOTE;
      p = putDateTime(out, p, LOGIN_TO - Math.floor(loginAgoDays * 86_400));
      out[p++] = QUOTE;
      out[p++] = COMMA;
      p = putWhole(out, p, views);
      out[p++] = COMMA;
      p = putWhole(out, p, submissions);
      out[p++] = COMMA;
      p = putWhole(out, p, posts);
      out[p++] = COMMA;
      p = putTenths(out, p, scoreK);
      out[p++] = COMMA;
      p = putHundredths(out, p, completionK);
      out[p++] = COMMA;
      out[p++] = ZERO + (plagiarismDraw < 0.93 ? 0 : plagiarismDraw < 0.985 ? 1 : 2);
      out[p++] = COMMA;
      p = putTenths(out, p, writingK);
      out[p++] = COMMA;
      p = putTenths(out, p, engagementK);
      out[p++] = COMMA;
      p = copy(out, p, atRisk ? TRUE : FALSE);
      out[p++] = COMMA;
      out[p++] = ZERO + interventions;
      out[p++] = COMMA;
      out[p++] = QUOTE;
      p = putDateTime(out, p, lastEpoch);
      out[p++] = QUOTE;
      out[p++] = COMMA;
      p = putWhole(out, p, lastEpoch);
      out[p++] = code(']');
      index += 1;
      return p;
    },
  };
}

/** One chunk of a lane: the writer stands at its first record; write `size` records. */
export interface LaneChunk {
  /** The chunk's number: its records are chunk * chunkRows onwards. */
  chunk: number;
  size: number;
}

/**
 * The chunks of one lane when `lanes` threads share the build of `students` records:
 * chunks of `chunkRows` go to lanes in turn (chunk c to lane c % lanes). The stream of
 * draws is sequential, so the writer passes over the other lanes' chunks (skip: the draws,
 * untempered, without the arithmetic) and stops at each of this lane's, for the caller to
 * write exactly `size` records.
 *
 * @example
 * for (const { size } of laneChunks(writer, 10, 2, 1, 2)) for (let i = 0; i < size; i++) end = writer.write(out, end) // records 2, 3, 6, 7
 */
export function* laneChunks(writer: StudentValuesWriter, students: number, chunkRows: number, lane: number, lanes: number): Generator<LaneChunk> {
  const chunks = Math.ceil(students / chunkRows);
  for (let c = 0; c < chunks; c++) {
    const size = Math.min(chunkRows, students - c * chunkRows);
    if (c % lanes !== lane) {
      for (let row = 0; row < size; row++) writer.skip();
      continue;
    }
    yield { chunk: c, size };
    if (writer.index !== c * chunkRows + size) throw new Error(`Chunk ${c} of lane ${lane} ends at record ${writer.index}, not ${c * chunkRows + size}.`);
  }
}
