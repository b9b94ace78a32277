/**
 * The app's one typed config, from CLI flags and the environment (only HED_LLM_API_KEY is
 * read from it), validated at start: a bad value is a ConfigError naming the flag.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProviderId } from './insights/generate.js';

/** The validated config. */
export interface AppConfig {
  warehouse: string;
  insightsDb: string;
  port: number;
  host: string;
  /** Host names served besides loopback and the bound address (--allow-host); see api/serving.ts. */
  allowHosts: string[];
  llmProvider: ProviderId;
  llmBaseUrl?: string;
  llmModel: string;
  llmTimeoutS: number;
  llmApiKey?: string;
  /** The page's folder (app/public). */
  publicDir: string;
}

/** Flags as commander hands them over (strings). */
export interface AppFlags {
  warehouse?: string;
  insightsDb?: string;
  port?: string;
  host?: string;
  allowHost?: string[];
  llmProvider?: string;
  llmBaseUrl?: string;
  llmModel?: string;
  llmTimeoutS?: string;
  publicDir?: string;
}

/** Defaults, in one place. */
export const APP_DEFAULTS = {
  warehouse: 'files/warehouse.db',
  insightsDb: 'files/insights.db',
  port: 8501,
  host: '127.0.0.1',
  llmProvider: 'offline',
  llmModel: 'llama3.2',
  llmTimeoutS: 120,
} as const;

/** A bad flag: the CLI exits 2 with this message. */
export class ConfigError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`bad ${flag}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** The page's folder: `app/public` next to the source, or the checkout's when running from dist/. */
export function defaultPublicDir(moduleUrl: string = import.meta.url): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = [join(here, 'public'), resolve(here, '..', '..', 'app', 'public')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[1]!;
}

/**
 * Validates the flags.
 * @example resolveAppConfig({ port: '0' }, process.env).port // 0
 */
export function resolveAppConfig(flags: AppFlags, env: Record<string, string | undefined>): AppConfig {
  const port = flags.port === undefined ? APP_DEFAULTS.port : Number(flags.port);
  if (flags.port !== undefined && (!/^[0-9]+$/.test(flags.port) || port > 65535)) {
    throw new ConfigError('--port', `"${flags.port}" is not a port; give a whole number from 0 to 65535 (0 picks a free one).`);
  }
  const provider = flags.llmProvider ?? APP_DEFAULTS.llmProvider;
  if (provider !== 'offline' && provider !== 'openai') {
    throw new ConfigError('--llm-provider', `"${provider}" is not a provider; use offline or openai.`);
  }
  if (flags.llmBaseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(flags.llmBaseUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new ConfigError('--llm-base-url', `"${flags.llmBaseUrl}" is not an http(s) URL; give the OpenAI-compatible base, e.g. http://127.0.0.1:11434/v1.`);
    }
    // A secret in the URL would be printed at start, shown in the page and saved in reports.
    if (url.username !== '' || url.password !== '') {
      throw new ConfigError('--llm-base-url', `the URL carries credentials (user:secret@${url.host}); give the URL without them and put the key in the environment variable HED_LLM_API_KEY, which is sent as a Bearer token and never shown.`);
    }
  }
  if (provider === 'openai' && flags.llmBaseUrl === undefined) {
    throw new ConfigError('--llm-base-url', 'the openai provider needs --llm-base-url (for a local Ollama: http://127.0.0.1:11434/v1).');
  }
  const timeout = flags.llmTimeoutS === undefined ? APP_DEFAULTS.llmTimeoutS : Number(flags.llmTimeoutS);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600) {
    throw new ConfigError('--llm-timeout-s', `"${flags.llmTimeoutS}" is not a timeout; give seconds from 1 to 3600.`);
  }
  if (flags.llmModel !== undefined && flags.llmModel.trim() === '') throw new ConfigError('--llm-model', 'the model name is empty.');
  if (flags.host !== undefined && flags.host.trim() === '') throw new ConfigError('--host', 'the address is empty; use 127.0.0.1.');
  const allowHosts = (flags.allowHost ?? []).map((h) => h.trim());
  const badHost = allowHosts.find((h) => !/^[A-Za-z0-9.:_[\]-]{1,253}$/.test(h));
  if (badHost !== undefined) throw new ConfigError('--allow-host', `"${badHost}" is not a host name or address; give a name such as lab-laptop.local or an address such as 10.0.0.5, without scheme or port.`);
  const apiKey = env.HED_LLM_API_KEY;
  return {
    warehouse: flags.warehouse ?? APP_DEFAULTS.warehouse,
    insightsDb: flags.insightsDb ?? APP_DEFAULTS.insightsDb,
    port,
    host: flags.host ?? APP_DEFAULTS.host,
    allowHosts,
    llmProvider: provider,
    ...(flags.llmBaseUrl !== undefined ? { llmBaseUrl: flags.llmBaseUrl } : {}),
    llmModel: flags.llmModel ?? APP_DEFAULTS.llmModel,
    llmTimeoutS: timeout,
    ...(apiKey ? { llmApiKey: apiKey } : {}),
    publicDir: flags.publicDir ?? defaultPublicDir(),
  };
}
