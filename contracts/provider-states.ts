import type { FastifyInstance } from 'fastify';

/**
 * The provider states the connector's pact uses, by name. Consumer tests import these
 * names so both sides spell them the same; a connector team reuses them in its own pacts
 * and verifies against `createStateHandlers` (see README "Contracts").
 */
export const PROVIDER_STATES = {
  /** The seed-42 dataset of 600 students as first generated; the contract key accepted; no faults. */
  seeded: 'the seeded dataset of 600 students',
  /** As `seeded`, and a client has read up to `position` (param): the state value `cursor` is that position's cursor. */
  readUpTo: 'the seeded dataset has been read up to a position',
  /** As `seeded`, and a client has read every record: `cursor` is the position after the last one. */
  readToTheEnd: 'the seeded dataset has been read to the end',
  /** A client read to the end (`cursor`), then `update` records changed and `create` were added (params). */
  changedSinceLastSync: 'records changed after the last sync',
  /** A quota of 1 request per `retry_after_seconds` (param) is used up: 429 with a computed Retry-After. */
  rateLimited: 'the API key has used up its rate limit',
  /** A fault rule answers every /hed_data request 503 service_unavailable, as during maintenance. */
  unavailable: 'the API is temporarily unavailable',
} as const;

/** The key the pact sends; the state handlers make it the one key the provider accepts. */
export const CONTRACT_API_KEY = 'hed-contract-key';

/** Marks the requests a state handler makes itself (to use up a quota), so counters can skip them. */
export const STATE_SETUP_HEADER = 'x-provider-state-setup';

/** Parameters a state receives from the pact (Pact passes them as JSON). */
type StateParams = Record<string, unknown> | undefined;
/** What a state handler answers: values Pact injects where the pact says fromProviderState. */
export type StateValues = Record<string, string>;

export interface ProviderStateControl {
  /** The handlers to give Pact's Verifier as `stateHandlers`. */
  handlers: Record<string, (params?: unknown) => Promise<StateValues>>;
  /** How many times each state was set up (a verification that set up nothing proves nothing). */
  setups: Map<string, number>;
}

/**
 * State handlers for Pact's Verifier over a real app, driving the server's own functions:
 * each one resets through `POST /__admin/reset` (dataset, faults, journal), accepts only
 * `CONTRACT_API_KEY`, then positions cursors (answered as the state value `cursor`,
 * computed by `app.cursors`), mutates records through the store, or installs fault rules
 * through `app.faults` (a real quota rule for 429, a status rule for 503).
 *
 * @example
 * const states = createStateHandlers(app);
 * new Verifier({ providerBaseUrl, pactUrls, stateHandlers: states.handlers });
 */
export function createStateHandlers(app: FastifyInstance): ProviderStateControl {
  const setups = new Map<string, number>();
  const fresh = async (state: string) => {
    setups.set(state, (setups.get(state) ?? 0) + 1);
    const reset = await app.inject({ method: 'POST', url: '/__admin/reset' });
    if (reset.statusCode !== 200) throw new Error(`Provider state "${state}": POST /__admin/reset answered ${reset.statusCode}: ${reset.body}`);
    app.acceptedKeys.clear();
    app.acceptedKeys.add(CONTRACT_API_KEY);
  };
  const positiveInt = (params: StateParams, name: string, fallback: number) => {
    const value = params?.[name] ?? fallback;
    if (!Number.isInteger(value) || (value as number) < 0) {
      throw new Error(`Provider state parameter ${name} must be a whole number of 0 or more; the pact sent ${JSON.stringify(value)}.`);
    }
    return value as number;
  };

  const handlers: ProviderStateControl['handlers'] = {
    [PROVIDER_STATES.seeded]: async () => {
      await fresh(PROVIDER_STATES.seeded);
      return {};
    },
    [PROVIDER_STATES.readUpTo]: async (params) => {
      await fresh(PROVIDER_STATES.readUpTo);
      const position = positiveInt(params as StateParams, 'position', 0);
      return { cursor: app.cursors.encode(position) };
    },
    [PROVIDER_STATES.readToTheEnd]: async () => {
      await fresh(PROVIDER_STATES.readToTheEnd);
      return { cursor: app.cursors.encode(app.store.maxPosition()) };
    },
    [PROVIDER_STATES.changedSinceLastSync]: async (params) => {
      await fresh(PROVIDER_STATES.changedSinceLastSync);
      const cursor = app.cursors.encode(app.store.maxPosition());
      app.store.mutate(positiveInt(params as StateParams, 'update', 2), positiveInt(params as StateParams, 'create', 1));
      return { cursor };
    },
    [PROVIDER_STATES.rateLimited]: async (params) => {
      await fresh(PROVIDER_STATES.rateLimited);
      // A real quota of one request per window, used up here: the next request gets 429
      // with the Retry-After the fault engine computes (at most the window).
      const seconds = Math.max(1, positiveInt(params as StateParams, 'retry_after_seconds', 30));
      app.faults.add([{ id: 'contract-quota', rate_limit: { requests: 1, per_seconds: seconds } }]);
      const used = await app.inject({ url: '/hed_data?page_size=1', headers: { 'x-api-key': CONTRACT_API_KEY, [STATE_SETUP_HEADER]: 'true' } });
      if (used.statusCode !== 200) throw new Error(`Provider state "${PROVIDER_STATES.rateLimited}": using up the quota answered ${used.statusCode}: ${used.body}`);
      return {};
    },
    [PROVIDER_STATES.unavailable]: async () => {
      await fresh(PROVIDER_STATES.unavailable);
      app.faults.add([{ id: 'contract-unavailable', status: 503 }]);
      return {};
    },
  };
  return { handlers, setups };
}
