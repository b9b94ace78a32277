#!/usr/bin/env node
// Runs the compiled connector CLI (npm install builds dist/ through the prepare script).
import { existsSync } from 'node:fs';
const entry = new URL('../dist/connector/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('hed-connector: dist/ is missing. Run `npm install` (or `npm run build`) in the project first.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
