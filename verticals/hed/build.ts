import type { VerticalBuilder } from '../definition.js';
import { datasetChecksum } from './checksum.js';
import { generateStudents } from './dataset.js';

/**
 * HED's builder, named by its definition (verticals/hed.ts): the records of
 * generateStudents and their checksum (fixtures/dataset-checksum.json holds seed 42's).
 */
export const hedBuilder: VerticalBuilder = {
  records: (seed, count) => generateStudents(seed, count),
  checksum: datasetChecksum,
};
