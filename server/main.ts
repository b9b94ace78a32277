import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { FastifyInstance } from 'fastify';
import { exposureWarning, shownUrls } from '../api/serving.js';
import { ConfigError, resolveServerConfig, SERVER_DEFAULTS, type ServerConfig, type ServerFlags } from './config.js';
import { loadScenario, ScenarioError, type LoadedScenario } from './faults/scenarios.js';
import { VERTICAL_PREFIXES } from '../verticals/index.js';
import { storedBatchCounts } from './vertical-log.js';
import { kitVersion } from '../lib/kit-version.js';

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
 * Why `--db PATH` cannot hold the dataset, before anything opens it: a folder, or a path
 * in a folder that does not exist. Undefined when the path can be used.
 *
 * @example
 * dbPathProblem('/no/such/dir/hed.db') // '--db / HED_DB: the folder /no/such/dir does not exist; ...'
 */
export function dbPathProblem(path: string | undefined): string | undefined {
  if (path === undefined || path === ':memory:') return undefined;
  const full = resolve(path);
  const kind = (p: string) => {
    try {
      return statSync(p).isDirectory() ? 'folder' : 'file';
    } catch {
      return undefined;
    }
  };
  if (kind(full) === 'folder') return `--db / HED_DB: ${full} is a folder; give a file path in it, such as ${full}/hed.db.`;
  const folder = dirname(full);
  if (kind(folder) !== 'folder') return `--db / HED_DB: the folder ${folder} does not exist; create it, or give a path in an existing folder.`;
  return undefined;
}

/**
 * A start failure as one line naming the flag and what to do (exit 2), or undefined when
 * the error is not one a setting explains.
 *
 * @example
 * startErrorLine({ code: 'ENOTFOUND' }, { host: 'nohost', db: undefined }) // '--host / HED_HOST: "nohost" cannot be resolved; ...'
 */
export function startErrorLine(err: unknown, config: { host: string; db?: string }): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return `--host / HED_HOST: "${config.host}" cannot be resolved to an address; give an IP address such as 127.0.0.1 or 0.0.0.0, or a name this machine resolves.`;
  }
  if (code === 'EADDRNOTAVAIL') {
    return `--host / HED_HOST: ${config.host} is not an address of this machine, so the mock cannot listen on it; use 127.0.0.1, 0.0.0.0 (every interface) or one of this machine's addresses.`;
  }
  if (code === 'EACCES') {
    return `--port / HED_PORT: listening on ${config.host} needs privileges for this port; use a port above 1023, such as 8080.`;
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return `--db / HED_DB: ${resolve(config.db ?? '')} is not a SQLite database this mock can read; give another path, or delete the file to have it rebuilt.`;
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    return `--db / HED_DB: ${resolve(config.db ?? '')} cannot be opened for writing; check its permissions or give another path.`;
  }
  return undefined;
}

export { shownUrls } from '../api/serving.js';

/**
 * Starts the mock: config from flags and environment, the scenario loaded, build, listen,
 * one "listening on" line, graceful shutdown on SIGINT/SIGTERM. Resolves with the running
 * app. A setting that cannot work (a host, a --db path) is a ConfigError of one line.
 */
export async function serve(flags: ServerFlags, env: Record<string, string | undefined>, out: { write(text: string): unknown } = process.stdout): Promise<FastifyInstance> {
  const config = resolveServerConfig(flags, env);
  const dbProblem = dbPathProblem(config.db);
  if (dbProblem) throw new ConfigError(dbProblem);
  // Loaded here, not at the top: --help, --version and a bad flag exit without the server's
  // modules (fastify, the routes, the stores: most of a start's second of CPU).
  const { buildApp } = await import('./app.js');
  const started = performance.now();
  const explained = (err: unknown) => {
    const line = startErrorLine(err, config);
    return line === undefined ? err : new ConfigError(line);
  };
  const app = await buildApp(config, { scenario: startScenario(config.scenario) }).catch((err: unknown) => {
    throw explained(err);
  });
  let address: string;
  try {
    address = await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    throw explained(err);
  }
  const [url, ...also] = shownUrls(address);
  const firstPath = config.verticals.includes('hed') ? '/hed_data' : `/${config.verticals[0]}_data`;
  const where = also.length > 0 ? ` (every interface; on this machine also ${also.join(', ')})` : config.host === '0.0.0.0' ? ' (every interface)' : '';
  out.write(
    `HED mock listening on ${url}${where} (seed ${config.seed}, ${app.store.count()} records, ${config.paging} paging, ` +
      `ready in ${Math.round(performance.now() - started)} ms). GET ${url}${firstPath} with x-api-key; docs at ${url}/docs. ${servedVerticalsLine(config.verticals)}${keptLine(config, app)}\n`,
  );
  const admin = config.adminToken !== undefined ? 'and the admin API (with the admin token)' : 'while the admin API stays loopback-only';
  const paths = config.verticals.length === 1 ? `GET ${firstPath} (with an API key), /${config.verticals[0]}_api_spec` : `GET /{prefix}_data of the ${config.verticals.length} verticals served (with an API key), their spec pages`;
  const warning = exposureWarning(config.host, 'the mock', `${paths} and /docs ${admin}`, [url!, ...also]);
  if (warning) out.write(`${warning}\n`);
  return app;
}

/**
 * What the start line says about the lab verticals served.
 *
 * @example
 * servedVerticalsLine(['agr', 'hed']) // 'Serving 2 of 15 verticals: agr, hed at /{prefix}_data.'
 */
export function servedVerticalsLine(verticals: readonly string[]): string {
  const which = verticals.length === VERTICAL_PREFIXES.length ? `all ${verticals.length} verticals` : `${verticals.length} of ${VERTICAL_PREFIXES.length} verticals`;
  return `Serving ${which}: ${verticals.join(', ')} at /{prefix}_data.`;
}

/**
 * The start line's end with `--db FILE`: where the data is kept and the mutation batches
 * it holds from earlier runs, now in effect (HED's in its store; the served verticals'
 * replayed from their lists); nothing without a file.
 *
 * @example
 * keptClause('/lab/hed.db', { hed: 1, tlc: 2 }) // ' Data kept in /lab/hed.db (replayed 3 mutation batches: hed 1, tlc 2).'
 */
export function keptClause(file: string, counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const batches = total === 0 ? 'no stored mutation batches to replay' : `replayed ${total} mutation batch${total === 1 ? '' : 'es'}: ${entries.map(([p, n]) => `${p} ${n}`).join(', ')}`;
  return ` Data kept in ${file} (${batches}).`;
}

function keptLine(config: ServerConfig, app: FastifyInstance): string {
  if (config.db === undefined || config.db === ':memory:') return '';
  // HED's store is there whatever --verticals says (the admin API changes it), so its batches count too.
  const prefixes = config.verticals.includes('hed') ? config.verticals : ['hed', ...config.verticals];
  return keptClause(resolve(config.db), storedBatchCounts(app.store, prefixes));
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
    .version(kitVersion(), '-V, --version', 'print the kit\'s version')
    .showHelpAfterError();
  program
    .command('serve')
    .description('Serve GET /hed_data, the admin API and the docs until Ctrl-C.')
    .addOption(new Option('--port <port>', `port to listen on; 0 picks a free one [env HED_PORT] (default: ${SERVER_DEFAULTS.port})`))
    .addOption(new Option('--host <host>', `address to bind [env HED_HOST] (default: ${SERVER_DEFAULTS.host})`))
    .addOption(new Option('--allow-host <name>', 'also answer requests addressed to this host name, repeatable [env HED_ALLOW_HOSTS, comma list] (default: loopback and the bound address)').argParser(collect))
    .addOption(new Option('--seed <n>', `dataset and fault seed [env HED_SEED] (default: ${SERVER_DEFAULTS.seed})`))
    .addOption(new Option('--students <n>', `students in the dataset, 1 to 1000000 [env HED_STUDENTS] (default: ${SERVER_DEFAULTS.students})`))
    .addOption(new Option('--api-key <key>', `accepted API key, repeatable; giving any replaces the defaults [env HED_API_KEYS, comma list] (default: ${SERVER_DEFAULTS.apiKeys.join(' and ')}, the lab's published key)`).argParser(collect))
    .addOption(new Option('--scenario <name-or-path>', 'fault scenario to load: a name from fixtures/scenarios or a JSON file [env HED_SCENARIO]'))
    .addOption(new Option('--db <path>', 'SQLite file for the dataset and every vertical\'s mutations; they survive restarts [env HED_DB] (default: in memory)'))
    .addOption(new Option('--paging <mode>', 'lab: has_more whenever a page is full (hosted API); exact: only when records remain [env HED_PAGING] (default: lab)'))
    .addOption(new Option('--admin-token <token>', 'require x-admin-token on /__admin and allow it from any address [env HED_ADMIN_TOKEN]'))
    .addOption(new Option('--verticals <list>', `lab verticals to serve at /{prefix}_data, a comma list of ${VERTICAL_PREFIXES.join(',')} or all [env HED_VERTICALS] (default: all)`))
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
