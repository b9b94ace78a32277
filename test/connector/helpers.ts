import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_KEY } from '../helpers/mock-server.js';
import type { HedRecord } from '../../api/index.js';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readWarehouse, readWarehouseState } from '../../warehouse/index.js';

/** A configuration.json object for a base URL. */
export function configurationFor(baseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return { api_key: API_KEY, base_url: baseUrl, page_size: '100', ...extra };
}

/** An Output that keeps what the runner prints. */
export function captureOutput(isTTY = false): { out: { write(text: string): boolean; isTTY: boolean }; text(): string } {
  let buffer = '';
  return {
    out: { write: (text: string) => ((buffer += text), true), isTTY },
    text: () => buffer,
  };
}

/** A sleep that only records the waits asked for, so retry tests take no time. */
export function recordingSleep(): { sleep(ms: number): Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** GET /__admin/records of a running mock, sorted by record_id. */
export async function sourceRecords(baseUrl: string): Promise<HedRecord[]> {
  const response = await fetch(`${baseUrl}/__admin/records`);
  if (!response.ok) throw new Error(`GET /__admin/records answered ${response.status}`);
  const body = (await response.json()) as { hed_records: HedRecord[] };
  return body.hed_records.sort((a, b) => (a.record_id < b.record_id ? -1 : a.record_id > b.record_id ? 1 : 0));
}

/** Warehouse rows without the _fivetran_* columns (readRows already sorts by record_id). */
export function withoutSystemColumns(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map(({ _fivetran_synced: _s, _fivetran_deleted: _d, ...rest }) => rest);
}

export interface ScriptedServer {
  url: string;
  /** Requests seen so far, in order. */
  requests: { url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/**
 * A tiny node:http server on 127.0.0.1 port 0 that answers request n (from 1) as the
 * script says; `forward` passes a request to the real mock and returns its status and body.
 */
export async function startScriptedServer(
  upstream: string,
  script: (n: number, req: IncomingMessage, res: ServerResponse, forward: () => Promise<{ status: number; body: string }>) => void | Promise<void>,
): Promise<ScriptedServer> {
  const requests: ScriptedServer['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const forward = async () => {
      const headers: Record<string, string> = {};
      for (const name of ['x-api-key', 'api_key']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const response = await fetch(`${upstream}${req.url}`, { headers });
      return { status: response.status, body: await response.text() };
    };
    Promise.resolve(script(requests.length, req, res, forward)).catch((error: unknown) => {
      res.statusCode = 599;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Every row of tester.hed_records in DIR/warehouse.db (read-only, by record_id); [] when nothing was written yet. */
export async function warehouseRows(dir: string): Promise<Record<string, unknown>[]> {
  const path = join(dir, 'warehouse.db');
  if (!existsSync(path)) return [];
  try {
    return (await readWarehouse(path, 'hed_records')).rows;
  } catch (error) {
    if ((error as { code?: string }).code === 'table_missing') return [];
    throw error;
  }
}

/** The state committed in DIR/warehouse.db, or undefined. */
export async function warehouseState(dir: string): Promise<Record<string, unknown> | undefined> {
  const path = join(dir, 'warehouse.db');
  return existsSync(path) ? readWarehouseState(path) : undefined;
}
