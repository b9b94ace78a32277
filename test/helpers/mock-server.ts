import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDependencies } from '../../server/app.js';
import { serverConfig, type ServerConfig } from '../../server/config.js';
import { loadScenario } from '../../server/faults/scenarios.js';

export const API_KEY = 'hed-demo-key';
export const AUTH = { 'x-api-key': API_KEY };

export interface RunningMock {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

/**
 * The real mock app on 127.0.0.1, port 0, silent. Close it in teardown.
 *
 * @example
 * const mock = await startMock({ students: 50 }); t.teardown(mock.close);
 */
export async function startMock(overrides: Partial<ServerConfig> = {}, deps: AppDependencies = {}): Promise<RunningMock> {
  const app = await buildApp(serverConfig({ logLevel: 'silent', port: 0, ...overrides }), withScenario(overrides, deps));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: address, close: () => app.close() };
}

/** The app without a socket, for inject(). */
export function buildTestApp(overrides: Partial<ServerConfig> = {}, deps: AppDependencies = {}): Promise<FastifyInstance> {
  return buildApp(serverConfig({ logLevel: 'silent', ...overrides }), withScenario(overrides, deps));
}

/** buildApp takes a loaded scenario, as server/main.ts passes it: a `scenario` name in the overrides is loaded here, not silently ignored. */
function withScenario(overrides: Partial<ServerConfig>, deps: AppDependencies): AppDependencies {
  return overrides.scenario === undefined || deps.scenario !== undefined ? deps : { ...deps, scenario: loadScenario(overrides.scenario) };
}
