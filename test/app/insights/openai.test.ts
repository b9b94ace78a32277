import t from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FOCUS_AREAS } from '../../../app/insights/focus-areas.js';
import { askChatModel, buildPrompt, chatCompletionsUrl, ProviderError, redactSecrets } from '../../../app/insights/openai.js';

async function standIn(t: { teardown: (f: () => void) => void }, handler: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const seen: { headers: IncomingMessage['headers']; body: string; url: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body, url: req.url ?? '' });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`, seen };
}

t.test('the prompt has the lab structure: context, data summary, the focus area asks and headings', async (t) => {
  const [system, user] = buildPrompt(FOCUS_AREAS[1]!, 'Table: tester.hed_records\nRecords analyzed: 600');
  t.equal(system!.role, 'system');
  t.match(user!.content, /^You are an expert data analyst in optimization opportunities analysis/);
  const order = ['SOLUTION CONTEXT:', 'DATA SUMMARY:', 'Records analyzed: 600', 'ANALYSIS INSTRUCTIONS:', '- Student Success Optimization Priorities', '- Student Support Risk Assessment', 'GUIDELINES:'];
  const positions = order.map((s) => user!.content.indexOf(s));
  t.ok(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!)), 'sections in order');
});

t.test('the request: URL, model, messages, key as a bearer token', async (t) => {
  const server = await standIn(t, (_q, _b, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { content: '  ## Report\n' } }] }));
  });
  t.equal(chatCompletionsUrl('http://h/v1/'), 'http://h/v1/chat/completions');
  const answer = await askChatModel({ baseUrl: server.base, model: 'llama3.2', apiKey: 'sk-local', timeoutMs: 5000 }, [{ role: 'user', content: 'hi' }]);
  t.equal(answer, '## Report');
  t.equal(server.seen[0]!.url, '/v1/chat/completions');
  t.equal(server.seen[0]!.headers.authorization, 'Bearer sk-local');
  t.match(JSON.parse(server.seen[0]!.body), { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: false });
  await askChatModel({ baseUrl: server.base, model: 'm', timeoutMs: 5000 }, []);
  t.equal(server.seen[1]!.headers.authorization, undefined, 'no key, no header');
});

t.test('every failure is a ProviderError with a sentence that says what to do', async (t) => {
  const statuses = await standIn(t, (req, _b, res) => {
    res.writeHead(req.headers.authorization ? 404 : 401);
    res.end();
  });
  await t.rejects(askChatModel({ baseUrl: statuses.base, model: 'm', timeoutMs: 5000 }, []), { name: 'ProviderError', message: /answered HTTP 401\. Set HED_LLM_API_KEY/ });
  await t.rejects(askChatModel({ baseUrl: statuses.base, model: 'gone', apiKey: 'k', timeoutMs: 5000 }, []), { message: /answered HTTP 404\. Check --llm-base-url and that the model "gone" exists there\./ });
  const nonsense = await standIn(t, (_q, _b, res) => res.end(JSON.stringify({ result: 'x'.repeat(400) })));
  await t.rejects(askChatModel({ baseUrl: nonsense.base, model: 'm', timeoutMs: 5000 }, []), { message: /without any report text/ });
  const empty = await standIn(t, (_q, _b, res) => res.end(''));
  await t.rejects(askChatModel({ baseUrl: empty.base, model: 'm', timeoutMs: 5000 }, []), { message: /answered HTTP 200 with an empty body\. Check that --llm-base-url/ });
  const closed = await standIn(t, () => undefined);
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  const refused = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/v1`;
  await new Promise((r) => gone.close(r));
  await t.rejects(askChatModel({ baseUrl: refused, model: 'm', timeoutMs: 5000 }, []), { message: /Could not reach the model server at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions \(ECONNREFUSED\)\. Start it/ });
  const started = Date.now();
  await t.rejects(askChatModel({ baseUrl: closed.base, model: 'm', timeoutMs: 200 }, []), { message: /did not answer within 0\.2 s/ });
  t.ok(Date.now() - started < 3000, 'the timeout ends the wait');
  t.ok(new ProviderError('x') instanceof Error);
});

t.test('reasoning blocks are dropped; an answer that is only reasoning fails', async (t) => {
  let content = '<think>\nlet me see\n</think>\n## Report\n- fine';
  const server = await standIn(t, (_q, _b, res) => res.end(JSON.stringify({ choices: [{ message: { content } }] })));
  t.equal(await askChatModel({ baseUrl: server.base, model: 'r1', timeoutMs: 5000 }, []), '## Report\n- fine');
  content = '<think>only thoughts</think>';
  await t.rejects(askChatModel({ baseUrl: server.base, model: 'r1', timeoutMs: 5000 }, []), { message: /only its reasoning/ });
});

t.test('an aborted request reads as a timeout; an error without a code shows its message', async (t) => {
  const settings = { baseUrl: 'http://127.0.0.1:1/v1', model: 'm', timeoutMs: 1500 };
  const aborting = (async () => {
    throw Object.assign(new Error('aborted'), { name: 'AbortError' });
  }) as typeof fetch;
  await t.rejects(askChatModel(settings, [], aborting), { message: /did not answer within 1\.5 s/ });
  const plain = (async () => {
    throw new Error('socket hang up');
  }) as typeof fetch;
  await t.rejects(askChatModel(settings, [], plain), { message: /\(socket hang up\)\. Start it/ });
  const long = (async () => new Response('x'.repeat(500), { status: 502 })) as typeof fetch;
  await t.rejects(askChatModel(settings, [], long), { message: /^The model server at \S+ answered HTTP 502\. The server failed on its side; try again/ });
  const bare = (async () => new Response('', { status: 503 })) as typeof fetch;
  await t.rejects(askChatModel(settings, [], bare), { message: /answered HTTP 503\. The server failed/ });
});

t.test('an error answer is never quoted: a server that echoes the Authorization header does not show the key', async (t) => {
  const key = 'sk-live-0123456789abcdefSECRET';
  const echo = await standIn(t, (req, body, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `bad request ${req.headers.authorization} ${body.slice(0, 50)}`, type: 'invalid_request_error' } }));
  });
  const error = await askChatModel({ baseUrl: echo.base, model: 'm', apiKey: key, timeoutMs: 5000 }, [{ role: 'user', content: 'hi' }]).catch((e: Error) => e);
  t.ok(error instanceof ProviderError);
  t.match((error as Error).message, /answered HTTP 400\. Check --llm-base-url and --llm-model/);
  t.notMatch((error as Error).message, /SECRET|Bearer|bad request|invalid_request_error/, 'nothing of the upstream body');
  const html = (async () => new Response(`<html>proxy says ${key}</html>`, { status: 200 })) as typeof fetch;
  const notJson = await askChatModel({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', apiKey: key, timeoutMs: 1000 }, [], html).catch((e: Error) => e);
  t.match((notJson as Error).message, /answered HTTP 200 with a body that is not JSON/);
  t.notMatch((notJson as Error).message, /SECRET|proxy says/);
});

t.test('a report that echoes the key or a key-like string shows [redacted] instead', async (t) => {
  const key = 'local-key-with-no-prefix-1234';
  const echo = await standIn(t, (req, _b, res) => res.end(JSON.stringify({ choices: [{ message: { content: `## Report\nYou sent ${req.headers.authorization}; raw ${key}; other sk-proj-ABCDEFGHIJKLMNOPQRSTUV.` } }] })));
  const report = await askChatModel({ baseUrl: echo.base, model: 'm', apiKey: key, timeoutMs: 5000 }, []);
  t.notMatch(report, key);
  t.notMatch(report, /sk-proj/);
  t.equal(report, '## Report\nYou sent Bearer [redacted]; raw [redacted]; other [redacted].');
  t.equal(redactSecrets('Bearer abc', undefined), 'Bearer abc', 'too short to be a key: left as written');
});
