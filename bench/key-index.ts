// The memory DuckDB itself needs for a primary key over N record_ids: the ART index a
// PRIMARY KEY keeps, which DuckDB must pin whole at commit (a memory_limit below it fails
// the commit with "failed to pin block"). The bench measures it in the same run so the
// connector's 1M peak is judged on what the connector adds, not on DuckDB's index.
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Bytes DuckDB reports for the ART index (duckdb_memory(), tag ART_INDEX) of a VARCHAR
 * PRIMARY KEY over `count` random UUID v4 strings, the shape of `record_id`. One in-memory
 * database per call, closed before it returns.
 *
 * @example
 * const bytes = await keyIndexBytes(100_000); // about 9.4e6
 */
export async function keyIndexBytes(count: number): Promise<number> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`keyIndexBytes: count must be a whole number >= 0, not ${count}`);
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    try {
      await connection.run(`CREATE TABLE keys (record_id VARCHAR PRIMARY KEY); INSERT INTO keys SELECT CAST(gen_random_uuid() AS VARCHAR) FROM range(${count})`);
      const reader = await connection.runAndReadAll("SELECT memory_usage_bytes FROM duckdb_memory() WHERE tag = 'ART_INDEX'");
      return Number(reader.getRows()[0]?.[0] ?? 0);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
