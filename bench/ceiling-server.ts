/**
 * The throughput ceiling: a bare node:http server that answers every request with the
 * bytes of one page fetched once from the real mock. Run as its own process by the
 * bench: `node --import tsx bench/ceiling-server.ts URL API_KEY`; prints
 * "listening on http://127.0.0.1:PORT".
 */
import { createServer } from 'node:http';

async function main(): Promise<void> {
  const [source, apiKey] = process.argv.slice(2);
  if (!source || !apiKey) {
    process.stderr.write('usage: ceiling-server.ts URL API_KEY (the page to answer with, fetched once)\n');
    process.exit(2);
  }
  const response = await fetch(source, { headers: { 'x-api-key': apiKey } });
  if (!response.ok) throw new Error(`The source page answered ${response.status}; check the URL and key.`);
  const body = Buffer.from(await response.arrayBuffer());
  const headers = {
    'content-type': response.headers.get('content-type') ?? 'application/json; charset=utf-8',
    'content-length': String(body.length),
  };
  const server = createServer((_request, reply) => {
    reply.writeHead(200, headers);
    reply.end(body);
  });
  server.keepAliveTimeout = 72_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('The server has no TCP address.');
    process.stdout.write(`ceiling listening on http://127.0.0.1:${address.port} (${body.length} bytes per answer)\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  process.on('SIGINT', () => server.close(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`ceiling-server: ${String(err)}\n`);
  process.exit(1);
});
