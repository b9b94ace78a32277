// Prints the fixture for fixtures/dataset-checksum.json. Run: npx tsx scripts/dataset-checksum.ts > fixtures/dataset-checksum.json
// Only regenerate on purpose (a new generator version): the checksum is the dataset's identity.
import { createRequire } from 'node:module';
import { datasetChecksum } from '../server/core/checksum.js';

const faker = createRequire(import.meta.url)('@faker-js/faker/package.json') as { version: string };
const seed = 42;
const students = 600;
process.stdout.write(`${JSON.stringify({ seed, students, faker: faker.version, sha256: datasetChecksum(seed, students) }, null, 2)}\n`);
