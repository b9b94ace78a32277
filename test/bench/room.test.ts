import t from 'tap';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { attendeeSync, quantile, summarizeRoom, type AttendeeSync } from '../../bench/room.js';

// The room's figures are arithmetic on syncs handed in (no timing decides anything here);
// one attendee's sync runs against a scripted server on loopback.

const sync = (records: number, distinctKeys: number, pageMs: number[], error?: string): AttendeeSync => ({ records, distinctKeys, pageMs, ...(error === undefined ? {} : { error }) });

t.test('quantile takes the nearest rank and says NaN for no figures', async (t) => {
  t.equal(quantile([1, 2, 3, 4], 0.5), 2);
  t.equal(quantile([1, 2, 3, 4], 0.99), 4);
  t.equal(quantile(Array.from({ length: 200 }, (_, i) => i + 1), 0.99), 198);
  t.equal(quantile([7], 0), 7);
  t.ok(Number.isNaN(quantile([], 0.5)));
});

t.test('a sync is complete only without error and with every record once', async (t) => {
  const room = summarizeRoom([sync(600, 600, [3, 1]), sync(600, 599, [2]), sync(300, 300, [9], 'HTTP 503 on page 4'), sync(600, 600, [5])], 600);
  t.same(room, { attendees: 4, complete: 2, errors: 1, pages: 5, p50Ms: 3, p99Ms: 9, maxMs: 9 });
});

async function serve(pages: number, failOn?: number): Promise<{ server: Server; url: string; seen: () => string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    seen.push(`${req.headers['x-api-key']} ${url.searchParams.get('page_size')} ${url.searchParams.get('cursor')}`);
    const page = Number(url.searchParams.get('cursor') ?? '0');
    if (page === failOn) {
      res.writeHead(503).end('{"error":"busy"}');
      return;
    }
    const records = Array.from({ length: 2 }, (_, i) => ({ record_id: `r${page * 2 + i}` }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hed_records: records, next_cursor: String(page + 1), has_more: page + 1 < pages }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen: () => seen };
}

t.test('an attendee pages with the key and page_size until has_more is false', async (t) => {
  const { server, url, seen } = await serve(3);
  t.teardown(() => server.close());
  const result = await attendeeSync(url, 'k', 2, new AbortController().signal);
  t.same({ records: result.records, distinctKeys: result.distinctKeys, pages: result.pageMs.length, error: result.error }, { records: 6, distinctKeys: 6, pages: 3, error: undefined });
  t.same(seen(), ['k 2 null', 'k 2 1', 'k 2 2']);
});

t.test('an attendee stops at an HTTP error and keeps what it had', async (t) => {
  const { server, url } = await serve(5, 2);
  t.teardown(() => server.close());
  const result = await attendeeSync(url, 'k', 2, new AbortController().signal);
  t.same({ records: result.records, error: result.error }, { records: 4, error: 'HTTP 503 on page 3' });
});
