import { generateRecordJson, type VerticalDefinition } from '../verticals/index.js';
import { compileChanges, type VerticalChanges } from '../verticals/change.js';
import { createVerticalRandom, type VerticalRandom } from '../verticals/random.js';
import type { MutationResult } from '../api/admin.js';
import type { PageRows } from './paging/page-engine.js';
import type { SequencedRow } from './paging/paging.js';
import { MutationConflictError } from './store.js';

/** A vertical's records in memory, in change-sequence order, with HED's mutations and reset. */
export interface VerticalRows extends PageRows {
  readonly definition: VerticalDefinition;
  count(): number;
  /** The highest change sequence in use (0 when empty). */
  maxPosition(): number;
  /** Every record's JSON, in change-sequence order. */
  json(): readonly string[];
  /** Every record's JSON, in change-sequence order, read lazily. */
  iterateJson(): IterableIterator<string>;
  /** Seeded, deterministic changes: each changed record moves after every existing position. */
  mutate(update: number, create: number): MutationResult;
  /** The initial records again; mutation batches start over. */
  reset(): void;
}

/** Rows moved away by updates are dropped once they outnumber the live ones. */
const COMPACT_MIN_DEAD = 64;

/**
 * The records of a non-HED vertical for a seed, built from its definition on first use
 * (a server with fifteen paths starts as fast as one with HED alone) and kept as JSON
 * text in change-sequence order: record i starts at position i + 1. Mutations work as
 * HED's store does (server/store.ts): batch b draws from its own stream
 * (`{prefix}/mutations/{b}`), every changed record gets the next change time (a few
 * seconds after the latest) and the next sequence above all others, and the data version
 * moves on, so cached pages are dropped and a stored cursor returns exactly the changes.
 * An updated row leaves a hole where it was (skipped by reads), so an update costs O(1)
 * and positions, hence cursors, stay valid. The state is a pure function of the
 * definition, seed, count and the batches applied, which is how `--db` keeps it across
 * restarts (server/vertical-log.ts replays the stored batches).
 *
 * @example
 * const rows = createVerticalRows(VERTICALS.agr, 42); rows.rowsAfter(0, 2)[0].seq // 1
 * rows.mutate(1, 0).updated.length // 1; rows.rowsAfter(600, 5)[0].seq // 601
 */
export function createVerticalRows(definition: VerticalDefinition, seed: number, count = definition.recordCount): VerticalRows {
  // Parallel arrays by slot, ascending seq; a null json is a row an update moved away.
  let seqs: number[] = [];
  let jsons: (string | null)[] = [];
  let indexOfSlot: number[] = [];
  /** Record index (the draw's index) -> its slot now. */
  let slotOfIndex: number[] = [];
  let built = false;
  let live = 0;
  let dead = 0;
  let batches = 0;
  let clock = 0;
  let version = 0;
  let changes: VerticalChanges | undefined;
  const changer = () => (changes ??= compileChanges(definition));

  const build = () => {
    if (built) return;
    jsons = [...generateRecordJson(definition, seed, count)];
    seqs = jsons.map((_, i) => i + 1);
    indexOfSlot = jsons.map((_, i) => i);
    slotOfIndex = [...indexOfSlot];
    live = jsons.length;
    dead = 0;
    batches = 0;
    const last = jsons[jsons.length - 1];
    clock = last === undefined ? definition.startEpoch : changer().epochOf(last!);
    built = true;
  };

  /** The first slot whose seq is above `position`. */
  const firstSlotAfter = (position: number) => {
    let lo = 0;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqs[mid]! <= position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const append = (index: number, json: string, seq: number) => {
    slotOfIndex[index] = seqs.length;
    seqs.push(seq);
    jsons.push(json);
    indexOfSlot.push(index);
  };

  const compact = () => {
    const keep = jsons.map((j, slot) => (j === null ? -1 : slot)).filter((slot) => slot >= 0);
    seqs = keep.map((slot) => seqs[slot]!);
    indexOfSlot = keep.map((slot) => indexOfSlot[slot]!);
    jsons = keep.map((slot) => jsons[slot]!);
    indexOfSlot.forEach((index, slot) => (slotOfIndex[index] = slot));
    dead = 0;
  };

  function* liveJson(): Generator<string> {
    build();
    // A snapshot of the arrays: a mutation during the read does not disturb it.
    const list = jsons;
    const end = list.length;
    for (let slot = 0; slot < end; slot++) {
      const json = list[slot];
      if (json !== null && json !== undefined) yield json;
    }
  }

  return {
    definition,
    get version() {
      return version;
    },
    count: () => {
      build();
      return live;
    },
    maxPosition: () => {
      build();
      return seqs.length === 0 ? 0 : seqs[seqs.length - 1]!;
    },
    json: () => [...liveJson()],
    iterateJson: () => liveJson(),
    rowsAfter(position, limit) {
      build();
      const rows: SequencedRow[] = [];
      for (let slot = firstSlotAfter(Math.max(0, position)); slot < seqs.length && rows.length < limit; slot++) {
        const json = jsons[slot];
        if (json !== null && json !== undefined) rows.push({ seq: seqs[slot]!, json });
      }
      return rows;
    },
    mutate(update, create) {
      build();
      if (update > live) {
        throw new MutationConflictError(`Cannot update ${update} ${definition.table}: the dataset holds ${live}. Ask for at most ${live}, or create some first.`);
      }
      const batch = batches + 1;
      const r = createVerticalRandom(seed, `${definition.prefix}/mutations/${batch}`);
      const tick = () => (clock += 1 + Math.floor(r.float() * 5));
      let maxSeq = seqs.length === 0 ? 0 : seqs[seqs.length - 1]!;
      const updated: string[] = [];
      const created: string[] = [];
      for (const index of sampleDistinct(r, live, update)) {
        const slot = slotOfIndex[index]!;
        const next = changer().update(jsons[slot]!, r, index, tick());
        jsons[slot] = null;
        dead += 1;
        append(index, next.json, ++maxSeq);
        updated.push(next.recordId);
      }
      for (let j = 0; j < create; j++) {
        const index = live + j;
        const next = changer().create(r, index, tick());
        append(index, next.json, ++maxSeq);
        created.push(next.recordId);
      }
      live += create;
      batches = batch;
      version += 1;
      if (dead >= COMPACT_MIN_DEAD && dead > live) compact();
      return { batch, record_ids: [...updated, ...created], updated, created };
    },
    reset() {
      built = false;
      seqs = [];
      jsons = [];
      indexOfSlot = [];
      slotOfIndex = [];
      version += 1;
    },
  };
}

/** `k` distinct integers from [0, n) in a seeded order (Floyd's algorithm: O(k) memory). */
function sampleDistinct(r: VerticalRandom, n: number, k: number): number[] {
  const chosen = new Set<number>();
  const order: number[] = [];
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(r.float() * (j + 1));
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    order.push(pick);
  }
  return order;
}
