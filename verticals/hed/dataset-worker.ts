/**
 * Worker thread of studentValuesInWorkers (verticals/hed/dataset-threads.ts): generates its lane of
 * the initial dataset and writes each chunk's stored values into its shared ring, one slot per
 * chunk, waiting while the store has not yet taken the slot it needs next.
 */
import { workerData } from 'node:worker_threads';
import { generateStudentLane, studentValuesJson } from './dataset.js';
import { CONTROL_INTS, ringViews, ROWS_PER_SLOT, SLOT, SLOT_BYTES, SLOTS } from './dataset-threads.js';

const { shared, seed, students, lane, lanes } = workerData as { shared: SharedArrayBuffer; seed: number; students: number; lane: number; lanes: number };
const ring = ringViews(shared);

function produce(): void {
  const records = generateStudentLane(seed, students, ROWS_PER_SLOT, lane, lanes);
  const chunks = Math.ceil(students / ROWS_PER_SLOT);
  // This lane's chunks are lane, lane + lanes, ...; the k-th of them goes to slot k % SLOTS.
  for (let c = lane, k = 0; c < chunks; c += lanes, k++) {
    const slot = k % SLOTS;
    const at = slot * CONTROL_INTS;
    while (Atomics.load(ring.control, at) !== SLOT.empty) Atomics.wait(ring.control, at, Atomics.load(ring.control, at));
    const size = Math.min(ROWS_PER_SLOT, students - c * ROWS_PER_SLOT);
    let offset = slot * SLOT_BYTES;
    const end = offset + SLOT_BYTES;
    let lastEpoch = 0;
    for (let row = 0; row < size; row++) {
      const next = records.next();
      if (next.done) throw new Error(`Lane ${lane} ran out of records in chunk ${c}.`);
      const json = studentValuesJson(next.value);
      // Records are ASCII: one byte per character.
      if (offset + json.length > end) throw new Error(`A record of ${json.length} bytes does not fit in a slot.`);
      ring.data.write(json, offset, json.length, 'latin1');
      ring.lengths[slot * ROWS_PER_SLOT + row] = json.length;
      offset += json.length;
      lastEpoch = next.value.last_updated_epoch;
    }
    ring.control[at + 1] = size;
    ring.lastEpochs[slot] = lastEpoch;
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
