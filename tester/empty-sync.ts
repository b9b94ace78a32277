// "Sync SUCCEEDED" with nothing synced: the verdict stays what Fivetran's tester says (a
// connector that logs SEVERE and returns has succeeded), but when no row arrived and the
// connector logged SEVERE, or nothing answers at its base_url, one warning line says what
// probably happened and what to check. Pure decision plus one bounded probe.
import type { SyncCounts } from '../output/progress.js';

/** What the run saw: its counts, the SEVERE lines the connector logged, its configuration. */
export interface EmptySyncFacts {
  counts: SyncCounts;
  severe: readonly string[];
  configuration: Readonly<Record<string, string>>;
  /** Whether base_url answered (undefined: not probed, or no base_url). */
  reachable?: boolean;
}

/**
 * Characters of the connector's first SEVERE line the warning quotes: room for a mock's
 * whole error message (an unserved path's 404 names the served paths and how to serve it,
 * some 300 characters after the connector's own words), while a runaway line stays one line.
 */
export const SEVERE_SHOWN_MAX = 480;

/**
 * The warning for a sync that wrote no row and shows why, or undefined. A sync with no
 * rows and no SEVERE, whose API answers, is a normal incremental sync: no warning.
 *
 * @example
 * emptySyncWarning({ counts, severe: ['Authentication failed'], configuration: { base_url: 'http://127.0.0.1:8080' } })
 * // 'Nothing was synced (0 rows) and the connector logged SEVERE: "Authentication failed". ...'
 */
export function emptySyncWarning(facts: EmptySyncFacts): string | undefined {
  const { counts } = facts;
  if (counts.upserts + counts.updates + counts.deletes + counts.truncates > 0) return undefined;
  const baseUrl = facts.configuration.base_url;
  const where = baseUrl === undefined ? 'base_url' : `base_url (${baseUrl})`;
  const mock = 'that the mock is running (`hed-mock serve` in another terminal)';
  if (facts.reachable === false) {
    return `Nothing was synced (0 rows) and nothing answers at ${baseUrl ?? 'base_url'}: the connector probably could not reach the API. Check ${mock} and that ${where} in configuration.json is its address.`;
  }
  if (facts.severe.length === 0) return undefined;
  const first = facts.severe[0]!.split('\n')[0]!.trim();
  const shown = first.length > SEVERE_SHOWN_MAX ? `${first.slice(0, SEVERE_SHOWN_MAX - 3)}...` : first;
  const more = facts.severe.length > 1 ? ` (and ${facts.severe.length - 1} more SEVERE line${facts.severe.length > 2 ? 's' : ''})` : '';
  return `Nothing was synced (0 rows) and the connector logged SEVERE: "${shown}"${more}. The connector probably got no data from the API (a refused key, a wrong base_url, or no mock running): check api_key and ${where} in configuration.json, and ${mock}.`;
}

/**
 * Whether anything answers HTTP at `baseUrl` within `timeoutMs` (any status counts), or
 * undefined when there is no usable URL. Only called after a sync that wrote nothing.
 */
export async function probeBaseUrl(baseUrl: string | undefined, timeoutMs = 2000, doFetch: typeof fetch = fetch): Promise<boolean | undefined> {
  if (baseUrl === undefined || !/^https?:\/\//i.test(baseUrl)) return undefined;
  try {
    const response = await doFetch(baseUrl, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel().catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}

/**
 * The connector's SEVERE message in one line of its output, or undefined: SDK 1.x prints
 * `Dec 04, 2026 02:36:07 PM SEVERE: text` (in colour), 2.x `14:36:13.303 SEVERE   ⚡ connector text`.
 *
 * @example
 * severeMessageOf('Dec 04, 2026 02:36:07 PM SEVERE: Authentication failed') // 'Authentication failed'
 */
export function severeMessageOf(line: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- the SDK colours SEVERE lines with ANSI escapes
  const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
  const match = /\bSEVERE\b:?\s*(?:⚡\s*(?:connector|sdk)\s+)?(.*)$/.exec(plain);
  const message = match?.[1]?.trim();
  return message === undefined || message === '' ? undefined : message;
}

/** Collects the SEVERE messages of a run, from the connector's output lines and its log entries. */
export function createSevereLog(): { line(text: string): void; log(level: string, message: string): void; messages(): readonly string[] } {
  const messages: string[] = [];
  return {
    line(text) {
      const message = severeMessageOf(text);
      if (message !== undefined) messages.push(message);
    },
    log(level, message) {
      if (level === 'SEVERE') messages.push(message);
    },
    messages: () => messages,
  };
}

/**
 * The warning for a succeeded sync that wrote nothing and shows why, probing base_url
 * only when no row arrived; undefined for a sync that wrote rows or a quiet incremental one.
 */
export async function nothingSyncedWarning(counts: SyncCounts, severe: readonly string[], configuration: Readonly<Record<string, string>>, doFetch: typeof fetch = fetch): Promise<string | undefined> {
  if (counts.upserts + counts.updates + counts.deletes + counts.truncates > 0) return undefined;
  const reachable = await probeBaseUrl(configuration.base_url, 2000, doFetch);
  return emptySyncWarning({ counts, severe, configuration, ...(reachable === undefined ? {} : { reachable }) });
}
