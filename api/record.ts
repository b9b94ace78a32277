/**
 * HED's record schema, which lives with HED's definition in verticals/hed/record.ts;
 * re-exported here for the API's modules and for code that imported it from api/.
 */
import './formats.js';

export * from '../verticals/hed/record.js';
