/**
 * Worker thread of studentValuesInWorkers (verticals/hed/dataset-threads.ts): generates its lane of
 * the initial dataset and writes each chunk's stored values into its shared ring, one slot per
 * chunk, waiting while the store has not yet taken the slot it needs next.
 */
import { workerData } from 'node:worker_threads';
import { laneChunks, MAX_STUDENT_VALUES_BYTES, studentValuesWriter } from './fast-writer.js';
import { CONTROL_INTS, ringViews, ROWS_PER_SLOT, SLOT, SLOT_BYTES, SLOTS } from './dataset-threads.js';

const { shared, seed, students, lane, lanes } = workerData as { shared: SharedArrayBuffer; seed: number; students: number; lane: number; lanes: number };
const ring = ringViews(shared);

function produce(): void {
  // Every lane draws every record's numbers (the stream is sequential) but writes only
  // its own chunks: lane, lane + lanes, ...; the k-th of them goes to slot k % SLOTS.
  const writer = studentValuesWriter(seed);
  let k = 0;
  for (const { chunk: c, size } of laneChunks(writer, students, ROWS_PER_SLOT, lane, lanes)) {
    const slot = k % SLOTS;
    k += 1;
    const at = slot * CONTROL_INTS;
    while (Atomics.load(ring.control, at) !== SLOT.empty) Atomics.wait(ring.control, at, Atomics.load(ring.control, at));
    let offset = slot * SLOT_BYTES;
    const end = offset + SLOT_BYTES;
    for (let row = 0; row < size; row++) {
      // Records are ASCII and at most MAX_STUDENT_VALUES_BYTES long.
      if (offset + MAX_STUDENT_VALUES_BYTES > end) throw new Error(`Chunk ${c} does not fit in a slot of ${SLOT_BYTES} bytes.`);
      const next = writer.write(ring.data, offset);
      ring.lengths[slot * ROWS_PER_SLOT + row] = next - offset;
      offset = next;
    }
    ring.control[at + 1] = size;
    ring.lastEpochs[slot] = writer.lastEpoch;
    Atomics.store(ring.control, at, SLOT.full);
    Atomics.notify(ring.control, at);
  }
}

try {
  produce();
} catch (err) {
  ring.error.write(String(err instanceof Error ? err.message : err).slice(0, ring.error.length));
  for (let slot = 0; slot < SLOTS; slot++) {
    Atomics.store(ring.control, slot * CONTROL_INTS, SLOT.failed);
    Atomics.notify(ring.control, slot * CONTROL_INTS);
  }
}
