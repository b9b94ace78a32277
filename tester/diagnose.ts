// Step 5 of the lab (GenAI): say what to fix. The usual slips of a connector written from
// the lab's prompts (the key in the wrong header, another table name, has_more read under
// another name, the cursor never sent back) all leave a trace in the mock's request
// journal. Pure functions over journal entries and what the run wrote; no sockets here.
import type { JournalEntry } from '../api/faults.js';

/** The key header every lab path takes, and the table when no vertical is named (HED's; a caller passes the vertical's own). */
export const DIAGNOSE_DEFAULTS = {
  table: 'hed_records',
  keyHeader: 'x-api-key',
  /** The mock's alias for the key header (it accepts it too). */
  keyHeaderAlias: 'api_key',
} as const;

/** The slips a diagnosis can name. */
export type DiagnosisKind = 'api-key' | 'table-name' | 'records-not-read' | 'stopped-while-has-more' | 'cursor-not-sent';

/** One cause found in the journal: what the mock saw, and one sentence on what to change. */
export interface Diagnosis {
  kind: DiagnosisKind;
  /** What happened, as a sentence. */
  message: string;
  /** What to change in connector.py, as one sentence. */
  advice: string;
}

/** What one connector run left behind, as the diagnosis needs it. */
export interface RunTrace {
  /** The run's requests to its vertical's data path (/hed_data, /agr_data, ...), oldest first. */
  requests: readonly JournalEntry[];
  /** The run reported success. */
  ok: boolean;
  /** Tables the warehouse holds after the run (undefined when unknown). */
  tables?: readonly string[];
  /** Rows the run wrote (upserts and updates; undefined when unknown). */
  rowsWritten?: number;
}

/** Fault actions that leave the page's body whole: such a page counts as a good answer. */
const BENIGN_ACTIONS: ReadonlySet<string> = new Set(['delay', 'dribble', 'overlap']);
/** Fault actions that break a 200 answer's body (or cut it off). */
const BROKEN_BODY_ACTIONS: ReadonlySet<string> = new Set(['malformed', 'truncate', 'html', 'empty', 'reset', 'hang']);

/**
 * Whether a journal entry is a request that failed for the connector: 4xx/5xx, a socket
 * fault (reset, empty, truncate, hang), or a 200 whose body a fault broke (malformed,
 * truncated: the journal records those as status 200 with the fault).
 *
 * @example
 * isFailedRequest({ status: 200, faults: [{ rule: 'm', action: 'malformed' }] }) // true
 */
export function isFailedRequest(entry: Pick<JournalEntry, 'status' | 'faults'>): boolean {
  return typeof entry.status === 'string' || entry.status >= 400 || entry.faults.some((f) => BROKEN_BODY_ACTIONS.has(f.action));
}

/** A 200 page whose body no fault touched (delays, dribbles and overlaps keep it whole). */
function isCleanPage(entry: JournalEntry): boolean {
  return entry.status === 200 && entry.faults.every((f) => BENIGN_ACTIONS.has(f.action));
}

/** The cursor parameter a request sent ('' when none). */
export function cursorOf(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  return new URLSearchParams(url.slice(q + 1)).get('cursor') ?? '';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The key diagnosis when the mock refused every request with 401: where the key went
 * (the journal notes header and parameter names, never values) and where it belongs.
 */
function keyDiagnosis(requests: readonly JournalEntry[]): Diagnosis | undefined {
  if (requests.length === 0 || !requests.every((e) => e.status === 401)) return undefined;
  const places = [...new Set(requests.flatMap((e) => e.credentials ?? []))];
  const rightPlace = places.some((p) => p === `header ${DIAGNOSE_DEFAULTS.keyHeader}` || p === `header ${DIAGNOSE_DEFAULTS.keyHeaderAlias}`);
  const seen = `The mock answered 401 to all ${plural(requests.length, 'request')}`;
  if (rightPlace) {
    return {
      kind: 'api-key',
      message: `${seen}: the key was sent in the ${DIAGNOSE_DEFAULTS.keyHeader} header but refused.`,
      advice: `Put a key the API accepts in "api_key" of configuration.json (a mock started without --api-key accepts hed-demo-key and the lab's fiveTRANmovesTHEworldsDATA; with --api-key, only the keys given there).`,
    };
  }
  const where = places.length === 0 ? 'no key was sent at all' : `the key went in ${places.join(' and ')}`;
  return {
    kind: 'api-key',
    message: `${seen}: ${where}, not in the ${DIAGNOSE_DEFAULTS.keyHeader} header.`,
    advice: `Send the key in the header ${DIAGNOSE_DEFAULTS.keyHeader} (with a hyphen, lowercase), e.g. session.headers.update({"${DIAGNOSE_DEFAULTS.keyHeader}": configuration["api_key"]}).`,
  };
}

/** A request for the same page again (the same cursor, or none) right after a clean page that said has_more: true. */
function cursorDiagnosis(requests: readonly JournalEntry[]): Diagnosis | undefined {
  let repeats = 0;
  let withoutCursor = 0;
  for (let i = 1; i < requests.length; i++) {
    const before = requests[i - 1]!;
    const now = requests[i]!;
    if (!isCleanPage(before) || before.has_more !== true) continue;
    if (cursorOf(now.url) !== cursorOf(before.url)) continue;
    repeats += 1;
    if (cursorOf(now.url) === '') withoutCursor += 1;
  }
  if (repeats === 0) return undefined;
  const how = withoutCursor === repeats ? 'without a cursor' : 'with the cursor it had just sent';
  return {
    kind: 'cursor-not-sent',
    message: `After a page that said has_more: true the connector asked for the same page again ${plural(repeats, 'time')} (${how}): the cursor was never sent back.`,
    advice: 'Send the next_cursor of each page back as the cursor parameter of the next request (params["cursor"] = data["next_cursor"]) and checkpoint it.',
  };
}

/** The run ended on a clean page that said has_more: true and reported success. */
function stoppedDiagnosis(run: RunTrace): Diagnosis | undefined {
  const last = run.requests.at(-1);
  if (!run.ok || last === undefined || !isCleanPage(last) || last.has_more !== true) return undefined;
  const pages = run.requests.filter(isCleanPage).length;
  return {
    kind: 'stopped-while-has-more',
    message: `The connector stopped after ${plural(pages, 'page')} while the last page said has_more: true, so the records after it were never read.`,
    advice: 'Read the flag as data["has_more"] (snake_case, as the API sends it; not "hasMore") and keep requesting with next_cursor until it is false.',
  };
}

/** The expected table is missing while another was written. */
function tableDiagnosis(run: RunTrace, table: string): Diagnosis | undefined {
  if (run.tables === undefined || run.tables.length === 0 || run.tables.includes(table)) return undefined;
  const names = run.tables.map((name) => `"${name}"`).join(', ');
  return {
    kind: 'table-name',
    message: `The connector wrote the table${run.tables.length === 1 ? '' : 's'} ${names}, not "${table}".`,
    advice: `Name the table "${table}" in schema() and in every op.upsert(table="${table}", ...), as the API names its records.`,
  };
}

/** Pages held records and the run wrote none: the records were read from another key of the body. */
function recordsDiagnosis(run: RunTrace, table: string): Diagnosis | undefined {
  if (!run.ok || run.rowsWritten !== 0) return undefined;
  const served = run.requests.filter(isCleanPage).reduce((n, e) => n + (e.records ?? 0), 0);
  if (served === 0) return undefined;
  return {
    kind: 'records-not-read',
    message: `The pages held ${plural(served, 'record')} and the connector wrote none.`,
    advice: `Read the records from data["${table}"] (the "{prefix}_records" key of each page, not "{prefix}_data").`,
  };
}

/**
 * What the journal says went wrong in one run, most telling first: a refused key hides
 * everything else; a cursor never sent back explains a stop while has_more was true.
 *
 * @example
 * diagnoseRun({ ok: true, requests: [{ status: 200, has_more: true, url: '/hed_data?page_size=100', faults: [], ... }] })
 * // [{ kind: 'stopped-while-has-more', ... }]
 */
export function diagnoseRun(run: RunTrace, table: string = DIAGNOSE_DEFAULTS.table): Diagnosis[] {
  const key = keyDiagnosis(run.requests);
  if (key !== undefined) return [key];
  const found: Diagnosis[] = [];
  const named = tableDiagnosis(run, table);
  if (named !== undefined) found.push(named);
  else {
    const records = recordsDiagnosis(run, table);
    if (records !== undefined) found.push(records);
  }
  const cursor = cursorDiagnosis(run.requests);
  if (cursor !== undefined) found.push(cursor);
  else {
    const stopped = stoppedDiagnosis(run);
    if (stopped !== undefined) found.push(stopped);
  }
  return found;
}

/**
 * The diagnoses of several runs (a scenario's rounds and reruns), each kind once, in the
 * order first seen.
 *
 * @example
 * diagnoseRuns([fullRun, incrementalRun]).map((d) => d.kind) // ['stopped-while-has-more']
 */
export function diagnoseRuns(runs: readonly RunTrace[], table: string = DIAGNOSE_DEFAULTS.table): Diagnosis[] {
  const byKind = new Map<DiagnosisKind, Diagnosis>();
  for (const run of runs) for (const found of diagnoseRun(run, table)) if (!byKind.has(found.kind)) byKind.set(found.kind, found);
  return [...byKind.values()];
}

/**
 * A diagnosis as one line of output (`hed-tester debug`, the scenario table).
 *
 * @example
 * formatDiagnosis(d) // 'The connector stopped ... Fix: Read the flag as data["has_more"] ...'
 */
export function formatDiagnosis(diagnosis: Diagnosis): string {
  return `${diagnosis.message} Fix: ${diagnosis.advice}`;
}
