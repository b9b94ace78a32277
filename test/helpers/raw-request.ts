/**
 * One HTTP request over a real socket with exactly the headers given, Host included
 * (fetch drops a Host header: it is a forbidden header name there).
 */
import { request } from 'node:http';

/** The answer: status, headers, body text. */
export interface RawAnswer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * @example const res = await rawRequest(`${mock.url}/hed_data`, { host: 'rebound.example' })
 */
export function rawRequest(url: string, options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers, ...(options.host !== undefined ? { host: options.host } : {}) };
    const req = request(url, { method: options.method ?? 'GET', headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${url} did not answer within 10 s.`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
