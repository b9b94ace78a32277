/**
 * The record fields the StudentSuccess app reads, in one place: which are numeric (the
 * lab's summary statistics and data summary), which are categories, which the app needs.
 */

import { RECORD_FIELDS } from '../api/record.js';

/** The record's fields in the order the API sends them: the explorer's and the CSV's column order. */
export const SOURCE_FIELD_ORDER: readonly string[] = RECORD_FIELDS;

/** Schema and table the Fivetran tester (and our runners) write. */
export const WAREHOUSE_SCHEMA = 'tester';
/** The table the app reads. */
export const WAREHOUSE_TABLE = 'hed_records';
/** `tester.hed_records`, as shown to people. */
export const TABLE_LABEL = `${WAREHOUSE_SCHEMA}.${WAREHOUSE_TABLE}`;

/** The lab's numeric metrics (its `key_metrics`): summary statistics and the data summary. */
export const NUMERIC_FIELDS = [
  'current_gpa',
  'credit_hours_attempted',
  'credit_hours_earned',
  'financial_aid_amount',
  'total_course_views',
  'assignment_submissions',
  'discussion_posts',
  'avg_assignment_score',
  'course_completion_rate',
  'plagiarism_incidents',
  'writing_quality_score',
  'engagement_score',
  'intervention_count',
] as const;

/** The lab's categories whose top values go into the data summary. */
export const CATEGORY_FIELDS = ['academic_standing', 'major_code', 'at_risk_flag'] as const;

/** Fields the Metrics tab cannot do without. */
export const REQUIRED_FIELDS = [
  'current_gpa',
  'course_completion_rate',
  'engagement_score',
  'at_risk_flag',
  'academic_standing',
  'major_code',
  'financial_aid_amount',
  'enrollment_date',
] as const;

/** Fields read as booleans whatever type the writer chose (BOOLEAN, 0/1 BIGINT, text). */
export const BOOLEAN_FIELDS = ['at_risk_flag', '_fivetran_deleted'] as const;

/** The soft-delete marker the tester adds; rows with it set are not shown. */
export const DELETED_COLUMN = '_fivetran_deleted';
