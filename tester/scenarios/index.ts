// hed-tester scenarios: the scenario matrix's public surface.
export { compareRows, isEqual, sameValue, SYSTEM_COLUMNS, type Comparison, type CompareOptions } from './compare.js';
export { hangWarnings, isFailedStatus, parseRetryAfter, partialSyncWarnings, retryWarnings, warning, WARNING_ADVICE, type ScenarioWarning, type WarningKind } from './warnings.js';
export { allPassed, escapeXml, firstLine, formatReport, formatTable, reportJson, reportJunit } from './report.js';
export { decideVerdict, errorReport, MATRIX_DEFAULTS, runMatrix, runScenario, scopedRules, type MatrixOptions, type SyncRunInput, type SyncRunner } from './runner.js';
export { builtinRunner, pythonRunner, tailOutput, type PythonRunnerOptions } from './sync-runners.js';
export type { MatrixReport, RunSummary, ScenarioResult, Verdict } from './types.js';
