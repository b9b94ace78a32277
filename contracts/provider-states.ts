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
  /** Every /hed_data request is answered 429 with Retry-After `retry_after_seconds` (param). */
  rateLimited: 'the API key has used up its rate limit',
  /** Every /hed_data request is answered 503, as during maintenance. */
  unavailable: 'the API is temporarily unavailable',
} as const;

/** The key the pact sends; the state handlers make it the one key the provider accepts. */
export const CONTRACT_API_KEY = 'hed-contract-key';

/** A fault a provider state installs for /hed_data: the status, headers and JSON body to answer. */
export interface ContractFault {
  status: number;
  headers: Record<string, string>;
  body: { error: string; message: string };
}

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
 * State handlers for Pact's Verifier over a real app: each one resets the seeded dataset
 * through the store, accepts only `CONTRACT_API_KEY`, clears the contract fault, then
 * positions cursors (answered as the state value `cursor`, computed by `app.cursors`),
 * mutates records or installs a fault. Install `installContractFaultHook(app)` before
 * the app is ready so the fault states take effect.
 *
 * @example
 * const states = createStateHandlers(app);
 * new Verifier({ providerBaseUrl, pactUrls, stateHandlers: states.handlers });
 */
export function createStateHandlers(app: FastifyInstance): ProviderStateControl {
  const setups = new Map<string, number>();
  const fresh = (state: string) => {
    setups.set(state, (setups.get(state) ?? 0) + 1);
    app.store.reset();
    app.config.apiKeys = [CONTRACT_API_KEY];
    setContractFault(app, undefined);
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
      fresh(PROVIDER_STATES.seeded);
      return {};
    },
    [PROVIDER_STATES.readUpTo]: async (params) => {
      fresh(PROVIDER_STATES.readUpTo);
      const position = positiveInt(params as StateParams, 'position', 0);
      return { cursor: app.cursors.encode(position) };
    },
    [PROVIDER_STATES.readToTheEnd]: async () => {
      fresh(PROVIDER_STATES.readToTheEnd);
      return { cursor: app.cursors.encode(app.store.maxPosition()) };
    },
    [PROVIDER_STATES.changedSinceLastSync]: async (params) => {
      fresh(PROVIDER_STATES.changedSinceLastSync);
      const cursor = app.cursors.encode(app.store.maxPosition());
      app.store.mutate(positiveInt(params as StateParams, 'update', 2), positiveInt(params as StateParams, 'create', 1));
      return { cursor };
    },
    [PROVIDER_STATES.rateLimited]: async (params) => {
      fresh(PROVIDER_STATES.rateLimited);
      const seconds = positiveInt(params as StateParams, 'retry_after_seconds', 30);
      setContractFault(app, {
        status: 429,
        headers: { 'retry-after': String(seconds) },
        body: { error: 'rate_limited', message: `Too many requests for this API key. Wait ${seconds} seconds (Retry-After) and try again.` },
      });
      return {};
    },
    [PROVIDER_STATES.unavailable]: async () => {
      fresh(PROVIDER_STATES.unavailable);
      setContractFault(app, {
        status: 503,
        headers: {},
        body: { error: 'service_unavailable', message: 'The API is down for maintenance. Retry with backoff; nothing was changed.' },
      });
      return {};
    },
  };
  return { handlers, setups };
}

// --- a stand-in for the fault engine (issue 4), used until it can be driven from code ---

const faults = new WeakMap<FastifyInstance, ContractFault | undefined>();

/** Sets (or with `undefined`, clears) the fault the contract hook answers /hed_data with. */
export function setContractFault(app: FastifyInstance, fault: ContractFault | undefined): void {
  faults.set(app, fault);
}

/**
 * A minimal onRequest hook, `contractFaultHook`, that answers /hed_data with the fault a
 * provider state set. Named and kept here, not in the server, because it exists only so
 * the 429 and 503 interactions can be verified before the fault engine lands.
 *
 * @example
 * const app = await buildApp(config); installContractFaultHook(app); await app.listen(...)
 */
export function installContractFaultHook(app: FastifyInstance): void {
  app.addHook('onRequest', async function contractFaultHook(request, reply) {
    const fault = faults.get(app);
    if (!fault || !/^\/hed_data(\?|$)/.test(request.url)) return;
    for (const [name, value] of Object.entries(fault.headers)) reply.header(name, value);
    return reply.code(fault.status).type('application/json; charset=utf-8').send(fault.body);
  });
}
