import { Command, Option } from 'commander';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { ConfigError, resolveServerConfig, SERVER_DEFAULTS, type ServerFlags } from './config.js';
import { loadScenario, ScenarioError, type LoadedScenario } from './faults/scenarios.js';

/** The --scenario to start with, loaded here; an unknown name or a bad file is a ConfigError naming the flag. */
export function startScenario(nameOrPath: string | undefined): LoadedScenario | undefined {
  if (nameOrPath === undefined) return undefined;
  try {
    return loadScenario(nameOrPath);
  } catch (err) {
    if (err instanceof ScenarioError) throw new ConfigError(`--scenario / HED_SCENARIO: ${err.message}`);
    throw err;
  }
}

/**
 * Starts the mock: config from flags and environment, build, listen, one "listening on"
 * line, graceful shutdown on SIGINT/SIGTERM. Resolves with the running app.
 */
export async function serve(flags: ServerFlags, env: Record<string, string | undefined>, out = process.stdout): Promise<FastifyInstance> {
  const config = resolveServerConfig(flags, env);
  const started = performance.now();
  const app = await buildApp(config, { scenario: startScenario(config.scenario) });
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace(/^http:\/\/\[::1\]/, 'http://[::1]');
  out.write(
    `HED mock listening on ${url} (seed ${config.seed}, ${app.store.count()} records, ${config.paging} paging, ` +
      `ready in ${Math.round(performance.now() - started)} ms). GET ${url}/hed_data with x-api-key; docs at ${url}/docs\n`,
  );
  return app;
}

function installShutdown(app: FastifyInstance): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) {
      process.stderr.write(`${signal} again: exiting now.\n`);
      process.exit(130);
    }
    closing = true;
    process.stderr.write(`${signal}: shutting down.\n`);
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function createProgram(): Command {
  const program = new Command('hed-mock')
    .description('Offline mock of the HED API (Fivetran Connector SDK lab), with faults and scenarios.')
    .showHelpAfterError();
  program
    .command('serve')
    .description('Serve GET /hed_data, the admin API and the docs until Ctrl-C.')
    .addOption(new Option('--port <port>', `port to listen on; 0 picks a free one [env HED_PORT] (default: ${SERVER_DEFAULTS.port})`))
    .addOption(new Option('--host <host>', `address to bind [env HED_HOST] (default: ${SERVER_DEFAULTS.host})`))
    .addOption(new Option('--seed <n>', `dataset and fault seed [env HED_SEED] (default: ${SERVER_DEFAULTS.seed})`))
    .addOption(new Option('--students <n>', `students in the dataset, 1 to 1000000 [env HED_STUDENTS] (default: ${SERVER_DEFAULTS.students})`))
    .addOption(new Option('--api-key <key>', 'accepted API key, repeatable [env HED_API_KEYS, comma list] (default: hed-demo-key)').argParser(collect))
    .addOption(new Option('--scenario <name-or-path>', 'fault scenario to load: a name from fixtures/scenarios or a JSON file [env HED_SCENARIO]'))
    .addOption(new Option('--db <path>', 'SQLite file for the dataset; it survives restarts [env HED_DB] (default: in memory)'))
    .addOption(new Option('--paging <mode>', 'lab: has_more whenever a page is full (hosted API); exact: only when records remain [env HED_PAGING] (default: lab)'))
    .addOption(new Option('--admin-token <token>', 'require x-admin-token on /__admin and allow it from any address [env HED_ADMIN_TOKEN]'))
    .addOption(new Option('--log-level <level>', 'server log level: fatal, error, warn, info, debug, trace, silent [env HED_LOG_LEVEL] (default: warn)'))
    .action(async (flags: ServerFlags) => {
      installShutdown(await serve(flags, process.env));
    });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`hed-mock: ${err.message}\n`);
      process.exit(2);
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      process.stderr.write(`hed-mock: the port is already in use (${e.message}). Stop the other server or pass --port 0 for a free port.\n`);
      process.exit(1);
    }
    process.stderr.write(`hed-mock: ${e.stack ?? String(err)}\n`);
    process.exit(1);
  }
}
