import t from 'tap';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_DEFAULTS, defaultPublicDir, resolveAppConfig } from '../../app/config.js';

t.test('defaults: the lab port, files/, offline insights', async (t) => {
  const config = resolveAppConfig({}, {});
  t.match(config, { warehouse: 'files/warehouse.db', insightsDb: 'files/insights.db', port: 8501, host: '127.0.0.1', llmProvider: 'offline', llmModel: 'llama3.2', llmTimeoutS: 120 });
  t.equal(config.llmBaseUrl, undefined);
  t.equal(config.llmApiKey, undefined);
  t.equal(APP_DEFAULTS.port, 8501);
});

t.test('the openai provider, its URL, model, timeout and key from HED_LLM_API_KEY', async (t) => {
  const config = resolveAppConfig({ llmProvider: 'openai', llmBaseUrl: 'http://127.0.0.1:11434/v1', llmModel: 'qwen2.5', llmTimeoutS: '2.5', port: '0' }, { HED_LLM_API_KEY: 'sk-1' });
  t.match(config, { llmProvider: 'openai', llmBaseUrl: 'http://127.0.0.1:11434/v1', llmModel: 'qwen2.5', llmTimeoutS: 2.5, llmApiKey: 'sk-1', port: 0 });
});

t.test('a bad flag is a ConfigError naming it', async (t) => {
  const cases: [Parameters<typeof resolveAppConfig>[0], RegExp][] = [
    [{ port: 'abc' }, /^bad --port: "abc" is not a port/],
    [{ port: '70000' }, /^bad --port/],
    [{ llmProvider: 'cortex' }, /^bad --llm-provider: "cortex" is not a provider; use offline or openai\.$/],
    [{ llmProvider: 'openai' }, /^bad --llm-base-url: the openai provider needs --llm-base-url/],
    [{ llmBaseUrl: 'ftp://x' }, /^bad --llm-base-url: "ftp:\/\/x" is not an http\(s\) URL/],
    [{ llmBaseUrl: 'not a url' }, /^bad --llm-base-url/],
    [{ llmTimeoutS: '0' }, /^bad --llm-timeout-s/],
    [{ llmTimeoutS: 'soon' }, /^bad --llm-timeout-s/],
    [{ llmModel: ' ' }, /^bad --llm-model/],
    [{ host: '' }, /^bad --host/],
  ];
  for (const [flags, message] of cases) t.throws(() => resolveAppConfig(flags, {}), { name: 'ConfigError', message }, JSON.stringify(flags));
});

t.test('the page folder: next to the source, or the checkout one when running from dist/', async (t) => {
  const root = t.testdir();
  mkdirSync(join(root, 'src', 'public'), { recursive: true });
  t.equal(defaultPublicDir(pathToFileURL(join(root, 'src', 'config.js')).href), join(root, 'src', 'public'));
  t.equal(defaultPublicDir(pathToFileURL(join(root, 'dist', 'app', 'config.js')).href), join(root, 'app', 'public'));
});

t.test('credentials in --llm-base-url are refused at start, pointing at HED_LLM_API_KEY, without echoing the secret', async (t) => {
  for (const url of ['http://user:s3cret-value@127.0.0.1:11434/v1', 'https://:s3cret-value@llm.example/v1', 'http://s3cret-value@127.0.0.1/v1']) {
    const error = (() => {
      try {
        resolveAppConfig({ llmProvider: 'openai', llmBaseUrl: url }, {});
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    t.match(error, { name: 'ConfigError', message: /^bad --llm-base-url: the URL carries credentials.*HED_LLM_API_KEY/ }, url);
    t.notMatch(error?.message, /s3cret/, `${url}: the secret is not repeated`);
  }
  t.equal(resolveAppConfig({ llmProvider: 'openai', llmBaseUrl: 'http://127.0.0.1:11434/v1' }, { HED_LLM_API_KEY: 'k' }).llmApiKey, 'k');
  t.throws(() => resolveAppConfig({ allowHost: ['http://x.example/'] }, {}), { message: /^bad --allow-host: "http:\/\/x\.example\/" is not a host name/ });
});
