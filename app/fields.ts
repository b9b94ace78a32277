/**
 * The record fields the StudentSuccess app reads, in one place: which are numeric (the
 * lab's summary statistics and data summary), which are categories, which the app needs.
 * The names come from HED's module verticals/hed/app.ts; none is spelled here.
 */

import { RECORD_FIELDS } from '../api/record.js';
import { STUDENT, STUDENT_BOOLEAN_FIELDS, STUDENT_CATEGORY_FIELDS, STUDENT_NUMERIC_FIELDS, STUDENT_REQUIRED_FIELDS } from '../verticals/hed/app.js';

/** The record's fields in the order the API sends them: the explorer's and the CSV's column order. */
export const SOURCE_FIELD_ORDER: readonly string[] = RECORD_FIELDS;

/** Schema and table the Fivetran tester (and our runners) write. */
export const WAREHOUSE_SCHEMA = 'tester';
/** The table the app reads. */
export const WAREHOUSE_TABLE = 'hed_records';
/** `tester.hed_records`, as shown to people. */
export const TABLE_LABEL = `${WAREHOUSE_SCHEMA}.${WAREHOUSE_TABLE}`;

/** The lab's numeric metrics (its `key_metrics`): summary statistics and the data summary. */
export const NUMERIC_FIELDS = STUDENT_NUMERIC_FIELDS;

/** The lab's categories whose top values go into the data summary. */
export const CATEGORY_FIELDS = STUDENT_CATEGORY_FIELDS;

/** Fields the Metrics tab cannot do without. */
export const REQUIRED_FIELDS = STUDENT_REQUIRED_FIELDS;

/** The column the Data Explorer's *Filter column* starts at (served in `/api/status`): the major, as on the lab's page. */
export const EXPLORER_FILTER_COLUMN: string = STUDENT.major;

/** Fields read as booleans whatever type the writer chose (BOOLEAN, 0/1 BIGINT, text). */
export const BOOLEAN_FIELDS = [...STUDENT_BOOLEAN_FIELDS, '_fivetran_deleted'] as const;

/** The soft-delete marker the tester adds; rows with it set are not shown. */
export const DELETED_COLUMN = '_fivetran_deleted';
