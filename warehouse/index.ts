// The tester's DuckDB destination: one module for every runner (hed-connector, hed-tester,
// the scenario matrix, the warehouse check, the app). See SPEC §3 and README "The warehouse and the state".
export * from './types.js';
export { openDestination, type DestinationOptions } from './destination.js';
export { readWarehouse, readWarehouseState, readWarehouseTables, type WarehouseContents } from './read-warehouse.js';
export { WarehouseError, STORAGE_VERSION, TESTER_SCHEMA, INTERNAL_SCHEMA } from './duckdb-io.js';
export { STATE_FILE, WAREHOUSE_FILE, writeStateFile, readStateFile, chooseStartState } from './state-file.js';
export { DELETED_COLUMN, ID_COLUMN, SYNCED_COLUMN, rowHash } from './plan.js';
