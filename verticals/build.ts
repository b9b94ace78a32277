import type { VerticalBuilder, VerticalDefinition } from './definition.js';
import { generateRecords, verticalChecksum } from './generate.js';

/**
 * The generator of any vertical: its own builder when its definition names one (HED's),
 * else the generic generator over its fields.
 *
 * @example
 * const b = await verticalBuilder(VERTICALS.hed); b.checksum(42, 600) // fixtures/dataset-checksum.json's
 */
export async function verticalBuilder(definition: VerticalDefinition): Promise<VerticalBuilder> {
  if (definition.builder) return definition.builder.load();
  return {
    records: (seed, count) => generateRecords(definition, seed, count),
    checksum: (seed, count) => verticalChecksum(definition, seed, count),
  };
}
