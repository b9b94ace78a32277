/**
 * `hed-app serve`: config from flags (and HED_LLM_API_KEY), build, listen, one
 * `listening on http://HOST:PORT` line, graceful shutdown on SIGINT/SIGTERM.
 * Exit 2 for a bad flag (named), 1 when the app cannot start.
 */
import { Command, CommanderError, Option } from 'commander';
import type { FastifyInstance } from 'fastify';
import { exposureWarning, shownUrls, type Interfaces } from '../api/serving.js';
import { APP_DEFAULTS, ConfigError, resolveAppConfig, type AppFlags } from './config.js';
import { buildApp } from './server.js';
import { warehouseStatus } from './warehouse.js';
import { presentVerticals } from './vertical/routes.js';
import { kitVersion } from '../lib/kit-version.js';

/** Where the CLI writes. */
export interface AppIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * Starts the app and resolves with it once it listens. `onListening` gets the app as soon as
 * it listens, before the listening line is printed: a signal handler it installs is in place
 * for anyone who acts on that line.
 * @example const app = await serve({ port: '0' }, process.env, process)
 */
export async function serve(flags: AppFlags, env: Record<string, string | undefined>, io: AppIo, onListening: (app: FastifyInstance) => void = () => undefined): Promise<FastifyInstance> {
  const config = resolveAppConfig(flags, env);
  const app = await buildApp(config);
  let address: string;
  try {
    address = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  onListening(app);
  const status = await warehouseStatus(config.warehouse);
  // The other paths' apps by their full address: an attendee of one path (TLC) opens that one.
  const [url] = shownUrls(address);
  const others = (await presentVerticals(config.warehouse)).filter((v) => v.prefix !== 'hed').map((v) => `${v.name} at ${url}${v.path}`);
  const data = status.ready
    ? `${status.rows.toLocaleString('en-US')} rows in ${status.table} of ${config.warehouse}${others.length > 0 ? `; also ${others.join(', ')}` : ''}`
    : others.length > 0
      ? `no StudentSuccess table ${status.table} in ${config.warehouse}; ${others.join(', ')}`
      : `no data yet in ${config.warehouse}: the page says how to make it`;
  const insights = config.llmProvider === 'openai' ? `insights by ${config.llmModel} at ${config.llmBaseUrl}` : 'offline insights';
  io.stdout.write(listeningLines(address, config.host, `${data}; ${insights}; history in ${config.insightsDb}`));
  return app;
}

/**
 * What `serve` prints once it listens: one line with the real address (for 0.0.0.0 this
 * machine's addresses, since http://0.0.0.0 is not a place a browser can go), and for a
 * bind beyond loopback one warning line saying who can now read the records.
 *
 * @example listeningLines('http://0.0.0.0:8501', '0.0.0.0', '600 rows', { eth0: [{ address: '10.0.0.5', family: 'IPv4', internal: false, ... }] })
 * // 'StudentSuccess app listening on http://10.0.0.5:8501 (every interface; ...)\nWarning: ...\n'
 */
export function listeningLines(address: string, bindHost: string, what: string, interfaces?: Interfaces): string {
  const [url, ...also] = shownUrls(address, interfaces);
  const where = also.length > 0 ? ` (every interface; on this machine also ${also.join(', ')})` : '';
  const warning = exposureWarning(bindHost, 'the app', 'the student records, their CSV download and report generation', [url!, ...also]);
  return `StudentSuccess app listening on ${url}${where} (${what}). Open it in a browser; Ctrl-C stops it.\n${warning ? `${warning}\n` : ''}`;
}

/** The hed-app program. `onServe` receives the app once it listens, before its listening line. */
export function createProgram(io: AppIo, onServe: (app: FastifyInstance) => void): Command {
  const program = new Command('hed-app')
    .description('The StudentSuccess app of the HED lab (step 4), offline, over the local DuckDB warehouse.')
    .version(kitVersion(), '-V, --version', "print the kit's version")
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError();
  program
    .command('serve')
    .description('Serve the app until Ctrl-C.')
    .addOption(new Option('--warehouse <path>', `DuckDB warehouse written by a sync (default: ${APP_DEFAULTS.warehouse})`))
    .addOption(new Option('--insights-db <path>', `SQLite file that keeps the Insights History (default: ${APP_DEFAULTS.insightsDb})`))
    .addOption(new Option('--port <port>', `port to listen on; 0 picks a free one (default: ${APP_DEFAULTS.port})`))
    .addOption(new Option('--host <host>', `address to bind (default: ${APP_DEFAULTS.host})`))
    .addOption(new Option('--allow-host <name>', 'also answer requests addressed to this host name, repeatable (default: loopback and the bound address)').argParser((value: string, previous: string[] = []) => [...previous, value]))
    .addOption(new Option('--llm-provider <provider>', `default insights provider: offline or openai (default: ${APP_DEFAULTS.llmProvider})`))
    .addOption(new Option('--llm-base-url <url>', 'OpenAI-compatible API base, e.g. http://127.0.0.1:11434/v1 for a local Ollama; the key comes from HED_LLM_API_KEY'))
    .addOption(new Option('--llm-model <name>', `model name for the openai provider (default: ${APP_DEFAULTS.llmModel})`))
    .addOption(new Option('--llm-timeout-s <seconds>', `how long to wait for the model (default: ${APP_DEFAULTS.llmTimeoutS})`))
    .action(async (flags: AppFlags) => {
      await serve(flags, process.env, io, onServe);
    });
  return program;
}

/** Exit codes of hed-app. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Runs hed-app; resolves with an exit code once it has failed, or with undefined when it is serving. */
export async function runCli(argv: string[], io: AppIo, onServe: (app: FastifyInstance) => void): Promise<number | undefined> {
  try {
    await createProgram(io, onServe).parseAsync(argv);
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof ConfigError) {
      io.stderr.write(`hed-app: ${error.message}\n`);
      return EXIT.usage;
    }
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      io.stderr.write(`hed-app: the port is already in use (${e.message}). Stop the other server or pass --port with another port (0 picks a free one).\n`);
      return EXIT.failed;
    }
    io.stderr.write(`hed-app: ${e.stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}

/** Shuts the app down on SIGINT/SIGTERM; a second signal exits at once. */
export function installShutdown(app: FastifyInstance, io: AppIo = process): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) {
      io.stderr.write(`${signal} again: exiting now.\n`);
      process.exit(130);
    }
    closing = true;
    io.stderr.write(`${signal}: shutting down.\n`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        io.stderr.write(`Shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Entry point of bin/hed-app.js. */
export async function main(argv: string[]): Promise<void> {
  const code = await runCli(argv, process, (app) => installShutdown(app));
  if (code !== undefined) process.exit(code);
}
