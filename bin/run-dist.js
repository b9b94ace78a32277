// Shared by the bins: run a compiled entry point of dist/ (npm install builds it through
// the prepare script), or say how to build it.
import { existsSync } from 'node:fs';

/** Imports `dist/<entry>` and calls its main(process.argv). */
export async function runDist(entry, command) {
  const url = new URL(`../dist/${entry}`, import.meta.url);
  if (!existsSync(url)) {
    process.stderr.write(`${command}: dist/ is missing. Run \`npm install\` (or \`npm run build\`) in the project first.\n`);
    process.exit(1);
  }
  const { main } = await import(url.href);
  await main(process.argv);
}
