import type { JournalEntry } from '../../api/faults.js';

/** Entries kept before the oldest are dropped. */
export const JOURNAL_CAPACITY = 1000;
const SECRET_PARAM = /key|token|secret|auth|password/i;

export interface RequestJournal {
  readonly capacity: number;
  /** Entries pushed out since the last clear. */
  readonly dropped: number;
  record(entry: Omit<JournalEntry, 'seq'>): void;
  /** Oldest first. */
  list(): JournalEntry[];
  clear(): void;
}

/**
 * A bounded ring buffer of requests: constant memory however long the lab runs.
 *
 * @example
 * const journal = createJournal(2); journal.record(a); journal.record(b); journal.record(c);
 * journal.list() // [b, c]; journal.dropped === 1
 */
export function createJournal(capacity = JOURNAL_CAPACITY): RequestJournal {
  const ring: JournalEntry[] = new Array(capacity);
  let total = 0;
  let start = 0;
  return {
    capacity,
    get dropped() {
      return start;
    },
    record(entry) {
      ring[total % capacity] = { seq: total + 1, ...entry };
      total += 1;
      if (total - start > capacity) start += 1;
    },
    list() {
      const out: JournalEntry[] = [];
      for (let i = start; i < total; i++) out.push(ring[i % capacity]!);
      return out;
    },
    clear() {
      total = 0;
      start = 0;
      ring.fill(undefined as unknown as JournalEntry);
    },
  };
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
  if (q >= 0 && (url.includes('%', q) || SECRET_PARAM.test(url.slice(q + 1)))) {
    const parts = url.slice(q + 1).split('&').map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A badly encoded name is shown as sent.
      }
      return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=REDACTED` : pair;
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
