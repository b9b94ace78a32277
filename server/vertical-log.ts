import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { verticalChecksum, type VerticalDefinition } from '../verticals/index.js';
import type { MutationResult } from '../api/admin.js';
import type { SequencedRow } from './paging/paging.js';
import type { DataSource } from './sources.js';
import type { RecordStore } from './store.js';
import { createVerticalRows } from './vertical-rows.js';

export interface VerticalLogOptions {
  seed: number;
  /** The SQLite file, as notices name it. */
  path: string;
  /** Told in one line when a vertical's stored batches are dropped instead of replayed. */
  log?: (line: string) => void;
}

/** One applied mutation batch of a vertical, as stored. */
export interface StoredBatch {
  batch: number;
  update: number;
  create: number;
  /** sha256 of the JSON of the records the batch changed, in change order: replay must give them again. */
  digest: string;
}

export interface VerticalLog {
  /**
   * A vertical's rows (server/vertical-rows.ts) whose mutations are kept in the file: the
   * stored batches are replayed now, every batch applied is stored, a reset clears them.
   */
  rows(definition: VerticalDefinition, count?: number): DataSource;
  /** The stored batches of a vertical, in order. */
  batches(prefix: string): StoredBatch[];
}

interface Fingerprint {
  seed: number;
  records: number;
  /** The first 16 hex digits of the initial records' checksum (verticalChecksum). */
  checksum: string;
}

/**
 * Keeps the mutations of the verticals other than HED in the `--db` file beside HED's
 * dataset. A vertical's state is a pure function of its definition, the seed, its record
 * count and the list of batches applied (batch b draws from `{prefix}/mutations/{b}`, the
 * change clock follows from the state before), so the file holds only that list
 * (`vertical_mutations`) and what it was made on (`vertical_logs`: seed, count, the
 * initial records' checksum); a start replays it, which gives the same records at the
 * same change sequences, so stored cursors stay valid. Under another seed, count or
 * generator, or when a batch no longer gives the records it gave, the list is dropped
 * with a notice and the vertical starts from its initial records. A batch refused (409)
 * changes nothing and is not stored. Verticals a server does not serve keep their lists.
 *
 * @example
 * const log = openVerticalLog(store.database, { seed: 42, path: 'hed.db' });
 * const tlc = log.rows(VERTICALS.tlc); tlc.mutate(5, 0); // stored; replayed on the next start
 */
export function openVerticalLog(db: Database.Database, options: VerticalLogOptions): VerticalLog {
  const { seed, path } = options;
  db.exec(`
    CREATE TABLE IF NOT EXISTS vertical_logs (prefix TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS vertical_mutations (
      prefix TEXT NOT NULL, batch INTEGER NOT NULL, update_count INTEGER NOT NULL, create_count INTEGER NOT NULL, digest TEXT NOT NULL,
      PRIMARY KEY (prefix, batch)
    ) WITHOUT ROWID;
  `);
  const sql = {
    fingerprint: db.prepare<[string], { fingerprint: string }>('SELECT fingerprint FROM vertical_logs WHERE prefix = ?'),
    batches: db.prepare<[string], StoredBatch>('SELECT batch, update_count AS "update", create_count AS "create", digest FROM vertical_mutations WHERE prefix = ? ORDER BY batch'),
    setFingerprint: db.prepare<[string, string]>('INSERT INTO vertical_logs (prefix, fingerprint) VALUES (?, ?) ON CONFLICT(prefix) DO UPDATE SET fingerprint = excluded.fingerprint'),
    insert: db.prepare<[string, number, number, number, string]>('INSERT INTO vertical_mutations (prefix, batch, update_count, create_count, digest) VALUES (?, ?, ?, ?, ?)'),
    clearBatches: db.prepare<[string]>('DELETE FROM vertical_mutations WHERE prefix = ?'),
    clearLog: db.prepare<[string]>('DELETE FROM vertical_logs WHERE prefix = ?'),
  };
  const append = db.transaction((prefix: string, fingerprint: string, entry: StoredBatch) => {
    sql.setFingerprint.run(prefix, fingerprint);
    sql.insert.run(prefix, entry.batch, entry.update, entry.create, entry.digest);
  });
  const clear = db.transaction((prefix: string) => {
    sql.clearBatches.run(prefix);
    sql.clearLog.run(prefix);
  });
  const batches = (prefix: string) => sql.batches.all(prefix);

  return {
    batches,
    rows(definition, count = definition.recordCount) {
      const { prefix } = definition;
      const rows = createVerticalRows(definition, seed, count);
      let wanted: string | undefined;
      const fingerprint = () => (wanted ??= JSON.stringify({ seed, records: count, checksum: verticalChecksum(definition, seed, count).slice(0, 16) } satisfies Fingerprint));

      /** Applies a batch to the rows; answers it with the digest of what it changed. */
      const apply = (update: number, create: number): { result: MutationResult; digest: string } => {
        const before = rows.maxPosition();
        const result = rows.mutate(update, create);
        return { result, digest: digestOf(rows.rowsAfter(before, update + create)) };
      };
      /** Replays stored batches onto the initial rows; answers why it stopped, or undefined when all gave what they gave. */
      const replay = (list: readonly StoredBatch[]): string | undefined => {
        for (const [i, entry] of list.entries()) {
          if (entry.batch !== i + 1) return `batch ${i + 1} is missing from the list`;
          let digest: string;
          try {
            digest = apply(entry.update, entry.create).digest;
          } catch (err) {
            return `batch ${entry.batch} cannot be applied again (${err instanceof Error ? err.message : String(err)})`;
          }
          if (digest !== entry.digest) return `batch ${entry.batch} no longer gives the records it gave (the vertical's generator changed)`;
        }
        return undefined;
      };
      const drop = (list: readonly StoredBatch[], why: string) => {
        rows.reset();
        clear(prefix);
        const what = list.length === 1 ? 'the stored mutation batch' : `the ${list.length} stored mutation batches`;
        options.log?.(`Dropping ${what} of ${prefix} in ${path}: ${why}. ${prefix} starts from its initial ${count} records.`);
      };

      const stored = sql.fingerprint.get(prefix)?.fingerprint;
      const list = batches(prefix);
      if (stored !== undefined || list.length > 0) {
        if (stored !== fingerprint()) drop(list, fingerprintChange(stored, fingerprint()));
        else {
          const problem = replay(list);
          if (problem !== undefined) drop(list, problem);
        }
      }

      return {
        definition,
        get version() {
          return rows.version;
        },
        rowsAfter: (position, limit) => rows.rowsAfter(position, limit),
        count: () => rows.count(),
        maxPosition: () => rows.maxPosition(),
        iterateJson: () => rows.iterateJson(),
        mutate(update, create) {
          // A refused batch (409) throws here, before anything changes or is stored.
          const { result, digest } = apply(update, create);
          try {
            append(prefix, fingerprint(), { batch: result.batch, update, create, digest });
          } catch (err) {
            // Not stored, so not applied either: back to what the file holds.
            rows.reset();
            replay(batches(prefix));
            throw err;
          }
          return result;
        },
        reset() {
          rows.reset();
          clear(prefix);
        },
      };
    },
  };
}

/** sha256 of rows' JSON, one a line. */
function digestOf(rows: readonly SequencedRow[]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${row.seq} ${row.json}\n`);
  return hash.digest('hex');
}

/**
 * Why stored batches made on one fingerprint are not replayed on another, as a clause.
 *
 * @example
 * fingerprintChange('{"seed":7,"records":600,"checksum":"a"}', '{"seed":42,"records":600,"checksum":"b"}')
 * // 'they were made on seed 7, 600 records; this server has seed 42, 600 records'
 */
export function fingerprintChange(stored: string | undefined, wanted: string): string {
  const read = (text: string | undefined): Partial<Fingerprint> | undefined => {
    try {
      return text === undefined ? undefined : (JSON.parse(text) as Partial<Fingerprint>);
    } catch {
      return undefined;
    }
  };
  const was = read(stored);
  const now = read(wanted)!;
  if (was === undefined) return 'they were stored without what they were made on';
  const describe = (f: Partial<Fingerprint>) => `seed ${String(f.seed)}, ${String(f.records)} records`;
  if (was.seed === now.seed && was.records === now.records) {
    return `they were made on other initial records (checksum ${String(was.checksum)}, now ${String(now.checksum)}: the vertical's generator or definition changed)`;
  }
  return `they were made on ${describe(was)}; this server has ${describe(now)}`;
}

/**
 * How many mutation batches a `--db` file holds now, by prefix (only those with any), in
 * the order given: HED's from its store (`RecordStore.batches`), the other
 * verticals' from their stored lists (after a start has replayed or dropped them).
 *
 * @example
 * storedBatchCounts(store, ['hed', 'tlc']) // { hed: 1, tlc: 2 }
 */
export function storedBatchCounts(store: Pick<RecordStore, 'batches' | 'database'>, prefixes: readonly string[]): Record<string, number> {
  const db = store.database;
  const others = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").get('vertical_mutations')!.n > 0
    ? db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM vertical_mutations WHERE prefix = ?')
    : undefined;
  const counts: Record<string, number> = {};
  for (const prefix of prefixes) {
    const n = prefix === 'hed' ? store.batches() : (others?.get(prefix)?.n ?? 0);
    if (n > 0) counts[prefix] = n;
  }
  return counts;
}
