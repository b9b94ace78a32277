// What `hed-tester reset` and `hed-connector reset` delete from an output folder and what
// they keep. The folder also holds the app's Insights History (files/insights.db), which is
// the user's work, not sync output: a reset keeps it unless asked by name. Pure: names in,
// decision out; the CLIs list the folder and delete.
import { STATE_FILE, WAREHOUSE_FILE } from './state-file.js';

/** The app's Insights History file in the output folder (app `--insights-db` default). */
export const INSIGHTS_FILE = 'insights.db';

/** What a reset of one folder does. */
export interface ResetPlan {
  /** Entries to delete (names inside the folder). */
  remove: string[];
  /** The Insights History entries that stay (empty when the history is deleted too). */
  keep: string[];
  /** Entries that are neither sync output nor the history (only filled when `syncFilesOnly`). */
  foreign: string[];
}

const SUFFIXES = '(\\.wal|-wal|-shm|-journal)?';
const escape = (name: string) => name.replace('.', '\\.');
const SYNC_FILE = new RegExp(`^(${escape(WAREHOUSE_FILE)}${SUFFIXES}|${escape(STATE_FILE)}(\\.tmp-[0-9]+)?)$`);
const HISTORY_FILE = new RegExp(`^${escape(INSIGHTS_FILE)}${SUFFIXES}$`);

/** True for the Insights History and its SQLite side files (insights.db-wal, -shm, -journal). */
export function isInsightsFile(name: string): boolean {
  return HISTORY_FILE.test(name);
}

/** True for what a sync writes: warehouse.db (and its WAL) and state.json (and its temporary file). */
export function isSyncFile(name: string): boolean {
  return SYNC_FILE.test(name);
}

/**
 * Splits a folder's entries into what a reset deletes and what it keeps. The Insights
 * History is kept unless `includeInsights`. With `syncFilesOnly` (hed-connector, whose
 * --output may point anywhere) only sync files are deleted and anything else is `foreign`;
 * without it (hed-tester's DIR/files, the SDK's own folder) everything but the history goes.
 *
 * @example
 * planReset(['warehouse.db', 'state.json', 'insights.db'], { includeInsights: false, syncFilesOnly: false })
 * // { remove: ['state.json', 'warehouse.db'], keep: ['insights.db'], foreign: [] }
 */
export function planReset(entries: readonly string[], options: { includeInsights: boolean; syncFilesOnly: boolean }): ResetPlan {
  const plan: ResetPlan = { remove: [], keep: [], foreign: [] };
  for (const name of [...entries].sort()) {
    if (isInsightsFile(name)) (options.includeInsights ? plan.remove : plan.keep).push(name);
    else if (!options.syncFilesOnly || isSyncFile(name)) plan.remove.push(name);
    else plan.foreign.push(name);
  }
  return plan;
}

/**
 * The sentence a reset prompt and its report use for what goes and what stays.
 *
 * @example
 * describeReset({ remove: ['state.json', 'warehouse.db'], keep: ['insights.db'], foreign: [] }, 'files')
 * // 'delete files/state.json, files/warehouse.db (the synced data and the saved state) and keep files/insights.db (your Insights History)'
 */
export function describeReset(plan: ResetPlan, dir: string): string {
  const list = (names: readonly string[]) => names.map((name) => `${dir}/${name}`).join(', ');
  const history = plan.remove.some(isInsightsFile);
  const what = history ? 'the synced data, the saved state and your Insights History' : 'the synced data and the saved state';
  let text = `delete ${list(plan.remove)} (${what})`;
  if (plan.keep.length > 0) text += ` and keep ${list(plan.keep)} (your Insights History)`;
  return text;
}
