import { connect } from 'node:net';

/** What a raw HTTP/1.1 client saw on one connection. */
export interface RawExchange {
  /** Status code, or undefined when no status line arrived. */
  status?: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Socket error code (ECONNRESET for an RST), if any. */
  error?: string;
  /** The client gave up after `timeoutMs` without the server closing. */
  timedOut: boolean;
  /** How many separate 'data' events carried body bytes. */
  bodyChunks: number;
}

/**
 * One GET over a fresh TCP connection with `Connection: close`, reading until the server
 * closes, resets, or `timeoutMs` passes. No HTTP library in between, so a truncated body,
 * an RST or a hang is seen exactly as the wire delivers it.
 *
 * @example
 * const seen = await rawGet(mock.url, '/hed_data?page_size=5', { 'x-api-key': 'hed-demo-key' });
 */
export function rawGet(baseUrl: string, path: string, headers: Record<string, string> = {}, timeoutMs = 5_000): Promise<RawExchange> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let headerEnd = -1;
    let bodyChunks = 0;
    let error: string | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('connect', () => {
      const lines = [`GET ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    socket.on('data', (data: Buffer) => {
      chunks.push(data);
      if (headerEnd < 0) {
        headerEnd = Buffer.concat(chunks).indexOf('\r\n\r\n');
        if (headerEnd >= 0 && Buffer.concat(chunks).length > headerEnd + 4) bodyChunks += 1;
      } else bodyChunks += 1;
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      const head = end < 0 ? '' : all.subarray(0, end).toString('latin1');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const parsed: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1];
      resolve({
        status: status === undefined ? undefined : Number(status),
        headers: parsed,
        body: end < 0 ? Buffer.alloc(0) : all.subarray(end + 4),
        error,
        timedOut,
        bodyChunks,
      });
    });
  });
}
