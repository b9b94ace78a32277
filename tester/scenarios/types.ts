import type { Comparison } from './compare.js';
import type { Diagnosis } from '../diagnose.js';
import type { ScenarioWarning } from './warnings.js';

/** A scenario's verdict: rows equal to the source, not equal, a run that never ended, or a connector that could not be run at all (no SDK, an unsupported SDK). */
export type Verdict = 'pass' | 'fail' | 'timeout' | 'error';

/** One run of the connector inside a scenario. */
export interface RunSummary {
  round: 'full' | 'incremental';
  ok: boolean;
  /** Why it failed (the text after `Sync FAILED: `), or that it was stopped. */
  reason?: string;
  timedOut: boolean;
  durationMs: number;
}

/** Everything the matrix learned about one scenario. */
export interface ScenarioResult {
  scenario: string;
  description: string;
  verdict: Verdict;
  /** Why the verdict is not pass, as a sentence. */
  reason?: string;
  /** What the mock's journal shows the connector did wrong, with what to fix (non-pass verdicts only). */
  causes?: Diagnosis[];
  /** The warehouse against the ground truth at the end (absent when no warehouse was written). */
  comparison?: Comparison;
  runs: RunSummary[];
  warnings: ScenarioWarning[];
  /** Requests the mock received. */
  requests: number;
  /** Answers that carried one of the scenario's faults: 0 means the scenario never tested what it names. */
  faultsMet?: number;
  durationMs: number;
}

/** The whole matrix for one connector. */
export interface MatrixReport {
  /** `builtin` or the project folder. */
  connector: string;
  /** The lab path the matrix ran against, when not HED (`agr`); absent for HED, as before. */
  vertical?: string;
  startedAt: string;
  durationMs: number;
  results: ScenarioResult[];
}
