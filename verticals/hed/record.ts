import { Type, type Static } from '@sinclair/typebox';
import '../../api/formats.js';

import { MAJOR_CODES } from './parameters.js';

export { MAJOR_CODES };

/**
 * The hosted API's twelve academic standings, alphabetical as the lab's dashboard lists
 * them (the generator orders them by GPA in ./standing.ts).
 */
export const ACADEMIC_STANDINGS = [
  'Academic Probation', 'Academic Suspension', 'Academic Warning', 'Conditional Standing',
  "Dean's List", 'Distinguished Scholar', 'Excellent Standing', 'Good Standing',
  'Honor Roll', 'Probationary Status', 'Satisfactory Progress', 'Warning Status',
] as const;

/**
 * One student record as `GET /hed_data` returns it: exactly 23 fields.
 * The descriptions feed the OpenAPI document and the `/hed_api_spec` field table.
 */
export const HedRecord = Type.Object(
  {
    record_id: Type.String({ format: 'uuid', description: 'Primary key, a UUID v4.' }),
    student_id: Type.String({
      pattern: '^STU_2024[0-9]{5,}$',
      description: 'Student number: STU_2024 then 5 digits (wider above 100,000 students); unique.',
    }),
    enrollment_date: Type.String({
      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{1,2}:[0-9]{2}:[0-9]{2}$',
      description: 'Enrollment date, e.g. "2024-08-11 0:00:00" (hour not zero-padded).',
    }),
    academic_standing: Type.Union(
      ACADEMIC_STANDINGS.map((s) => Type.Literal(s)),
      { description: "One of 12 values that follow GPA: Dean's List and Distinguished Scholar at 3.5 and above, Academic Probation and Academic Suspension under 2.0." },
    ),
    current_gpa: Type.Number({ minimum: 0, maximum: 4, description: 'GPA from 0 to 4, 2 decimals.' }),
    credit_hours_attempted: Type.Integer({ minimum: 0, description: 'Credit hours attempted.' }),
    credit_hours_earned: Type.Integer({ minimum: 0, description: 'Credit hours earned, never above attempted.' }),
    major_code: Type.Union(
      MAJOR_CODES.map((m) => Type.Literal(m)),
      { description: 'Declared major, one of a dozen four-letter codes.' },
    ),
    advisor_id: Type.String({ pattern: '^ADV_[0-9]{4}$', description: 'Advisor: ADV_ then 4 digits.' }),
    financial_aid_amount: Type.Number({ minimum: 0, description: 'Financial aid in dollars, 2 decimals.' }),
    last_login_date: Type.String({
      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$',
      description: 'Last login to the LMS, e.g. "2025-07-27 14:28:37".',
    }),
    total_course_views: Type.Integer({ minimum: 0, description: 'Course page views.' }),
    assignment_submissions: Type.Integer({ minimum: 0, description: 'Assignments submitted.' }),
    discussion_posts: Type.Integer({ minimum: 0, description: 'Discussion forum posts.' }),
    avg_assignment_score: Type.Number({ minimum: 0, maximum: 100, description: 'Average assignment score, 0-100, 1 decimal.' }),
    course_completion_rate: Type.Number({ minimum: 0, maximum: 1, description: 'Share of courses completed, 0-1, 2 decimals.' }),
    plagiarism_incidents: Type.Integer({ minimum: 0, description: 'Plagiarism incidents, mostly 0.' }),
    writing_quality_score: Type.Number({ minimum: 0, maximum: 100, description: 'Writing quality, 0-100, 1 decimal.' }),
    engagement_score: Type.Number({ minimum: 0, maximum: 100, description: 'Engagement, 0-100, 1 decimal.' }),
    at_risk_flag: Type.Boolean({ description: 'Flagged as at risk of not returning.' }),
    intervention_count: Type.Integer({ minimum: 0, description: 'Advisor interventions so far.' }),
    last_updated: Type.String({
      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$',
      description: 'When the record last changed, in UTC with a space and no zone, e.g. "2025-07-31 23:57:37" (parse with %Y-%m-%d %H:%M:%S).',
    }),
    last_updated_epoch: Type.Integer({ minimum: 0, description: 'last_updated as Unix seconds.' }),
  },
  { additionalProperties: false, description: 'One freshman student record.' },
);
export type HedRecord = Static<typeof HedRecord>;

/** The field names in the order records are serialized. */
export const RECORD_FIELDS = Object.keys(HedRecord.properties) as (keyof HedRecord)[];
