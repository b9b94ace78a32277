import { type BuilderReference, FOCUS_AREAS, type FieldDefinition, type JsonType, type VerticalDefinition, verticalBasics } from './definition.js';

/** HED's records come from its own generator (verticals/hed/), which the definition names as its builder. */
const BUILDER: BuilderReference = { module: 'verticals/hed/build.ts', load: async () => (await import('./hed/build.js')).hedBuilder };
const EXTERNAL = { kind: 'external', module: BUILDER.module } as const;
const field = (name: string, type: JsonType, format?: FieldDefinition['format'], unit?: string): FieldDefinition => ({
  name,
  type,
  ...(format ? { format } : {}),
  ...(unit ? { unit } : {}),
  gen: EXTERNAL,
});

/**
 * HED: higher education freshman retention (StudentSuccess). The facts of its record and
 * app, for the parts of the kit that read definitions; its data, checksum and behaviour
 * are those of its builder (verticals/hed/), in the order the kit serves them.
 */
export const hed: VerticalDefinition = {
  ...verticalBasics('hed'),
  domain: 'Higher Education',
  fields: [
    field('record_id', 'string', { kind: 'uuid' }),
    field('student_id', 'string', { kind: 'pattern', pattern: '^STU_2024[0-9]{5,}$' }),
    field('enrollment_date', 'string', { kind: 'date', format: 'loose-datetime' }),
    field('academic_standing', 'string'),
    field('current_gpa', 'number'),
    field('credit_hours_attempted', 'integer'),
    field('credit_hours_earned', 'integer'),
    field('major_code', 'string'),
    field('advisor_id', 'string', { kind: 'pattern', pattern: '^ADV_[0-9]{4}$' }),
    field('financial_aid_amount', 'number', undefined, '$'),
    field('last_login_date', 'string', { kind: 'date', format: 'datetime' }),
    field('total_course_views', 'integer'),
    field('assignment_submissions', 'integer'),
    field('discussion_posts', 'integer'),
    field('avg_assignment_score', 'number'),
    field('course_completion_rate', 'number'),
    field('plagiarism_incidents', 'integer'),
    field('writing_quality_score', 'number'),
    field('engagement_score', 'number'),
    field('at_risk_flag', 'boolean'),
    field('intervention_count', 'integer'),
    field('last_updated', 'string', { kind: 'date', format: 'datetime' }),
    field('last_updated_epoch', 'integer', { kind: 'epoch-seconds' }),
  ],
  risk: { field: 'at_risk_flag', label: 'risk of not returning' },
  // verticals/hed/dataset.ts DATASET_START_EPOCH (2025-07-31 23:00:00 UTC).
  startEpoch: 1_754_002_800,
  app: {
    name: 'StudentSuccess',
    title: 'StudentSuccess – AI-driven Freshman Retention Insights',
    industry: 'Higher Education',
    kpis: [
      { label: 'Average GPA', formula: { op: 'mean', field: 'current_gpa' }, format: { style: 'number', decimals: 2 }, target: { value: 3, better: 'higher', note: 'vs 3.0 target' } },
      { label: 'Avg Completion Rate', formula: { op: 'mean', field: 'course_completion_rate' }, format: { style: 'percent', decimals: 1 }, target: { value: 0.85, better: 'higher', note: 'vs 85% target' } },
      { label: 'Avg Engagement Score', formula: { op: 'mean', field: 'engagement_score' }, format: { style: 'number', decimals: 1 }, target: { value: 70, better: 'higher', note: 'vs 70 target' } },
      { label: 'At-Risk Students', formula: { op: 'share', field: 'at_risk_flag', equals: true }, format: { style: 'percent', decimals: 1 }, target: { value: 0.3, better: 'lower', note: 'vs 30% baseline' } },
    ],
    charts: [
      { kind: 'histogram', title: 'GPA Distribution', field: 'current_gpa' },
      { kind: 'boxplot', title: 'Engagement by Standing', category: 'academic_standing', value: 'engagement_score' },
      { kind: 'trend', title: 'Completion Rate Trends', date: 'enrollment_date', value: 'course_completion_rate' },
      { kind: 'counts', title: 'At-Risk Distribution', field: 'at_risk_flag', mark: 'arc' },
      { kind: 'scatter', title: 'Aid vs GPA Correlation', x: 'financial_aid_amount', y: 'current_gpa', color: 'engagement_score' },
      { kind: 'mean-by', title: 'Major Performance', category: 'major_code', value: 'current_gpa' },
    ],
    summary: ['current_gpa', 'course_completion_rate', 'engagement_score', 'intervention_count'],
    categories: ['academic_standing', 'major_code', 'advisor_id'],
    focusAreas: FOCUS_AREAS,
    subject: 'freshman retention, grades and engagement',
  },
  builder: BUILDER,
};
