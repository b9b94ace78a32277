import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The pact's consumer and provider names; Pact names the file after them. */
export const CONSUMER = 'hed-connector';
export const PROVIDER = 'hed-api';

/** The committed pact, as an absolute path. */
export const PACT_FILE = fileURLToPath(new URL(`./pacts/${CONSUMER}-${PROVIDER}.json`, import.meta.url));

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
