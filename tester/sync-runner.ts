// The seam between hed-tester's commands and the SDK generations: one SyncRunner contract,
// one implementation per generation (tester/runners/). `debug`, `scenarios` and `check` see
// only this contract; which runner they got was decided once, by tester/sdk.ts.
import type { SyncCounts } from '../output/progress.js';
import type { InstalledSdk, RunnerKind } from './sdk.js';

/** What a runner is handed for one sync. */
export interface SyncRunInput {
  /** The folder holding connector.py (absolute). */
  projectDir: string;
  /** Flat string configuration, already checked. */
  configuration: Record<string, string>;
  /** Start from this state instead of the saved one (`--state`). */
  state?: Record<string, unknown>;
  /** The warehouse folder: warehouse.db and state.json go here. */
  outputDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Abort: the connector is stopped, committed checkpoints stay. */
  signal?: AbortSignal;
  /** Fail when the connector sends nothing for this long. */
  silenceTimeoutMs: number;
  /** Fail when the connector does not start within this. */
  startupTimeoutMs: number;
}

/** What a runner gives back while it runs, in order. */
export interface SyncRunEvents {
  /** The state the sync starts from (undefined: it could not be read); called once, before any connector line is passed on. */
  previousState(state: Record<string, unknown> | undefined, warning?: string): void;
  /** A line the connector (or its SDK) printed, as it came. */
  connectorLine(line: string): void;
  /** A line of the runner's own (a warning of the SDK, an ignored operation). */
  log(level: 'INFO' | 'WARNING' | 'SEVERE', message: string): void;
  /** The warehouse created a table. */
  tableCreated(table: string): void;
  /** A checkpoint is committed (its rows and state are in the warehouse): the state, and the counts so far. */
  checkpoint(state: Record<string, unknown>, counts: SyncCounts): void | Promise<void>;
}

/** How a sync ended; `reason` is the text after `Sync FAILED: `. */
export interface SyncOutcome {
  ok: boolean;
  reason?: string;
  counts: SyncCounts;
  /** The state committed last (the start state when nothing was committed). */
  state: Record<string, unknown>;
}

/** One SDK generation's way of running a connector into a warehouse. */
export interface SyncRunner {
  readonly kind: RunnerKind;
  readonly sdk: InstalledSdk;
  /** Runs one sync; never throws for what the connector does (that is the outcome). */
  run(input: SyncRunInput, events: SyncRunEvents): Promise<SyncOutcome>;
}

/** Zero counts. */
export const noCounts = (): SyncCounts => ({ upserts: 0, updates: 0, deletes: 0, truncates: 0, schemaChanges: 0, checkpoints: 0 });
