// The matrix's outputs: a table for people, JSON and JUnit XML for CI. Pure formatting.
import type { Comparison } from './compare.js';
import type { MatrixReport, ScenarioResult } from './types.js';

/** True when every scenario passed (the CLI's exit 0). */
export function allPassed(report: MatrixReport): boolean {
  return report.results.length > 0 && report.results.every((r) => r.verdict === 'pass');
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - text.length));

/** The counts columns of a comparison, `-` when there is none. */
function counts(comparison: Comparison | undefined): string[] {
  if (comparison === undefined) return ['-', '-', '-', '-', '-'];
  return [`${comparison.actual}/${comparison.expected}`, String(comparison.lost), String(comparison.duplicated), String(comparison.unexpected), String(comparison.differing)];
}

/**
 * The comparison table alone (used by `hed-tester check` too).
 *
 * @example
 * formatTable(['scenario', 'verdict'], [['flaky', 'pass']])
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => pad(c, widths[i]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n') + '\n';
}

/**
 * A reason cut to its first line for the table (a Python traceback follows it); the
 * JSON and JUnit files keep the whole text.
 *
 * @example
 * firstLine('update() failed: HTTP 503\n  File "connector.py"...') // 'update() failed: HTTP 503 (more in --json)'
 */
export function firstLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.length <= 1 ? (lines[0] ?? '') : `${lines[0]!.trimEnd()} (more in --json)`;
}

/**
 * The matrix as people read it: one line per scenario (verdict, rows/expected, lost,
 * duplicated, unexpected, differing, runs, warnings), then the reasons, warnings with one
 * line of advice each, and a summary line.
 */
export function formatReport(report: MatrixReport): string {
  const header = ['scenario', 'verdict', 'rows', 'lost', 'dup', 'unexpected', 'differing', 'runs', 'warnings', 'time'];
  const rows = report.results.map((r) => [
    r.scenario,
    r.verdict.toUpperCase(),
    ...counts(r.comparison),
    `${r.runs.filter((run) => run.ok).length}/${r.runs.length} ok`,
    String(r.warnings.length),
    `${(r.durationMs / 1000).toFixed(1)} s`,
  ]);
  let text = `Scenario matrix for ${report.connector}${report.vertical === undefined ? '' : ` (${report.vertical}: /${report.vertical}_data)`}\n\n${formatTable(header, rows)}`;
  const notes: string[] = [];
  for (const r of report.results) {
    if (r.reason !== undefined) notes.push(`${r.scenario}: ${r.verdict.toUpperCase()}: ${firstLine(r.reason)}`);
    for (const cause of r.causes ?? []) notes.push(`${r.scenario}: CAUSE ${cause.kind}: ${cause.message}\n${' '.repeat(r.scenario.length + 2)}fix: ${cause.advice}`);
    for (const example of r.comparison?.examples ?? []) if (r.verdict !== 'pass') notes.push(`${r.scenario}:   e.g. ${example}`);
    for (const w of r.warnings) notes.push(`${r.scenario}: WARNING ${w.kind}: ${w.message}\n${' '.repeat(r.scenario.length + 2)}advice: ${w.advice}`);
  }
  if (notes.length > 0) text += `\n${notes.join('\n')}\n`;
  const passed = report.results.filter((r) => r.verdict === 'pass').length;
  const warned = report.results.reduce((n, r) => n + r.warnings.length, 0);
  text += `\n${passed} of ${report.results.length} scenarios passed, ${warned} warning${warned === 1 ? '' : 's'}, in ${(report.durationMs / 1000).toFixed(1)} s.\n`;
  return text;
}

/** The report as the `--json` file holds it (stable keys; see README). */
export function reportJson(report: MatrixReport): string {
  return `${JSON.stringify({ ...report, passed: allPassed(report) }, null, 2)}\n`;
}

/** Text made safe for XML attributes and text nodes (drops characters XML 1.0 forbids). */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The JUnit message: the reason, then the first cause the journal shows. */
function failureMessage(r: ScenarioResult, fallback: string): string {
  const cause = r.causes?.[0];
  const reason = r.reason ?? fallback;
  return cause === undefined ? reason : `${reason} Cause: ${cause.message}`;
}

function failureText(r: ScenarioResult): string {
  const lines: string[] = [];
  if (r.reason !== undefined) lines.push(r.reason);
  for (const cause of r.causes ?? []) lines.push(`cause ${cause.kind}: ${cause.message} Fix: ${cause.advice}`);
  const c = r.comparison;
  if (c !== undefined) lines.push(`rows ${c.actual}/${c.expected}, lost ${c.lost}, duplicated ${c.duplicated}, unexpected ${c.unexpected}, differing ${c.differing}`, ...c.examples);
  for (const run of r.runs) lines.push(`${run.round} run: ${run.ok ? 'succeeded' : `failed: ${run.reason ?? 'no reason given'}`}`);
  return lines.join('\n');
}

/**
 * JUnit XML: one testsuite (the connector) with a testcase per scenario; `fail` is a
 * <failure>, `timeout` and `error` (the connector could not be run) an <error>; warnings go to the suite's <system-out>. Valid against
 * Ant's JUnit XSD, the common one CI servers read: testsuite name/tests/failures/errors/
 * time/timestamp/hostname, then properties, testcase (name/classname/time, at most one
 * failure or error), system-out, system-err.
 */
export function reportJunit(report: MatrixReport): string {
  const failures = report.results.filter((r) => r.verdict === 'fail').length;
  const errors = report.results.filter((r) => r.verdict === 'timeout' || r.verdict === 'error').length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuite name="${escapeXml(`hed-tester scenarios: ${report.connector}${report.vertical === undefined ? '' : ` (${report.vertical})`}`)}" tests="${report.results.length}" failures="${failures}" errors="${errors}" time="${seconds(report.durationMs)}" timestamp="${escapeXml(report.startedAt.replace(/\.\d+Z$/, ''))}" hostname="localhost">`,
  );
  out.push('  <properties/>');
  for (const r of report.results) {
    out.push(`  <testcase name="${escapeXml(r.scenario)}" classname="hed-tester.scenarios" time="${seconds(r.durationMs)}">`);
    if (r.verdict === 'fail') out.push(`    <failure message="${escapeXml(failureMessage(r, 'the warehouse differs from the source'))}" type="fail">${escapeXml(failureText(r))}</failure>`);
    if (r.verdict === 'timeout') out.push(`    <error message="${escapeXml(failureMessage(r, 'a run exceeded the time limit'))}" type="timeout">${escapeXml(failureText(r))}</error>`);
    if (r.verdict === 'error') out.push(`    <error message="${escapeXml(failureMessage(r, 'the connector could not be run'))}" type="error">${escapeXml(failureText(r))}</error>`);
    out.push('  </testcase>');
  }
  const warnings = report.results.flatMap((r) => r.warnings.map((w) => `${r.scenario}: WARNING ${w.kind}: ${w.message} Advice: ${w.advice}`));
  out.push(warnings.length > 0 ? `  <system-out>${escapeXml(warnings.join('\n'))}</system-out>` : '  <system-out/>', '  <system-err/>', '</testsuite>', '');
  return out.join('\n');
}
