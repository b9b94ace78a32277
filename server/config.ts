import { PAGING_MODES, type PagingMode } from './paging/paging.js';
import { parseVerticalList, VERTICAL_PREFIXES, type VerticalPrefix } from '../verticals/index.js';

/** Everything the mock server is configured with. Only this module reads process.env. */
export interface ServerConfig {
  port: number;
  host: string;
  /** Host names served besides loopback and the bound address (--allow-host); see api/serving.ts. */
  allowHosts: string[];
  seed: number;
  students: number;
  apiKeys: string[];
  /** Named scenario (fixtures/scenarios/NAME.json) or a path to a scenario file. */
  scenario?: string;
  /** SQLite file for the dataset; in memory when absent. */
  db?: string;
  paging: PagingMode;
  /** When set, admin calls need header x-admin-token and are allowed from any address. */
  adminToken?: string;
  /** pino level for the server log: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
  /** The lab verticals served, each at /{prefix}_data (default: all fifteen). */
  verticals: readonly VerticalPrefix[];
}

export const SERVER_DEFAULTS: ServerConfig = {
  port: 8080,
  host: '127.0.0.1',
  allowHosts: [],
  seed: 42,
  students: 600,
  apiKeys: ['hed-demo-key', 'fiveTRANmovesTHEworldsDATA'], // the kit's own key and the lab's published one
  paging: 'lab',
  logLevel: 'warn',
  verticals: VERTICAL_PREFIXES,
};

export const STUDENTS_MAX = 1_000_000;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A setting that cannot be used; the message names the flag, the env var and what is allowed. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Flags as the CLI parsed them (strings; api-key may repeat). */
export interface ServerFlags {
  port?: string;
  host?: string;
  allowHost?: string[];
  seed?: string;
  students?: string;
  apiKey?: string[];
  scenario?: string;
  db?: string;
  paging?: string;
  adminToken?: string;
  logLevel?: string;
  verticals?: string;
}

/**
 * Resolves flags over environment over defaults, and validates every value.
 *
 * @example
 * resolveServerConfig({ port: '0' }, { HED_SEED: '7' }) // { port: 0, seed: 7, ... }
 */
export function resolveServerConfig(flags: ServerFlags, env: Record<string, string | undefined>): ServerConfig {
  const pick = (flag: string | undefined, name: string) => flag ?? (env[name] === '' ? undefined : env[name]);
  const integer = (raw: string | undefined, what: string, min: number, max: number, fallback: number) => {
    if (raw === undefined) return fallback;
    if (!/^[0-9]+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(`${what} must be a whole number from ${min} to ${max}; got "${raw}".`);
    }
    return Number(raw);
  };

  const paging = pick(flags.paging, 'HED_PAGING') ?? SERVER_DEFAULTS.paging;
  if (!PAGING_MODES.includes(paging as PagingMode)) {
    throw new ConfigError(`--paging / HED_PAGING must be one of ${PAGING_MODES.join(', ')}; got "${paging}".`);
  }
  const logLevel = pick(flags.logLevel, 'HED_LOG_LEVEL') ?? SERVER_DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`--log-level / HED_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}".`);
  }
  const keyList = flags.apiKey?.length ? flags.apiKey : env.HED_API_KEYS ? env.HED_API_KEYS.split(',') : SERVER_DEFAULTS.apiKeys;
  const apiKeys = keyList.map((k) => k.trim());
  const badKey = apiKeys.find((k) => !/^[\x21-\x7e]{1,256}$/.test(k));
  if (badKey !== undefined) {
    throw new ConfigError(`--api-key / HED_API_KEYS: every key must be 1-256 printable characters without spaces; got "${badKey}".`);
  }
  const host = pick(flags.host, 'HED_HOST') ?? SERVER_DEFAULTS.host;
  if (host.trim() === '') throw new ConfigError('--host / HED_HOST must not be empty.');
  const allowHosts = (flags.allowHost?.length ? flags.allowHost : env.HED_ALLOW_HOSTS ? env.HED_ALLOW_HOSTS.split(',') : []).map((h) => h.trim());
  const badHost = allowHosts.find((h) => !/^[A-Za-z0-9.:_[\]-]{1,253}$/.test(h));
  if (badHost !== undefined) {
    throw new ConfigError(`--allow-host / HED_ALLOW_HOSTS: "${badHost}" is not a host name or address; give a name such as lab-laptop.local or an address such as 10.0.0.5, without scheme or port.`);
  }
  const adminToken = pick(flags.adminToken, 'HED_ADMIN_TOKEN');
  if (adminToken !== undefined && !/^[\x21-\x7e]{8,256}$/.test(adminToken)) {
    throw new ConfigError('--admin-token / HED_ADMIN_TOKEN must be 8-256 printable characters without spaces.');
  }

  let verticals: VerticalPrefix[];
  try {
    verticals = parseVerticalList(pick(flags.verticals, 'HED_VERTICALS')).map((v) => v.prefix);
  } catch (err) {
    throw new ConfigError(`--verticals / HED_VERTICALS: ${(err as Error).message}`);
  }

  return {
    port: integer(pick(flags.port, 'HED_PORT'), '--port / HED_PORT', 0, 65_535, SERVER_DEFAULTS.port),
    host,
    allowHosts,
    seed: integer(pick(flags.seed, 'HED_SEED'), '--seed / HED_SEED', 0, 2 ** 32 - 1, SERVER_DEFAULTS.seed),
    students: integer(pick(flags.students, 'HED_STUDENTS'), '--students / HED_STUDENTS', 1, STUDENTS_MAX, SERVER_DEFAULTS.students),
    apiKeys,
    scenario: pick(flags.scenario, 'HED_SCENARIO'),
    db: pick(flags.db, 'HED_DB'),
    paging: paging as PagingMode,
    adminToken,
    logLevel,
    verticals,
  };
}

/** The defaults with some values replaced: for tests and embedding. */
export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { ...SERVER_DEFAULTS, ...overrides };
}
