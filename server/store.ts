import { availableParallelism } from 'node:os';
import Database from 'better-sqlite3';

import { advanceStudent, drawStudent, studentJsonFromValues, studentValuesJson } from '../verticals/hed/dataset.js';
import { MAX_STUDENT_VALUES_BYTES, studentValuesWriter } from '../verticals/hed/fast-writer.js';
import { createRandom, randomInt, type Random } from '../verticals/hed/random.js';
import { DatasetWorkerError, studentValuesInWorkers, type JsonBatch } from '../verticals/hed/dataset-threads.js';
import type { SequencedRow } from './paging/paging.js';
import type { HedRecord } from '../api/record.js';
import type { MutationResult } from '../api/admin.js';

/**
 * Bump when the generator's output or the stored form of a record changes, so a `--db`
 * file built by an older one is rebuilt. 2: records are stored as their values only.
 * 3: the hosted API's formats, twelve standings and headline figures (issue 9).
 * 4: the lab dashboard's GPA histogram and the same engagement spread in every standing (issue 21).
 */
export const GENERATOR_VERSION = 4;
// Rows per insert statement. The build binds each record as a view of the worker's
// bytes (no string per row), so a larger statement only amortizes the call: 1,000 took
// 15% less CPU than 250 over a million rows.
const INSERT_BATCH_ROWS = 1_000;
/** From this size on the dataset is generated on worker threads while this one inserts. */
const WORKER_MIN_STUDENTS = 50_000;
/**
 * Generating threads, beside this one inserting. A lane writes its own chunks and passes
 * over the others' draws, so on two cores one lane (a million records: the worker ~3 s
 * CPU, this thread ~1.5 s) finishes about as soon as two (~2 s each plus this thread's,
 * sharing two cores) with 15% less CPU (4.6–4.8 s against 5.4–5.6 s), and sooner when the
 * cores are shared; a second lane pays off only with a third core.
 */
const BUILD_LANES = Math.max(1, Math.min(2, availableParallelism() - 1));

export interface StoreOptions {
  seed: number;
  students: number;
  /** SQLite file; omitted or ':memory:' keeps everything in memory. */
  path?: string;
  /** Told in one line when an existing file is rebuilt because it was built otherwise. */
  log?: (line: string) => void;
}

export interface RecordStore {
  readonly seed: number;
  readonly students: number;
  /** Increases on every change of the data: a key for caches of serialized pages. */
  readonly version: number;
  /** Up to `limit` rows strictly after `position`, in change-sequence order. */
  rowsAfter(position: number, limit: number): SequencedRow[];
  count(): number;
  /** The highest change sequence in use (0 when empty). */
  maxPosition(): number;
  /** Every record's JSON, in change-sequence order, read lazily. */
  iterateJson(): IterableIterator<string>;
  /** The initial dataset again; mutation batches start over. */
  reset(): void;
  /** Seeded, deterministic changes: each changed record moves after every existing position. */
  mutate(update: number, create: number): MutationResult;
  /** Mutation batches applied since the dataset was built or reset (kept in the file with --db). */
  batches(): number;
  /** The SQLite handle, for tables kept beside the dataset (server/vertical-log.ts). */
  readonly database: Database.Database;
  close(): void;
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** A mutation the current dataset cannot take (more updates than records): 409 conflict, not bad input. */
export class MutationConflictError extends StoreError {
  constructor(message: string) {
    super(message);
    this.name = 'MutationConflictError';
  }
}

/**
 * The dataset in better-sqlite3. The change sequence is the rowid, so a page is a range
 * scan of the table itself. With a file, the data (mutations included) survives restarts
 * and is rebuilt only when seed, student count or generator differ.
 *
 * @example
 * const store = createStore({ seed: 42, students: 600 });
 * store.rowsAfter(0, 100).length // 100
 */
export function createStore(options: StoreOptions): RecordStore {
  const { seed, students } = options;
  const db = new Database(options.path ?? ':memory:');
  const inMemory = options.path === undefined || options.path === ':memory:';
  db.pragma('page_size = 65536');
  db.pragma(inMemory ? 'journal_mode = MEMORY' : 'journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // records.json holds a record's values as a JSON array (studentValuesJson); reads put
  // the keys back (studentJsonFromValues).
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY, idx INTEGER NOT NULL, json TEXT NOT NULL);
  `);

  const sql = {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    rowsAfter: db.prepare<[number, number], SequencedRow>('SELECT seq, json FROM records WHERE seq > ? ORDER BY seq LIMIT ?'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM records'),
    maxSeq: db.prepare<[], { m: number | null }>('SELECT max(seq) AS m FROM records'),
    all: db.prepare<[], { json: string }>('SELECT json FROM records ORDER BY seq'),
    byIdx: db.prepare<[number], { seq: number; json: string }>('SELECT seq, json FROM records WHERE idx = ?'),
    move: db.prepare<[number, string, number]>('UPDATE records SET seq = ?, json = ? WHERE idx = ?'),
    // CAST: the build may bind a record as bytes (from the dataset worker); it is stored as text.
    insertOne: db.prepare<[number, number, string | Buffer]>('INSERT INTO records (seq, idx, json) VALUES (?, ?, CAST(? AS TEXT))'),
    insertBatch: db.prepare(`INSERT INTO records (seq, idx, json) VALUES ${Array(INSERT_BATCH_ROWS).fill('(?, ?, CAST(? AS TEXT))').join(', ')}`),
  };
  const fingerprint = JSON.stringify({ seed, students, generator: GENERATOR_VERSION });

  let version = 0;
  let count = 0;
  let maxSeq = 0;
  const meta = {
    get: (key: string, fallback: number) => Number(sql.getMeta.get(key)?.value ?? fallback),
    set: (key: string, value: number | string) => sql.setMeta.run(key, String(value)),
  };

  // Rows arrive in batches whose buffers may be reused once the next batch is asked for,
  // so every batch is fully inserted before moving on.
  const load = db.transaction((batches: Iterable<JsonBatch>) => {
    db.exec('DROP INDEX IF EXISTS records_by_idx; DELETE FROM records;');
    const params: (number | string | Buffer)[] = [];
    let i = 0;
    let lastEpoch = 0;
    for (const batch of batches) {
      for (const json of batch.rows) {
        i += 1;
        params.push(i, i - 1, json);
        if (params.length === INSERT_BATCH_ROWS * 3) {
          sql.insertBatch.run(params);
          params.length = 0;
        }
      }
      for (let p = 0; p < params.length; p += 3) sql.insertOne.run(params[p] as number, params[p + 1] as number, params[p + 2] as string);
      params.length = 0;
      if (batch.rows.length > 0) lastEpoch = batch.lastEpoch;
    }
    if (i !== students) throw new StoreError(`The dataset build produced ${i} records instead of ${students}; start again.`);
    // The index by idx serves only mutations; it is built by the first one (a tenth of
    // a million-record build), so a server that is only read starts sooner.
    meta.set('fingerprint', fingerprint);
    meta.set('batches', 0);
    meta.set('clock', lastEpoch);
  });

  const build = () => {
    if (students >= WORKER_MIN_STUDENTS) {
      try {
        return load(studentValuesInWorkers(seed, students, BUILD_LANES));
      } catch (err) {
        // The transaction rolled back; build again on this thread.
        if (!(err instanceof DatasetWorkerError)) throw err;
      }
    }
    return load(studentValuesHere(seed, students));
  };

  const refreshCounters = () => {
    count = sql.count.get()!.n;
    maxSeq = sql.maxSeq.get()!.m ?? 0;
    version += 1;
  };

  const stored = sql.getMeta.get('fingerprint')?.value;
  if (stored !== fingerprint) {
    const notice = rebuildNotice(options.path ?? ':memory:', stored, fingerprint);
    if (notice !== undefined) options.log?.(notice);
    build();
  }
  refreshCounters();

  const mutate = db.transaction((update: number, create: number): MutationResult => {
    db.exec('CREATE UNIQUE INDEX IF NOT EXISTS records_by_idx ON records (idx)');
    if (update > count) {
      throw new MutationConflictError(`Cannot update ${update} records: the dataset holds ${count}. Ask for at most ${count}, or create some first.`);
    }
    const batch = meta.get('batches', 0) + 1;
    const r = createRandom(seed, 'mutations', batch);
    let clock = meta.get('clock', 0);
    const tick = () => (clock += 1 + randomInt(r, 0, 4));
    const updated: string[] = [];
    const created: string[] = [];

    for (const idx of sampleDistinct(r, count, update)) {
      const row = sql.byIdx.get(idx);
      if (!row) throw new StoreError(`Record index ${idx} is missing from the store; reset the dataset.`);
      const next = advanceStudent(JSON.parse(studentJsonFromValues(row.json)) as HedRecord, r, tick());
      sql.move.run(++maxSeq, studentValuesJson(next), idx);
      updated.push(next.record_id);
    }
    for (let j = 0; j < create; j++) {
      const idx = count + j;
      const record = drawStudent(r, idx, tick());
      sql.insertOne.run(++maxSeq, idx, studentValuesJson(record));
      created.push(record.record_id);
    }
    meta.set('batches', batch);
    meta.set('clock', clock);
    count += create;
    version += 1;
    return { batch, record_ids: [...updated, ...created], updated, created };
  });

  return {
    seed,
    students,
    get version() {
      return version;
    },
    rowsAfter: (position, limit) => {
      const rows = sql.rowsAfter.all(position, limit);
      for (const row of rows) row.json = studentJsonFromValues(row.json);
      return rows;
    },
    count: () => count,
    maxPosition: () => maxSeq,
    iterateJson: function* () {
      for (const row of sql.all.iterate()) yield studentJsonFromValues((row as { json: string }).json);
    },
    reset() {
      build();
      refreshCounters();
    },
    mutate: (update, create) => mutate(update, create),
    batches: () => meta.get('batches', 0),
    database: db,
    close: () => db.close(),
  };
}

/**
 * What to say when a store file holds a dataset other than the one asked for (another
 * seed, student count or generator version), or nothing when the file is new.
 *
 * @example
 * rebuildNotice('hed.db', '{"seed":42,"students":600,"generator":2}', '{"seed":42,"students":600,"generator":3}')
 * // 'Rebuilding the dataset in hed.db: it holds seed 42, 600 students, generator 2; wanted seed 42, 600 students, generator 3.'
 */
export function rebuildNotice(path: string, stored: string | undefined, wanted: string): string | undefined {
  if (stored === undefined) return undefined;
  const describe = (fingerprint: string) => {
    try {
      const f = JSON.parse(fingerprint) as { seed?: unknown; students?: unknown; generator?: unknown };
      return `seed ${String(f.seed)}, ${String(f.students)} students, generator ${String(f.generator)}`;
    } catch {
      return `an unreadable fingerprint (${fingerprint})`;
    }
  };
  return `Rebuilding the dataset in ${path}: it holds ${describe(stored)}; wanted ${describe(wanted)}.`;
}

/** The initial dataset's stored values on this thread, in batches like the workers' (bytes reused from batch to batch). */
function* studentValuesHere(seed: number, students: number): Generator<JsonBatch> {
  const writer = studentValuesWriter(seed);
  const buffer = Buffer.allocUnsafe(INSERT_BATCH_ROWS * MAX_STUDENT_VALUES_BYTES);
  while (writer.index < students) {
    const size = Math.min(INSERT_BATCH_ROWS, students - writer.index);
    const rows = new Array<Buffer>(size);
    let offset = 0;
    for (let row = 0; row < size; row++) {
      const end = writer.write(buffer, offset);
      rows[row] = buffer.subarray(offset, end);
      offset = end;
    }
    yield { rows, lastEpoch: writer.lastEpoch };
  }
}

/** `k` distinct integers from [0, n) in a seeded order (Floyd's algorithm: O(k) memory). */
export function sampleDistinct(r: Random, n: number, k: number): number[] {
  const chosen = new Set<number>();
  const order: number[] = [];
  for (let j = n - k; j < n; j++) {
    const t = randomInt(r, 0, j);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    order.push(pick);
  }
  return order;
}

