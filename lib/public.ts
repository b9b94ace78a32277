/**
 * hed-lab-kit's public entry: what a connector team imports in its own CI. Start the mock
 * in process, drive it through Pact's provider states, check recorded responses against
 * the OpenAPI document and the error catalog. Everything else in the package is internal.
 *
 * @example
 * import { startMock } from 'hed-lab-kit';
 * const mock = await startMock({ seed: 42, students: 600, scenario: 'flaky', port: 0 });
 * await fetch(`${mock.url}/hed_data`, { headers: { 'x-api-key': 'hed-demo-key' } });
 * await mock.close();
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { serverConfig, type ServerConfig } from '../server/config.js';
import { listScenarios, loadScenario, type LoadedScenario } from '../server/faults/scenarios.js';
import { createStateHandlers, type ProviderStateControl } from '../contracts/provider-states.js';
import { createResponseChecker, type ResponseChecker } from '../contracts/conformance.js';

export { createStateHandlers, CONTRACT_API_KEY, PROVIDER_STATES, STATE_SETUP_HEADER } from '../contracts/provider-states.js';
export type { ProviderStateControl, StateValues } from '../contracts/provider-states.js';
export { createResponseChecker } from '../contracts/conformance.js';
export type { ResponseChecker, SeenResponse } from '../contracts/conformance.js';
export { ERROR_CATALOG, ERROR_CODES, errorBodyProblems } from '../api/errors.js';
export type { ApiErrorBody, ErrorCode, ErrorEntry } from '../api/errors.js';
export type { HedRecord } from '../api/record.js';
export type { HedPage } from '../api/page.js';
export type { FaultRuleInput } from '../api/faults.js';
export { listScenarios, loadScenario } from '../server/faults/scenarios.js';
export type { LoadedScenario } from '../server/faults/scenarios.js';

/** How to start an in-process mock; everything is optional. */
export interface StartMockOptions {
  /** Dataset and fault seed (default 42). */
  seed?: number;
  /** Students in the dataset (default 600). */
  students?: number;
  /** A named scenario (see listScenarios()), a path to a scenario file, or one already loaded. */
  scenario?: string | LoadedScenario;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Accepted API keys (default hed-demo-key and the lab's published key). */
  apiKeys?: string[];
  /** lab (default): has_more whenever a page is full; exact: only while records remain. */
  paging?: ServerConfig['paging'];
  /** When set, admin calls need x-admin-token. */
  adminToken?: string;
}

/** A mock started by `startMock`. */
export interface RunningMock {
  /** http://HOST:PORT, the real port. */
  url: string;
  /** The Fastify app (for `inject()`, `app.faults`, `app.store`). */
  app: FastifyInstance;
  /** Pact provider-state handlers over this mock (`stateHandlers` for Pact's Verifier). */
  stateHandlers(): ProviderStateControl['handlers'];
  /** A checker of responses against this mock's own OpenAPI document and error catalog. */
  responseChecker(): ResponseChecker;
  /** Stops listening and frees the dataset. */
  close(): Promise<void>;
}

/**
 * Starts the mock API in this process on `host:port` (127.0.0.1, a free port by default),
 * silent, and resolves once it listens.
 *
 * @example
 * const mock = await startMock({ seed: 42, students: 600, port: 0 });
 * new Verifier({ providerBaseUrl: mock.url, pactUrls, stateHandlers: mock.stateHandlers() });
 */
export async function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const config = serverConfig({
    logLevel: 'silent',
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(options.students !== undefined && { students: options.students }),
    ...(options.apiKeys !== undefined && { apiKeys: options.apiKeys }),
    ...(options.paging !== undefined && { paging: options.paging }),
    ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
  });
  const scenario = typeof options.scenario === 'string' ? loadScenario(options.scenario) : options.scenario;
  const app = await buildApp(config, { scenario });
  let url: string;
  try {
    url = await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    throw err;
  }
  let checker: ResponseChecker | undefined;
  return {
    url,
    app,
    stateHandlers: () => createStateHandlers(app).handlers,
    responseChecker: () => (checker ??= createResponseChecker(app.swagger())),
    close: () => app.close(),
  };
}

/** The names of the scenarios shipped with the kit, sorted. */
export const scenarioNames = (): string[] => listScenarios();
