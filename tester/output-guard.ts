// A run that fails before committing anything leaves no trace in an output folder it
// created: no empty warehouse.db, no state.json of `{}` (a Python without the SDK used to
// leave both behind, and the next look at files/ suggested a sync had happened).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_FILE, WAREHOUSE_FILE } from '../warehouse/index.js';

/** What existed before the run, and the way to remove what the run created. */
export interface OutputGuard {
  /** Deletes warehouse.db (and its WAL), state.json and the folder when this run created them; keeps anything that was there before. */
  discardCreated(): void;
}

/**
 * Remembers which of DIR, DIR/warehouse.db and DIR/state.json exist now.
 *
 * @example
 * const guard = rememberOutput('files'); // ... a run that committed nothing failed:
 * guard.discardCreated();
 */
export function rememberOutput(dir: string): OutputGuard {
  const had = { dir: existsSync(dir), warehouse: existsSync(join(dir, WAREHOUSE_FILE)), state: existsSync(join(dir, STATE_FILE)) };
  return {
    discardCreated() {
      if (!had.warehouse) for (const name of [WAREHOUSE_FILE, `${WAREHOUSE_FILE}.wal`]) rmSync(join(dir, name), { force: true });
      if (!had.state) rmSync(join(dir, STATE_FILE), { force: true });
      if (!had.dir && existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
    },
  };
}
