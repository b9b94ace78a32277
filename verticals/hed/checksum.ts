import { createHash } from 'node:crypto';
import { generateStudents } from './dataset.js';

/**
 * sha256 of the initial dataset as served: each record's JSON, one per line. The
 * seed-42 value is kept in fixtures/dataset-checksum.json; a change means every lab
 * room would see different data.
 *
 * @example
 * datasetChecksum(42, 600) // '9f2c…'
 */
export function datasetChecksum(seed: number, students: number): string {
  const hash = createHash('sha256');
  for (const record of generateStudents(seed, students)) hash.update(`${JSON.stringify(record)}\n`);
  return hash.digest('hex');
}
