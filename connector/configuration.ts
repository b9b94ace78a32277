import { PAGE_SIZE_MAX, PAGE_SIZE_MIN } from '../api/index.js';
import { CONNECTOR_DEFAULTS } from './defaults.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * configuration.json as the Fivetran SDK hands it over: a flat object of strings.
 * The lab's keys are api_key, base_url and page_size; the rest are optional tuning keys.
 */
export type Configuration = Record<string, string>;

/** The configuration after validation, typed and with defaults filled in. */
export interface ConnectorSettings {
  apiKey: string;
  baseUrl: string;
  pageSize: number;
  timeoutMs: number;
  retry: RetryPolicy;
}

/** Every key the connector reads; anything else draws a warning. */
export const CONFIGURATION_KEYS = [
  'api_key', 'base_url', 'page_size',
  'timeout_ms', 'max_attempts', 'base_delay_ms', 'max_delay_ms', 'max_retry_after_ms', 'jitter_ratio',
] as const;

/** A configuration the connector cannot run with; `key` names the value at fault. */
export class ConfigurationError extends Error {
  readonly code = 'bad_configuration';
  constructor(readonly key: string, message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/**
 * Validates a parsed configuration.json and returns the settings plus warnings (unknown
 * keys). Throws ConfigurationError naming the first key at fault.
 *
 * @example
 * parseConfiguration({ api_key: 'hed-demo-key', base_url: 'http://127.0.0.1:8080', page_size: '100' })
 * // { settings: { apiKey: 'hed-demo-key', pageSize: 100, ... }, warnings: [] }
 */
export function parseConfiguration(raw: unknown): { settings: ConnectorSettings; warnings: string[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigurationError('(file)', 'The configuration must be a JSON object such as {"api_key": "...", "base_url": "...", "page_size": "100"}.');
  }
  const values = raw as Record<string, unknown>;
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string') {
      throw new ConfigurationError(key, `Configuration key "${key}" must be a string (Fivetran passes every value as a string), e.g. "${key}": "${String(value)}".`);
    }
    if (!(CONFIGURATION_KEYS as readonly string[]).includes(key)) {
      warnings.push(`Configuration key "${key}" is not used by this connector and is ignored (known keys: ${CONFIGURATION_KEYS.join(', ')}).`);
    }
  }
  const text = values as Record<string, string | undefined>;

  const apiKey = text.api_key;
  if (apiKey === undefined || apiKey.trim() === '') {
    throw new ConfigurationError('api_key', 'Configuration key "api_key" is missing or empty. Set it to the API key of the HED API (hed-demo-key for the local mock).');
  }
  const baseUrl = parseBaseUrl(text.base_url);
  const pageSize = integerKey(text, 'page_size', CONNECTOR_DEFAULTS.pageSize, PAGE_SIZE_MIN, PAGE_SIZE_MAX);
  const timeoutMs = integerKey(text, 'timeout_ms', CONNECTOR_DEFAULTS.timeoutMs, 1, 3_600_000);
  const maxAttempts = integerKey(text, 'max_attempts', CONNECTOR_DEFAULTS.maxAttempts, 1, 100);
  const baseDelayMs = integerKey(text, 'base_delay_ms', CONNECTOR_DEFAULTS.baseDelayMs, 0, 3_600_000);
  const maxDelayMs = integerKey(text, 'max_delay_ms', CONNECTOR_DEFAULTS.maxDelayMs, 0, 3_600_000);
  const maxRetryAfterMs = integerKey(text, 'max_retry_after_ms', CONNECTOR_DEFAULTS.maxRetryAfterMs, 0, 86_400_000);
  const jitterRatio = ratioKey(text, 'jitter_ratio', CONNECTOR_DEFAULTS.jitterRatio);
  return {
    settings: { apiKey, baseUrl, pageSize, timeoutMs, retry: { maxAttempts, baseDelayMs, maxDelayMs, maxRetryAfterMs, jitterRatio } },
    warnings,
  };
}

function parseBaseUrl(value: string | undefined): string {
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError('base_url', 'Configuration key "base_url" is missing. Set it to the API root, e.g. "http://127.0.0.1:8080".');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError('base_url', `Configuration key "base_url" is not a valid URL ("${value}"). Use an absolute URL such as "http://127.0.0.1:8080".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError('base_url', `Configuration key "base_url" must be an http:// or https:// URL, not "${value}".`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigurationError('base_url', `Configuration key "base_url" must not carry a query or fragment ("${value}"); give only the API root.`);
  }
  return value.replace(/\/+$/, '');
}

function integerKey(values: Record<string, string | undefined>, key: string, fallback: number, min: number, max: number): number {
  const value = values[key];
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value.trim())) {
    throw new ConfigurationError(key, `Configuration key "${key}" must be a whole number written as a string, e.g. "${fallback}"; got "${value}".`);
  }
  const n = Number(value.trim());
  if (n < min || n > max) {
    throw new ConfigurationError(key, `Configuration key "${key}" must be between ${min} and ${max}; got "${value}".`);
  }
  return n;
}

function ratioKey(values: Record<string, string | undefined>, key: string, fallback: number): number {
  const value = values[key];
  if (value === undefined) return fallback;
  const n = /^(0|1)(\.[0-9]+)?$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!(n >= 0 && n <= 1)) {
    throw new ConfigurationError(key, `Configuration key "${key}" must be a number from 0 to 1 written as a string, e.g. "0.5"; got "${value}".`);
  }
  return n;
}
