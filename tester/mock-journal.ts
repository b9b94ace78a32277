// `hed-tester debug` against a hed-mock on this machine: the mock's request journal
// (GET /__admin/requests) says what the connector got wrong. The edge only: reading the
// journal before and after a sync; the judging is tester/diagnose.ts.
import type { Journal, JournalEntry } from '../api/faults.js';
import type { VerticalDefinition } from '../verticals/index.js';
import { diagnoseRun, formatDiagnosis, type RunTrace } from './diagnose.js';
import { DEFAULT_VERTICAL, isDataUrl, verticalOfRequests } from './vertical.js';

/** How long a journal read may take before the diagnosis is skipped. */
export const JOURNAL_READ_TIMEOUT_MS = 2000;

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Whether a base_url points at this machine (the only place hed-tester reads an admin journal).
 *
 * @example
 * isLoopbackUrl('http://127.0.0.1:8080') // true
 * isLoopbackUrl('https://sdk-demo-api-dot-internal-sales.uc.r.appspot.com') // false
 */
export function isLoopbackUrl(baseUrl: string | undefined): boolean {
  if (baseUrl === undefined) return false;
  try {
    const url = new URL(baseUrl);
    return (url.protocol === 'http:' || url.protocol === 'https:') && (LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname));
  } catch {
    return false;
  }
}

/** The journal of a hed-mock, or undefined when base_url answers something else (or nothing). */
async function readJournal(baseUrl: string, fetchJournal: typeof fetch): Promise<Journal | undefined> {
  try {
    const response = await fetchJournal(new URL('/__admin/requests', baseUrl), { signal: AbortSignal.timeout(JOURNAL_READ_TIMEOUT_MS) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as Partial<Journal>;
    return Array.isArray(body.requests) && typeof body.capacity === 'number' ? (body as Journal) : undefined;
  } catch {
    return undefined;
  }
}

/** A watch over a mock's journal for one sync. */
export interface JournalWatch {
  /** One line per cause the journal shows for the sync's requests (none when all went well). */
  advice(run: Omit<RunTrace, 'requests'>): Promise<string[]>;
}

/**
 * Starts watching a hed-mock's journal when base_url is on loopback: notes where the
 * journal stands now, and after the sync diagnoses the requests made since to the
 * vertical's data path (`vertical`, else the path the connector asked for most, else
 * /hed_data), expecting its table. Undefined for any other base_url; a server that is not
 * a hed-mock (or wants an admin token) gives no advice and no error.
 *
 * @example
 * const watch = watchMockJournal(configuration.base_url);
 * // ... the sync ...
 * for (const line of (await watch?.advice({ ok: true, tables: ['hed_data'] })) ?? []) log(line);
 */
export function watchMockJournal(baseUrl: string | undefined, fetchJournal: typeof fetch = fetch, vertical?: VerticalDefinition): JournalWatch | undefined {
  if (baseUrl === undefined || !isLoopbackUrl(baseUrl)) return undefined;
  const before = readJournal(baseUrl, fetchJournal);
  return {
    async advice(run) {
      const start = await before;
      if (start === undefined) return [];
      const after = await readJournal(baseUrl, fetchJournal);
      if (after === undefined) return [];
      const lastSeq = start.requests.at(-1)?.seq ?? 0;
      // A journal cleared during the sync starts again from seq 1: then all of it is this sync's.
      const cleared = (after.requests.at(-1)?.seq ?? 0) < lastSeq;
      const mine: JournalEntry[] = after.requests.filter((e) => (cleared || e.seq > lastSeq) && isDataUrl(e.url));
      const asked = vertical ?? verticalOfRequests(mine) ?? DEFAULT_VERTICAL;
      const requests = mine.filter((e) => isDataUrl(e.url, asked));
      return diagnoseRun({ ...run, requests }, asked.table).map(formatDiagnosis);
    },
  };
}
