import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { formatOpenApiDocument, OPENAPI_PATH, servedOpenApiDocument } from './openapi-document.js';

const HELP = `Usage: tsx contracts/write-openapi.ts [--check]

Writes ${OPENAPI_PATH} from the document the server serves at GET /openapi.json.
  --check   write nothing; exit 1 when the committed file differs from the served one
  --help    show this text`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--check' && a !== '--help' && a !== '-h');
if (args.includes('--help') || args.includes('-h')) {
  console.log(HELP);
} else if (unknown.length > 0) {
  console.error(`Unknown argument ${unknown.join(' ')}. Run with --help for the options.`);
  process.exitCode = 2;
} else {
  const text = formatOpenApiDocument(await servedOpenApiDocument());
  const target = join(root, OPENAPI_PATH);
  if (args.includes('--check')) {
    const committed = await readFile(target, 'utf8').catch(() => '');
    if (committed !== text) {
      console.error(`${OPENAPI_PATH} differs from the served /openapi.json. Run: npx tsx contracts/write-openapi.ts, review the diff, commit it.`);
      process.exitCode = 1;
    } else {
      console.log(`${OPENAPI_PATH} matches the served document.`);
    }
  } else {
    await writeFile(target, text);
    console.log(`wrote ${OPENAPI_PATH} (${text.length} bytes)`);
  }
}
