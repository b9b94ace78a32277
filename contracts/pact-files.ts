import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pact's consumer and provider names; Pact names the file after them. */
export const CONSUMER = 'hed-connector';
export const PROVIDER = 'hed-api';

/** The directory of committed pacts, as an absolute path. */
export const PACTS_DIR = fileURLToPath(new URL('./pacts/', import.meta.url));
/** Our connector's committed pact, as an absolute path. */
export const PACT_FILE = join(PACTS_DIR, `${CONSUMER}-${PROVIDER}.json`);

/**
 * Every committed pact (`contracts/pacts/*.json`), sorted: provider verification checks all.
 *
 * @example
 * await committedPactFiles() // ['/…/contracts/pacts/hed-connector-hed-api.json']
 */
export async function committedPactFiles(): Promise<string[]> {
  const names = await readdir(PACTS_DIR).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.json')).sort().map((n) => join(PACTS_DIR, n));
}

/** The parts of a pact file the checks look at. */
export interface PactFile {
  consumer: { name: string };
  provider: { name: string };
  interactions: {
    description: string;
    providerStates?: { name: string; params?: Record<string, unknown> }[];
    request: { method: string; path: string; query?: Record<string, string[]>; headers?: Record<string, string | string[]> };
    response: { status: number; headers?: Record<string, string | string[]>; body?: unknown };
  }[];
}

/**
 * Reads and parses a pact file; the message says how to regenerate it when it is missing.
 *
 * @example
 * (await readPact(PACT_FILE)).interactions.length // 9
 */
export async function readPact(path: string): Promise<PactFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`There is no pact at ${path}. Run npm run test:consumer to generate it, then commit it.`);
  }
  return JSON.parse(text) as PactFile;
}
