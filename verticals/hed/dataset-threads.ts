import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Shared-memory layout between the store (which inserts) and a dataset worker (which
 * generates and serializes one lane of chunks): a ring of slots, each holding one chunk of
 * up to ROWS_PER_SLOT records as ASCII bytes. Both sides block on Atomics, so the store's
 * build stays synchronous.
 */
export const SLOTS = 4;
export const ROWS_PER_SLOT = 2_000;
/** A record's values are about 230 bytes; a slot holds every record at up to 512. */
export const SLOT_BYTES = ROWS_PER_SLOT * 512;
export const CONTROL_INTS = 4;
const ERROR_BYTES = 2_048;

/** Slot states in control[slot * CONTROL_INTS]. */
export const SLOT = { empty: 0, full: 1, failed: 3 } as const;

export interface SharedRing {
  /** Per slot: state, record count. */
  control: Int32Array;
  /** Per slot: last_updated_epoch of its last record. */
  lastEpochs: Float64Array;
  /** Per slot and row: byte length of the record. */
  lengths: Int32Array;
  data: Buffer;
  /** A failure message from the worker, NUL-padded. */
  error: Buffer;
}

/** The views over one SharedArrayBuffer, laid out the same way on both sides. */
export function ringViews(shared: SharedArrayBuffer): SharedRing {
  let at = 0;
  const take = (bytes: number) => {
    const start = at;
    at += bytes;
    return start;
  };
  return {
    control: new Int32Array(shared, take(SLOTS * CONTROL_INTS * 4), SLOTS * CONTROL_INTS),
    lastEpochs: new Float64Array(shared, take(SLOTS * 8), SLOTS),
    lengths: new Int32Array(shared, take(SLOTS * ROWS_PER_SLOT * 4), SLOTS * ROWS_PER_SLOT),
    data: Buffer.from(shared, take(SLOTS * SLOT_BYTES), SLOTS * SLOT_BYTES),
    error: Buffer.from(shared, take(ERROR_BYTES), ERROR_BYTES),
  };
}

export const RING_BYTES = SLOTS * CONTROL_INTS * 4 + SLOTS * 8 + SLOTS * ROWS_PER_SLOT * 4 + SLOTS * SLOT_BYTES + ERROR_BYTES;

/** The worker could not start or stopped making progress; the caller builds on its own thread. */
export class DatasetWorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetWorkerError';
  }
}

/** One slot of records: byte views valid until the next batch is asked for. */
export interface JsonBatch {
  rows: (string | Buffer)[];
  lastEpoch: number;
}

const WORKER_FILE = new URL('./dataset-worker.js', import.meta.url);

export interface WorkerOptions {
  /** Give up when no slot arrives for this long. */
  stallMs?: number;
  /** The compiled worker script; tests running the TypeScript sources point at dist/. */
  workerFile?: URL;
}

/**
 * The initial dataset's records in their stored form (studentValuesJson) as bytes,
 * written on `lanes` worker threads by the fast writer (chunk c of ROWS_PER_SLOT records
 * on lane c % lanes, see laneChunks in ./fast-writer.ts) while the caller inserts.
 * Records come in the order of generateStudents. Throws
 * DatasetWorkerError (before yielding anything where it can) when the worker file is
 * missing, a worker fails, or none makes progress for `stallMs`.
 *
 * @example
 * for (const batch of studentValuesInWorkers(42, 1_000_000, 2)) insert(batch.rows)
 */
export function* studentValuesInWorkers(seed: number, students: number, lanes: number, options: WorkerOptions = {}): Generator<JsonBatch> {
  const { stallMs = 30_000, workerFile = WORKER_FILE } = options;
  if (!existsSync(fileURLToPath(workerFile))) throw new DatasetWorkerError(`The dataset worker ${fileURLToPath(workerFile)} is missing.`);
  const rings: SharedRing[] = [];
  const workers: Worker[] = [];
  try {
    for (let lane = 0; lane < lanes; lane++) {
      const shared = new SharedArrayBuffer(RING_BYTES);
      rings.push(ringViews(shared));
      const worker = new Worker(workerFile, { workerData: { shared, seed, students, lane, lanes } });
      worker.unref();
      // Its failures are reported through the ring; this only keeps them from being unhandled.
      worker.on('error', () => undefined);
      workers.push(worker);
    }
    const chunks = Math.ceil(students / ROWS_PER_SLOT);
    for (let c = 0; c < chunks; c++) {
      const ring = rings[c % lanes]!;
      const slot = Math.floor(c / lanes) % SLOTS;
      const at = slot * CONTROL_INTS;
      while (Atomics.load(ring.control, at) === SLOT.empty) {
        if (Atomics.wait(ring.control, at, SLOT.empty, stallMs) === 'timed-out') {
          throw new DatasetWorkerError(`The dataset worker of lane ${c % lanes} made no progress for ${stallMs} ms.`);
        }
      }
      if (Atomics.load(ring.control, at) === SLOT.failed) {
        throw new DatasetWorkerError(`The dataset worker failed: ${ring.error.toString('utf8').replace(/\0+$/, '')}`);
      }
      const count = ring.control[at + 1]!;
      const rows = new Array<Buffer>(count);
      let offset = slot * SLOT_BYTES;
      for (let r = 0; r < count; r++) {
        const length = ring.lengths[slot * ROWS_PER_SLOT + r]!;
        rows[r] = ring.data.subarray(offset, offset + length);
        offset += length;
      }
      yield { rows, lastEpoch: ring.lastEpochs[slot]! };
      Atomics.store(ring.control, at, SLOT.empty);
      Atomics.notify(ring.control, at);
    }
  } finally {
    for (const worker of workers) void worker.terminate();
  }
}
