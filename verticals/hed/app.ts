/**
 * The HED fields StudentSuccess (app/) reads, by what it reads them as, and the app's
 * field lists. The app's modules spell no field name: they take them from here, so HED's
 * record is named in verticals/ only (issue 19).
 */
import type { HedRecord } from './record.js';

type HedField = keyof HedRecord;

/** Each field by its role in the app. */
export const STUDENT = {
  recordId: 'record_id',
  id: 'student_id',
  enrollment: 'enrollment_date',
  standing: 'academic_standing',
  gpa: 'current_gpa',
  creditsAttempted: 'credit_hours_attempted',
  creditsEarned: 'credit_hours_earned',
  major: 'major_code',
  advisor: 'advisor_id',
  aid: 'financial_aid_amount',
  lastLogin: 'last_login_date',
  courseViews: 'total_course_views',
  submissions: 'assignment_submissions',
  posts: 'discussion_posts',
  assignmentScore: 'avg_assignment_score',
  completion: 'course_completion_rate',
  plagiarism: 'plagiarism_incidents',
  writing: 'writing_quality_score',
  engagement: 'engagement_score',
  atRisk: 'at_risk_flag',
  interventions: 'intervention_count',
  lastUpdated: 'last_updated',
  lastUpdatedEpoch: 'last_updated_epoch',
} as const satisfies Record<string, HedField>;

const S = STUDENT;

/** The lab's numeric metrics (its `key_metrics`): summary statistics and the data summary. */
export const STUDENT_NUMERIC_FIELDS = [
  S.gpa,
  S.creditsAttempted,
  S.creditsEarned,
  S.aid,
  S.courseViews,
  S.submissions,
  S.posts,
  S.assignmentScore,
  S.completion,
  S.plagiarism,
  S.writing,
  S.engagement,
  S.interventions,
] as const;

/** The lab's categories whose top values go into the data summary. */
export const STUDENT_CATEGORY_FIELDS = [S.standing, S.major, S.atRisk] as const;

/** Fields the Metrics tab cannot do without. */
export const STUDENT_REQUIRED_FIELDS = [S.gpa, S.completion, S.engagement, S.atRisk, S.standing, S.major, S.aid, S.enrollment] as const;

/** The record's boolean fields, read as booleans whatever type the writer chose (BOOLEAN, 0/1 BIGINT, text). */
export const STUDENT_BOOLEAN_FIELDS = [S.atRisk] as const;

/** The fields the offline analyst groups students by. */
export type StudentGroup = typeof S.atRisk | typeof S.major | typeof S.standing | typeof S.advisor;
