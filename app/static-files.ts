/**
 * The page's files and the vendored Vega builds, served from disk with no CDN: `app/public`
 * for `/` and `/static/*`, and the packages' own browser builds from node_modules.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, sep } from 'node:path';

/** Content types of the files the page can have. */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** The content type for a file name (octet-stream when unknown). */
export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Reads a file under `root` named by a request path; undefined when it does not exist or
 * would leave `root` (`..`, symlinks out).
 */
export async function readUnder(root: string, relative: string): Promise<{ body: Buffer; type: string } | undefined> {
  if (relative.includes('\0')) return undefined;
  try {
    const realRoot = await realpath(root);
    const full = await realpath(join(realRoot, relative));
    if (full !== realRoot && !full.startsWith(realRoot + sep)) return undefined;
    if (!(await stat(full)).isFile()) return undefined;
    return { body: await readFile(full), type: contentTypeOf(full) };
  } catch {
    return undefined;
  }
}

/** The three browser builds the page loads, by the name it asks for. */
export const VENDOR_FILES = {
  'vega.min.js': { pkg: 'vega', file: 'build/vega.min.js' },
  'vega-lite.min.js': { pkg: 'vega-lite', file: 'build/vega-lite.min.js' },
  'vega-embed.min.js': { pkg: 'vega-embed', file: 'build/vega-embed.min.js' },
} as const;

/** A package's folder in node_modules (its package.json is not exported, so walk up from its entry). */
export function packageDir(pkg: string, from: string = import.meta.url): string {
  let dir = dirname(createRequire(from).resolve(pkg));
  while (basename(dir) !== pkg && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The path of a vendored browser build, or undefined for a name that is not one. */
export function vendorPath(name: string): string | undefined {
  // Own properties only: "constructor" or "__proto__" are names, not files.
  if (!Object.hasOwn(VENDOR_FILES, name)) return undefined;
  const entry = (VENDOR_FILES as Record<string, { pkg: string; file: string }>)[name];
  return entry ? join(packageDir(entry.pkg), entry.file) : undefined;
}
