import { HedClient, type HedPage } from './client.js';
import type { Configuration } from './configuration.js';
import { parseConfiguration } from './configuration.js';
import { decideRetry, type RetryPolicy } from './retry-policy.js';

/** The one table this connector delivers. */
export const TABLE = 'hed_records';
export const PRIMARY_KEY = 'record_id';

/** What schema() declares per table, as the Fivetran SDK has it. */
export interface TableSchema {
  table: string;
  primary_key: string[];
}

/** The state the connector checkpoints: where the next incremental sync starts. */
export interface ConnectorState {
  next_cursor?: string;
}

/** One operation of update(), the Fivetran SDK vocabulary. */
export type Operation =
  | { type: 'upsert'; table: string; data: Record<string, unknown> }
  | { type: 'update'; table: string; data: Record<string, unknown> }
  | { type: 'delete'; table: string; data: Record<string, unknown> }
  | { type: 'checkpoint'; state: ConnectorState };

/** Something that serves pages; HedClient in production. */
export interface PageSource {
  fetchPage(request: { pageSize: number; cursor?: string }): Promise<HedPage>;
}

/** What happened during the sync, for logs and the progress display. */
export type SyncEvent =
  | { kind: 'request'; page: number; attempt: number; cursor?: string }
  | { kind: 'retry'; page: number; attempt: number; waitMs: number; reason: string }
  | { kind: 'page'; page: number; records: number; hasMore: boolean; nextCursor: string };

/** Everything the sync loop needs, injected so tests control time, randomness and the network. */
export interface SyncDependencies {
  client: PageSource;
  pageSize: number;
  retryPolicy: RetryPolicy;
  /** Waits `ms` milliseconds; tests pass one that only records the wait. */
  sleep(ms: number): Promise<void>;
  /** Epoch milliseconds (Retry-After HTTP-dates are relative to it). */
  now(): number;
  /** Uniform in [0, 1): backoff jitter. */
  random(): number;
  onEvent?(event: SyncEvent): void;
}

/** Why a sync stopped: a stable code and a sentence for `Sync FAILED: <reason>`. */
export class SyncError extends Error {
  constructor(readonly code: 'request_failed' | 'repeated_cursor' | 'bad_state', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SyncError';
  }
}

/**
 * The tables the connector delivers, as the SDK's schema(configuration).
 *
 * @example
 * schema({}) // [{ table: 'hed_records', primary_key: ['record_id'] }]
 */
export function schema(_configuration: Configuration): TableSchema[] {
  return [{ table: TABLE, primary_key: [PRIMARY_KEY] }];
}

/**
 * The sync loop: pages from `state.next_cursor` on, an upsert per record and a checkpoint
 * after every page, until a page says has_more: false. Failed requests are retried as
 * decideRetry says; a request that will not succeed, or a cursor that comes back while
 * has_more is true, ends the generator with a SyncError.
 *
 * @example
 * for await (const op of syncOperations({}, deps)) if (op.type === 'checkpoint') save(op.state);
 */
export async function* syncOperations(state: ConnectorState, deps: SyncDependencies): AsyncGenerator<Operation> {
  if (state.next_cursor !== undefined && typeof state.next_cursor !== 'string') {
    throw new SyncError('bad_state', 'The saved state has a next_cursor that is not a string. Run `hed-connector reset` to start over.');
  }
  let cursor = state.next_cursor === '' ? undefined : state.next_cursor;
  const seenCursors = new Set<string>(cursor === undefined ? [] : [cursor]);
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await fetchWithRetries(deps, pageNumber, cursor);
    deps.onEvent?.({ kind: 'page', page: pageNumber, records: page.hed_records.length, hasMore: page.has_more, nextCursor: page.next_cursor });
    if (page.has_more && seenCursors.has(page.next_cursor)) {
      // Going on would request the same position forever: stop loudly instead.
      throw new SyncError(
        'repeated_cursor',
        `The API returned the same cursor twice while has_more was true (page ${pageNumber}, cursor ${page.next_cursor}); stopping instead of looping.`,
      );
    }
    for (const record of page.hed_records) yield { type: 'upsert', table: TABLE, data: { ...record } };
    seenCursors.add(page.next_cursor);
    cursor = page.next_cursor;
    yield { type: 'checkpoint', state: { next_cursor: page.next_cursor } };
    if (!page.has_more) return;
  }
}

async function fetchWithRetries(deps: SyncDependencies, page: number, cursor: string | undefined): Promise<HedPage> {
  for (let attempt = 1; ; attempt++) {
    deps.onEvent?.({ kind: 'request', page, attempt, ...(cursor === undefined ? {} : { cursor }) });
    try {
      return await deps.client.fetchPage(cursor === undefined ? { pageSize: deps.pageSize } : { pageSize: deps.pageSize, cursor });
    } catch (error) {
      const decision = decideRetry(attempt, error, deps.retryPolicy, { random: deps.random, nowMs: deps.now() });
      if (!decision.retry) throw new SyncError('request_failed', decision.reason, { cause: error });
      deps.onEvent?.({ kind: 'retry', page, attempt, waitMs: decision.waitMs, reason: decision.reason });
      await deps.sleep(decision.waitMs);
    }
  }
}

/**
 * The SDK's update(configuration, state): validates the configuration, builds the client
 * and runs syncOperations with real time and randomness unless `overrides` replace them.
 * Throws ConfigurationError for a bad configuration.
 */
export async function* update(
  configuration: Configuration,
  state: ConnectorState,
  overrides: Partial<SyncDependencies> = {},
): AsyncGenerator<Operation> {
  const { settings } = parseConfiguration(configuration);
  const deps: SyncDependencies = {
    client: new HedClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs }),
    pageSize: settings.pageSize,
    retryPolicy: settings.retry,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
    // Jitter only spreads retries of many clients; it never has to replay, so the edge may
    // use Math.random. Tests inject their own.
    random: () => Math.random(),
    ...overrides,
  };
  yield* syncOperations(state, deps);
}
