/**
 * Writes generated records of any vertical (but HED, whose rows warehouse-fixture.ts
 * makes) into `<dir>/warehouse.db` as `tester.{prefix}_records`, through the tester's own
 * destination (warehouse/) with its typing of text (dates become TIMESTAMP or DATE,
 * numbers BIGINT or DOUBLE, flags BOOLEAN): the table a lab connector's sync leaves, with
 * no mock and no Python.
 */
import { openDestination } from '../../../warehouse/index.js';
import { generateRecords, type VerticalDefinition, type VerticalRecord } from '../../../verticals/index.js';

/** The records written, by prefix (for the test to compute what the page must show). */
export type WrittenRecords = Record<string, VerticalRecord[]>;

/**
 * Syncs `count` records of each definition (seeded) into DIR's warehouse, in commits of
 * 200 as a connector's pages would, and returns them.
 * @example const written = await writeVerticalWarehouse(dir, [VERTICALS.agr], 42, 600)
 */
export async function writeVerticalWarehouse(dir: string, definitions: readonly VerticalDefinition[], seed: number, count: number): Promise<WrittenRecords> {
  const written: WrittenRecords = {};
  const destination = await openDestination(dir, { typeText: true });
  try {
    await destination.declare(definitions.map((d) => ({ table: d.table, primaryKey: [...d.primaryKey] })));
    for (const definition of definitions) {
      const records = [...generateRecords(definition, seed, count)];
      written[definition.prefix] = records;
      for (let at = 0; at < records.length; at += 200) {
        const page = records.slice(at, at + 200);
        await destination.commit(
          page.map((data) => ({ op: 'upsert' as const, table: definition.table, data })),
          { [definition.prefix]: at + page.length },
          new Date('2026-12-04T10:00:00Z'),
        );
      }
    }
  } finally {
    await destination.close();
  }
  return written;
}
