// Verdicts across SDK generations: the same connector run by the scenario matrix under 1.x,
// 2.x and 3.x must get the same verdict and the same lost/dup/unexpected/differing counts,
// except where an SDK's own semantics differ (KNOWN_SDK_DIFFERENCES names each, with why).
// Pure: `npm run verify:sdks` and the tests feed it reports.
import type { MatrixReport, ScenarioResult } from './scenarios/types.js';

/** What must agree between SDKs for one scenario. */
export interface VerdictFacts {
  verdict: string;
  lost: number | null;
  duplicated: number | null;
  unexpected: number | null;
  differing: number | null;
}

/** A difference between SDKs that follows from their own semantics, not from hed-tester. */
export interface KnownSdkDifference {
  name: string;
  reason: string;
  /**
   * True when the facts of one scenario (per SDK, with each SDK's major version and the
   * answers that carried a fault in its run) show this difference and nothing else.
   */
  explains(facts: readonly (VerdictFacts | undefined)[], majors: readonly number[], faultsMet: readonly (number | undefined)[]): boolean;
}

/** Differences named and explained in docs/hed-tester.md ("Verdicts across SDKs"). */
export const KNOWN_SDK_DIFFERENCES: readonly KnownSdkDifference[] = [
  {
    name: 'no-table-before-the-first-checkpoint',
    reason:
      "SDK 3.x's engine creates the tables schema() declares at its first checkpoint, so a connector that never checkpoints leaves no hed_records table (no counts); " +
      'under 1.x and 2.x hed-tester creates them at schema(), so the same run leaves an empty table (every record lost). The verdict is the same.',
    explains(facts, majors) {
      const verdicts = new Set(facts.map((f) => f?.verdict));
      if (verdicts.size !== 1 || facts.some((f) => f === undefined)) return false;
      return facts.every((f, i) =>
        majors[i] === 3 ? f!.lost === null : f!.lost === null || (f!.duplicated === 0 && f!.unexpected === 0 && f!.differing === 0),
      );
    },
  },
  {
    name: 'fault-not-met',
    reason:
      "The scenario's fault never fired under one SDK: a quota (rate-limited: 4 requests a second) depends on the connector's pace, and SDK 3.x's in-process engine " +
      'writes each record before the connector asks for the next page, so the same connector can stay under the quota and never meet a 429. ' +
      'That run tested nothing of the fault; hed-tester says so with a fault-not-met warning. Where the fault fired, the verdicts agree.',
    explains(facts, _majors, faultsMet) {
      if (facts.some((f) => f === undefined) || faultsMet.some((n) => n === undefined)) return false;
      const met = facts.filter((_f, i) => faultsMet[i]! > 0).map((f) => JSON.stringify(f));
      const unmet = facts.filter((_f, i) => faultsMet[i] === 0);
      // Some runs met the fault, some did not; those that met it agree among themselves.
      return met.length > 0 && unmet.length > 0 && met.every((text) => text === met[0]);
    },
  },
];

/**
 * The facts of a scenario result that must agree.
 *
 * @example
 * factsOf(result) // { verdict: 'fail', lost: 600, duplicated: 0, unexpected: 0, differing: 0 }
 */
export function factsOf(result: ScenarioResult): VerdictFacts {
  const c = result.comparison;
  return { verdict: result.verdict, lost: c?.lost ?? null, duplicated: c?.duplicated ?? null, unexpected: c?.unexpected ?? null, differing: c?.differing ?? null };
}

/** The facts as a short cell: `pass`, `fail 600/0/0/0` (lost/dup/unexpected/differing). */
export function factsText(facts: VerdictFacts | undefined): string {
  if (facts === undefined) return '-';
  if (facts.verdict === 'pass' || facts.lost === null) return facts.verdict;
  return `${facts.verdict} ${facts.lost}/${facts.duplicated}/${facts.unexpected}/${facts.differing}`;
}

/** One scenario across SDKs. */
export interface AgreementRow {
  scenario: string;
  /** Per SDK version, in the order given. */
  facts: (VerdictFacts | undefined)[];
  agree: boolean;
  /** The named difference that explains a disagreement, when there is one. */
  known?: KnownSdkDifference;
}

/**
 * Compares one connector's matrix reports under several SDKs, scenario by scenario.
 *
 * @example
 * const rows = compareAcrossSdks([{ sdk: '1.7.0', report: a }, { sdk: '3.0.0', report: b }]);
 * rows.every((row) => row.agree || row.known !== undefined)
 */
export function compareAcrossSdks(reports: readonly { sdk: string; report: MatrixReport }[], known: readonly KnownSdkDifference[] = KNOWN_SDK_DIFFERENCES): AgreementRow[] {
  const scenarios = [...new Set(reports.flatMap(({ report }) => report.results.map((r) => r.scenario)))];
  return scenarios.map((scenario) => {
    const results = reports.map(({ report }) => report.results.find((r) => r.scenario === scenario));
    const facts = results.map((result) => (result === undefined ? undefined : factsOf(result)));
    const faultsMet = results.map((result) => result?.faultsMet);
    const texts = facts.map((f) => JSON.stringify(f ?? null));
    const agree = texts.every((text) => text === texts[0]);
    const majors = reports.map(({ sdk }) => Number(sdk.split('.')[0]));
    const explained = agree ? undefined : known.find((k) => k.explains(facts, majors, faultsMet));
    return { scenario, facts, agree, ...(explained === undefined ? {} : { known: explained }) };
  });
}

/**
 * The agreement table: a row per scenario, a column per SDK, then `same`, `KNOWN` or `DIFFERS`.
 *
 * @example
 * formatAgreement(['1.7.0', '3.0.0'], rows)
 */
export function formatAgreement(sdks: readonly string[], rows: readonly AgreementRow[]): string {
  const header = ['scenario', ...sdks, 'across SDKs'];
  const body = rows.map((row) => [row.scenario, ...row.facts.map(factsText), row.agree ? 'same' : row.known !== undefined ? 'KNOWN' : 'DIFFERS']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)].join('\n') + '\n';
}
