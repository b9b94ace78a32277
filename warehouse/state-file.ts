// DIR/state.json: the mirror of the state committed in warehouse.db (moved here from
// connector/runner.ts so every runner shares it).
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectorStateJson } from './types.js';

export const WAREHOUSE_FILE = 'warehouse.db';
export const STATE_FILE = 'state.json';

/** What DIR/state.json holds: missing, a state, or unreadable (with why). */
export type StateFileContent = { kind: 'missing' } | { kind: 'state'; state: ConnectorStateJson } | { kind: 'broken'; problem: string };

/** Reads DIR/state.json; never throws for a broken file (that is a `broken` result). */
export function readStateFile(dir: string): StateFileContent {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return { kind: 'missing' };
  try {
    return { kind: 'state', state: parseState(readFileSync(path, 'utf8')) };
  } catch (error) {
    return { kind: 'broken', problem: `${path} is not a valid state (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** Parses a state: any JSON object. Throws a sentence for anything else. */
export function parseState(text: string): ConnectorStateJson {
  const value = JSON.parse(text) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object such as {"next_cursor": "..."}');
  return value as ConnectorStateJson;
}

/**
 * The state to start from. warehouse.db is the source of truth: state.json mirrors it and
 * is rewritten after every commit, so they differ only after a crash between the two
 * writes (or a hand edit); then the db wins, with a warning. With no state in the db (a new
 * warehouse) state.json is used as given, as `fivetran debug` does; a broken one is an
 * Error saying to reset.
 *
 * @example
 * chooseStartState(undefined, { kind: 'state', state: { next_cursor: 'c1' } }, 'files/state.json') // { state: { next_cursor: 'c1' } }
 */
export function chooseStartState(fromDb: ConnectorStateJson | undefined, file: StateFileContent, filePath: string): { state: ConnectorStateJson; warning?: string } {
  if (fromDb !== undefined) {
    if (file.kind === 'broken') return { state: fromDb, warning: `${file.problem}; using the state saved in ${WAREHOUSE_FILE}.` };
    if (file.kind === 'state' && JSON.stringify(file.state) !== JSON.stringify(fromDb)) {
      return { state: fromDb, warning: `${filePath} disagrees with ${WAREHOUSE_FILE}; using the state saved in ${WAREHOUSE_FILE}: ${JSON.stringify(fromDb)}.` };
    }
    return { state: fromDb };
  }
  if (file.kind === 'broken') throw new Error(`${file.problem}. Fix it, or reset the output directory (\`hed-connector reset\` or \`hed-tester reset\`) to start over.`);
  return { state: file.kind === 'state' ? file.state : {} };
}

/** Writes DIR/state.json atomically: a temporary file, fsync, then rename over the old one. */
export function writeStateFile(dir: string, state: ConnectorStateJson): void {
  const path = join(dir, STATE_FILE);
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
