import t from 'tap';
import { readFileSync } from 'node:fs';
import { ConfigurationError, parseConfiguration } from '../../connector/configuration.js';
import { CONNECTOR_DEFAULTS } from '../../connector/defaults.js';

const lab = { api_key: 'hed-demo-key', base_url: 'http://127.0.0.1:8080', page_size: '100' };

function keyAtFault(raw: unknown): string {
  try {
    parseConfiguration(raw);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.key;
    throw error;
  }
  return '(none)';
}

t.test("the lab's configuration parses with the defaults filled in", async (t) => {
  const { settings, warnings } = parseConfiguration(lab);
  t.same(warnings, []);
  t.same(settings, {
    apiKey: 'hed-demo-key',
    baseUrl: 'http://127.0.0.1:8080',
    pageSize: 100,
    timeoutMs: CONNECTOR_DEFAULTS.timeoutMs,
    retry: {
      maxAttempts: CONNECTOR_DEFAULTS.maxAttempts,
      baseDelayMs: CONNECTOR_DEFAULTS.baseDelayMs,
      maxDelayMs: CONNECTOR_DEFAULTS.maxDelayMs,
      maxRetryAfterMs: CONNECTOR_DEFAULTS.maxRetryAfterMs,
      jitterRatio: CONNECTOR_DEFAULTS.jitterRatio,
    },
  });
});

t.test('fixtures/configuration.json is the lab configuration for the local mock', async (t) => {
  const fixture = JSON.parse(readFileSync(new URL('../../fixtures/configuration.json', import.meta.url), 'utf8'));
  t.same(fixture, lab);
});

t.test('tuning keys override the defaults; a trailing slash is dropped; page_size is optional', async (t) => {
  const { settings } = parseConfiguration({
    api_key: 'k', base_url: 'https://hed.example/api/', timeout_ms: '1500', max_attempts: '2',
    base_delay_ms: '10', max_delay_ms: '20', max_retry_after_ms: '30', jitter_ratio: '0.25',
  });
  t.same(settings, {
    apiKey: 'k', baseUrl: 'https://hed.example/api', pageSize: 100, timeoutMs: 1500,
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 30, jitterRatio: 0.25 },
  });
});

t.test('unknown keys warn and do not fail', async (t) => {
  const { warnings } = parseConfiguration({ ...lab, region: 'eu' });
  t.equal(warnings.length, 1);
  t.match(warnings[0], /"region" is not used by this connector and is ignored/);
});

t.test('every bad value names its key', async (t) => {
  const cases: [unknown, string][] = [
    [{ ...lab, api_key: undefined }, 'api_key'],
    [{ ...lab, api_key: '  ' }, 'api_key'],
    [{ ...lab, base_url: undefined }, 'base_url'],
    [{ ...lab, base_url: '127.0.0.1:8080' }, 'base_url'],
    [{ ...lab, base_url: 'http://127.0.0.1:8080/?x=1' }, 'base_url'],
    [{ ...lab, page_size: '0' }, 'page_size'],
    [{ ...lab, page_size: '201' }, 'page_size'],
    [{ ...lab, page_size: '1e2' }, 'page_size'],
    [{ ...lab, page_size: 100 }, 'page_size'],
    [{ ...lab, max_attempts: '0' }, 'max_attempts'],
    [{ ...lab, timeout_ms: 'soon' }, 'timeout_ms'],
    [{ ...lab, jitter_ratio: '1.5' }, 'jitter_ratio'],
    [{ ...lab, jitter_ratio: 'half' }, 'jitter_ratio'],
    [null, '(file)'],
    [[], '(file)'],
  ];
  for (const [raw, key] of cases) t.equal(keyAtFault(raw), key, JSON.stringify(raw));
});
