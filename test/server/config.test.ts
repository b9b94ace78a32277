import t from 'tap';
import { ConfigError, resolveServerConfig, SERVER_DEFAULTS } from '../../server/config.js';

t.test('defaults match the product contract', async (t) => {
  t.same(resolveServerConfig({}, {}), SERVER_DEFAULTS);
  t.same(
    { port: SERVER_DEFAULTS.port, host: SERVER_DEFAULTS.host, seed: SERVER_DEFAULTS.seed, students: SERVER_DEFAULTS.students, keys: SERVER_DEFAULTS.apiKeys, paging: SERVER_DEFAULTS.paging },
    { port: 8080, host: '127.0.0.1', seed: 42, students: 600, keys: ['hed-demo-key', 'fiveTRANmovesTHEworldsDATA'], paging: 'lab' },
  );
});

t.test('flags win over environment, environment over defaults', async (t) => {
  const env = { HED_PORT: '9000', HED_SEED: '7', HED_STUDENTS: '10', HED_API_KEYS: 'a-key,b-key', HED_PAGING: 'exact', HED_HOST: '0.0.0.0', HED_DB: '/tmp/x.db', HED_SCENARIO: 'flaky', HED_ADMIN_TOKEN: 'tok-12345' };
  const fromEnv = resolveServerConfig({}, env);
  t.match(fromEnv, { port: 9000, seed: 7, students: 10, apiKeys: ['a-key', 'b-key'], paging: 'exact', host: '0.0.0.0', db: '/tmp/x.db', scenario: 'flaky', adminToken: 'tok-12345' });
  const fromFlags = resolveServerConfig({ port: '0', seed: '1', apiKey: ['k1', 'k2'], paging: 'lab' }, env);
  t.match(fromFlags, { port: 0, seed: 1, apiKeys: ['k1', 'k2'], paging: 'lab', students: 10 });
  t.equal(resolveServerConfig({}, { HED_PORT: '' }).port, 8080, 'an empty variable counts as unset');
  t.same(fromEnv.apiKeys, ['a-key', 'b-key'], 'HED_API_KEYS replaces the default keys, the lab key included');
  t.same(fromFlags.apiKeys, ['k1', 'k2'], '--api-key replaces the default keys, the lab key included');
});

t.test('bad values fail at start with the flag, the variable and what is allowed', async (t) => {
  const cases: [Parameters<typeof resolveServerConfig>[0], Record<string, string>, RegExp][] = [
    [{ port: '70000' }, {}, /--port \/ HED_PORT must be a whole number from 0 to 65535; got "70000"/],
    [{ port: 'http' }, {}, /--port/],
    [{}, { HED_STUDENTS: '0' }, /--students \/ HED_STUDENTS .* 1 to 1000000/],
    [{ students: '1000001' }, {}, /--students/],
    [{ seed: '-3' }, {}, /--seed/],
    [{ paging: 'fast' }, {}, /--paging \/ HED_PAGING must be one of lab, exact; got "fast"/],
    [{ apiKey: ['has space'] }, {}, /--api-key/],
    [{}, { HED_API_KEYS: 'ok,,' }, /HED_API_KEYS/],
    [{ adminToken: 'short' }, {}, /--admin-token/],
    [{ logLevel: 'loud' }, {}, /--log-level/],
    [{ host: ' ' }, {}, /--host/],
  ];
  for (const [flags, env, message] of cases) t.throws(() => resolveServerConfig(flags, env), { name: 'ConfigError', message }, JSON.stringify([flags, env]));
  t.ok(new ConfigError('x') instanceof Error);
});
