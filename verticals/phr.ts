import { FOCUS_AREAS, LAB_SAMPLE_EPOCH, LAST_UPDATED_EPOCH, RECORD_ID, verticalBasics, type VerticalDefinition } from './definition.js';
import { choice, date, decimal, integer, sequence } from './fields.js';

/** PHR: pharma clinical trial design (TrialGenius). */
export const phr: VerticalDefinition = {
  ...verticalBasics('phr'),
  domain: 'Pharma',
  fields: [
    choice('disease_area', ['Oncology', 'Immunology', 'Cardiology', 'Neurology', 'Infectious Disease', 'Rare Diseases']),
    decimal('dropout_rate', 0, 40, 10, { follows: 0.85, unit: '%' }),
    date('enrollment_date', 'date', '2024-01-01', '2025-06-30'),
    decimal('enrollment_rate', 20, 100, 10, { follows: -0.6, unit: '%' }),
    LAST_UPDATED_EPOCH,
    integer('patient_age', 18, 85, { bell: true, unit: 'years' }),
    choice('patient_gender', ['Female', 'Male']),
    sequence('patient_id', 'PATIENT_', 6),
    date('protocol_amendment_date', 'date', '2024-01-01', '2025-06-30'),
    sequence('protocol_id', 'PROTOCOL_', 6),
    RECORD_ID,
    choice('regulatory_approval_status', ['Approved', 'Under Review', 'Pending', 'On Hold', 'Rejected'], { follows: 0.3 }),
    sequence('site_id', 'SITE_', 6),
    choice('site_name', ['Academic Medical Center', 'Community Hospital', 'Contract Research Organization', 'Private Clinic', 'Research Institute']),
    choice('sponsor_name', ['Academic Institution', 'Pharmaceutical Company', 'Biotech Company', 'Government Agency', 'Non-Profit Foundation']),
    sequence('trial_id', 'TRIAL_', 6),
    choice('trial_name', ['Pain Management', 'Cancer Immunotherapy', 'Diabetes Prevention', 'Heart Failure Outcomes', 'Migraine Relief', 'Vaccine Efficacy']),
    choice('trial_status', ['Active', 'Recruiting', 'Completed', 'Inactive', 'Suspended']),
  ],
  risk: { field: 'dropout_rate', label: 'dropout risk' },
  startEpoch: LAB_SAMPLE_EPOCH,
  app: {
    name: 'TrialGenius',
    title: 'TrialGenius – AI-Powered Clinical Trial Design and Optimization',
    industry: 'Clinical Trials',
    kpis: [
      { label: 'Avg Patient Age', formula: { op: 'mean', field: 'patient_age' }, format: { style: 'number', decimals: 1, suffix: ' years' }, target: { value: 55, better: 'higher', note: 'vs target' } },
      { label: 'Avg Enrollment Rate', formula: { op: 'mean', field: 'enrollment_rate' }, format: { style: 'number', decimals: 1, suffix: '%' }, target: { value: 75, better: 'higher', note: 'vs target' } },
      { label: 'Avg Dropout Rate', formula: { op: 'mean', field: 'dropout_rate' }, format: { style: 'number', decimals: 1, suffix: '%' }, target: { value: 15, better: 'lower', note: 'vs target' } },
      { label: 'Active Trials', formula: { op: 'count', field: 'trial_status', equals: 'Active' }, format: { style: 'number', decimals: 0 } },
    ],
    charts: [
      { kind: 'histogram', title: 'Patient Age Distribution', field: 'patient_age' },
      { kind: 'boxplot', title: 'Enrollment Rate by Disease Area', category: 'disease_area', value: 'enrollment_rate' },
      { kind: 'trend', title: 'Dropout Rate Trends', date: 'enrollment_date', value: 'dropout_rate' },
      { kind: 'mean-by', title: 'Dropout Rate by Trial Status', category: 'trial_status', value: 'dropout_rate' },
      { kind: 'counts', title: 'Trial Status Distribution', field: 'trial_status', mark: 'arc' },
      { kind: 'counts', title: 'Patient Gender by Disease Area', field: 'disease_area', mark: 'bar', stack: 'patient_gender' },
      { kind: 'mean-by', title: 'Top Sites by Enrollment Rate', category: 'site_name', value: 'enrollment_rate' },
    ],
    summary: ['patient_age', 'enrollment_rate', 'dropout_rate'],
    categories: ['disease_area', 'trial_status', 'regulatory_approval_status', 'sponsor_name', 'patient_gender', 'site_name'],
    focusAreas: FOCUS_AREAS,
    subject: 'trial enrollment, dropout and sites',
  },
};
