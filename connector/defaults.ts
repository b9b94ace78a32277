/**
 * Every default of the connector in one block, units in the names. The configuration
 * file (connector/configuration.ts) can override the tuning values; nothing else
 * hard-codes a number.
 */
export const CONNECTOR_DEFAULTS = {
  /** Records asked per page when the configuration has no page_size (the lab uses 100). */
  pageSize: 100,
  /** Whole request (connect, headers and body) must finish within this, per attempt. */
  timeoutMs: 30_000,
  /** Attempts per page, the first one included; then the sync fails. */
  maxAttempts: 6,
  /** First backoff wait; doubled at every further attempt. */
  baseDelayMs: 500,
  /** Backoff waits never exceed this, before jitter. */
  maxDelayMs: 30_000,
  /** A Retry-After longer than this is cut down to it (a server asking for an hour gets this). */
  maxRetryAfterMs: 120_000,
  /** Jitter: the wait is drawn uniformly from [delay * (1 - jitterRatio), delay]. */
  jitterRatio: 0.5,
  /** Where `hed-connector debug` writes warehouse.db and state.json. */
  outputDir: 'files',
} as const;
