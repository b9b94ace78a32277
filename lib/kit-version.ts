/**
 * The kit's version, read once from its own package.json (found by walking up from this
 * module: `lib/` from source, `dist/lib/` when built), for the CLIs' `--version`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The `version` of the hed-lab-kit package.json above this module, or `unknown` when none
 * is found (a copied file, say).
 *
 * @example
 * kitVersion() // '0.1.0'
 */
export function kitVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'hed-lab-kit' && typeof pkg.version === 'string') return (cached = pkg.version);
    }
    dir = dirname(dir);
  }
  return (cached = 'unknown');
}
