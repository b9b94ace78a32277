import type { AppliedFault, JournalEntry } from '../../api/faults.js';

/** Entries kept before the oldest are dropped. */
export const JOURNAL_CAPACITY = 1000;
/**
 * Header and query names that look like a credential (a key, token, auth): the journal
 * keeps their names only, and redacts such query parameters' values.
 */
const CREDENTIAL_NAME = /key|token|secret|auth|password/i;

/**
 * One request as the journal keeps it until someone reads it: cheap to make on every
 * request (no string is built, nothing is copied), turned into its JournalEntry, with the
 * URL redacted, the credentials' names and the ISO time, only when the journal is listed.
 * The URL and headers are held as sent and may hold a key: nothing outside this module
 * reads a RawJournalEntry back, and `list()` gives the redacted form alone.
 */
export interface RawJournalEntry {
  /** When the request arrived, in ms since the epoch. */
  startMs: number;
  method: string;
  /** Path and query as sent; redacted when listed. */
  url: string;
  /** HTTP status, or the socket fault when none was answered. */
  status: number | string;
  faults: readonly AppliedFault[];
  durationMs: number;
  /** has_more of the page it answered with status 200, or null when it answered none. */
  hasMore: boolean | null;
  /** Records of that page (0 when none). */
  records: number;
  /** The request's headers object (only the names are read, when listed). */
  headers: Readonly<Record<string, unknown>>;
  /** The query as the route saw it, or null (only the names are read, when listed). */
  query: unknown;
}

export interface RequestJournal {
  readonly capacity: number;
  /** Entries pushed out since the last clear. */
  readonly dropped: number;
  /** Entries held (what `list()` would return, without making them). */
  readonly count: number;
  record(entry: RawJournalEntry): void;
  /** Oldest first; each entry is made once, on the first list that holds it. */
  list(): JournalEntry[];
  clear(): void;
}

/**
 * A bounded ring buffer of requests: constant memory however long the lab runs. `secrets`
 * (the configured API keys) are redacted from every URL listed, wherever they appear.
 *
 * @example
 * const journal = createJournal(2); journal.record(a); journal.record(b); journal.record(c);
 * journal.list() // [b, c] as JournalEntry (seq 2 and 3); journal.dropped === 1
 */
export function createJournal(capacity = JOURNAL_CAPACITY, secrets: readonly string[] = []): RequestJournal {
  // Two rings of one index: the raw entries, and the listed form of those already listed.
  const raw: (RawJournalEntry | undefined)[] = new Array(capacity);
  const shown: (JournalEntry | undefined)[] = new Array(capacity);
  let total = 0;
  let start = 0;
  return {
    capacity,
    get dropped() {
      return start;
    },
    get count() {
      return total - start;
    },
    record(entry) {
      const slot = total % capacity;
      raw[slot] = entry;
      shown[slot] = undefined;
      total += 1;
      if (total - start > capacity) start += 1;
    },
    list() {
      const out: JournalEntry[] = [];
      for (let i = start; i < total; i++) {
        const slot = i % capacity;
        out.push((shown[slot] ??= journalEntry(i + 1, raw[slot]!, secrets)));
      }
      return out;
    },
    clear() {
      total = 0;
      start = 0;
      raw.fill(undefined);
      shown.fill(undefined);
    },
  };
}

/**
 * The entry `GET /__admin/requests` shows for a raw entry: `seq`, the ISO time, the URL
 * redacted, has_more and records for a page answered 200, and where the request carried
 * something that looks like a key.
 *
 * @example
 * journalEntry(1, { startMs: 0, method: 'GET', url: '/hed_data?token=t', status: 401, faults: [], durationMs: 2, hasMore: null, records: 0, headers: {}, query: { token: 't' } }, [])
 * // { seq: 1, time: '1970-01-01T00:00:00.000Z', method: 'GET', url: '/hed_data?token=REDACTED', status: 401, faults: [], duration_ms: 2, credentials: ['query token'] }
 */
export function journalEntry(seq: number, entry: RawJournalEntry, secrets: readonly string[]): JournalEntry {
  const credentials = credentialsOf(entry.headers, entry.query);
  return {
    seq,
    time: new Date(entry.startMs).toISOString(),
    method: entry.method,
    url: redactUrl(entry.url, secrets),
    status: entry.status,
    faults: [...entry.faults],
    duration_ms: entry.durationMs,
    ...(entry.hasMore !== null ? { has_more: entry.hasMore, records: entry.records } : {}),
    ...(credentials.length > 0 ? { credentials } : {}),
  };
}

/**
 * Where a request carried something that looks like a key, as `header NAME` / `query NAME`,
 * sorted: the tester's diagnosis tells a key in the wrong header or parameter from a wrong key.
 *
 * @example
 * credentialsOf({ 'api-key': 'k', host: 'h' }, { page_size: 5 }) // ['header api-key']
 */
export function credentialsOf(headers: Readonly<Record<string, unknown>>, query: unknown): string[] {
  const found = Object.keys(headers).filter((name) => CREDENTIAL_NAME.test(name)).map((name) => `header ${name}`);
  if (query !== null && typeof query === 'object') found.push(...Object.keys(query).filter((name) => CREDENTIAL_NAME.test(name)).map((name) => `query ${name}`));
  return found.sort();
}

/**
 * The URL as the journal shows it: query parameters that look like credentials, and any
 * configured API key wherever it appears, become REDACTED.
 *
 * @example
 * redactUrl('/hed_data?api_key=hed-demo-key&page_size=5', ['hed-demo-key']) // '/hed_data?api_key=REDACTED&page_size=5'
 */
export function redactUrl(url: string, secrets: readonly string[]): string {
  const q = url.indexOf('?');
  let out = url;
  // Without an escape, a parameter name can only look like a credential where the query does.
  if (q >= 0 && (url.includes('%', q) || CREDENTIAL_NAME.test(url.slice(q + 1)))) {
    const parts = url.slice(q + 1).split('&').map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A badly encoded name is shown as sent.
      }
      return eq >= 0 && CREDENTIAL_NAME.test(decoded) ? `${name}=REDACTED` : pair;
    });
    out = `${url.slice(0, q)}?${parts.join('&')}`;
  }
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    if (out.includes(secret)) out = out.split(secret).join('REDACTED');
    const encoded = encodeURIComponent(secret);
    if (out.includes(encoded)) out = out.split(encoded).join('REDACTED');
  }
  return out;
}
