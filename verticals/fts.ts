import { FOCUS_AREAS, LAB_SAMPLE_EPOCH, LAST_UPDATED_EPOCH, RECORD_ID, verticalBasics, type VerticalDefinition } from './definition.js';
import { choice, date, decimal, integer, sequence } from './fields.js';

/** FTS: oil and gas field technician log summarization (LogLynx). */
export const fts: VerticalDefinition = {
  ...verticalBasics('fts'),
  domain: 'Oil and Gas',
  fields: [
    sequence('customer_id', 'CUST_', 6),
    integer('downtime_hours', 0, 24, { follows: 0.6, unit: 'h' }),
    sequence('equipment_id', 'EQUIP_', 6),
    sequence('erp_order_id', 'ORDER_', 6),
    decimal('failure_rate', 0, 1, 2, { follows: 0.85 }),
    LAST_UPDATED_EPOCH,
    date('log_date', 'date', '2025-01-01', '2026-03-31'),
    choice('log_description', [
      'Performed routine maintenance on equipment',
      'Inspected pipeline for corrosion',
      'Calibrated pressure sensors',
      'Replaced worn pump seals',
      'Repaired compressor valve',
      'Diagnosed motor vibration',
    ]),
    decimal('maintenance_cost', 100, 5000, 2, { follows: 0.4, unit: '$' }),
    choice('maintenance_status', ['Completed', 'Scheduled', 'In Progress', 'Cancelled']),
    choice('maintenance_type', ['Preventive Maintenance', 'Corrective Maintenance', 'Predictive Maintenance', 'Condition-Based Maintenance', 'Reliability-Centered Maintenance']),
    RECORD_ID,
    integer('summarization_time_saved', 0, 8, { unit: 'h' }),
    choice('summarized_log', ['Issue resolved', 'Routine maintenance completed', 'Parts on order', 'Follow-up required', 'Escalated to engineering'], { follows: 0.5 }),
    sequence('technician_id', 'TECH_', 6),
  ],
  risk: { field: 'failure_rate', label: 'equipment failure rate' },
  startEpoch: LAB_SAMPLE_EPOCH,
  app: {
    name: 'LogLynx',
    title: 'LogLynx – AI-driven Field Technician Task Summarization',
    industry: 'Oil & Gas',
    kpis: [
      { label: 'Avg Failure Rate', formula: { op: 'mean', field: 'failure_rate' }, format: { style: 'number', decimals: 3 }, target: { value: 0.03, better: 'lower', note: 'vs baseline' } },
      { label: 'Avg Maintenance Cost', formula: { op: 'mean', field: 'maintenance_cost' }, format: { style: 'currency', decimals: 0 }, target: { value: 4_000_000 / 12, better: 'lower', note: 'vs target' } },
      { label: 'Avg Downtime Hours', formula: { op: 'mean', field: 'downtime_hours' }, format: { style: 'number', decimals: 1, suffix: 'h' }, target: { value: 8.33, better: 'lower', note: 'vs target' } },
      { label: 'Avg Time Saved', formula: { op: 'mean', field: 'summarization_time_saved' }, format: { style: 'number', decimals: 1, suffix: 'h' }, target: { value: 2.5, better: 'higher', note: 'vs baseline' } },
    ],
    charts: [
      { kind: 'histogram', title: 'Cost Distribution', field: 'maintenance_cost' },
      { kind: 'boxplot', title: 'Failure Rate by Type', category: 'maintenance_type', value: 'failure_rate' },
      { kind: 'trend', title: 'Downtime Trends', date: 'log_date', value: 'downtime_hours' },
      { kind: 'counts', title: 'Status Distribution', field: 'maintenance_status', mark: 'arc' },
      { kind: 'scatter', title: 'Time Saved vs Cost', x: 'summarization_time_saved', y: 'maintenance_cost', color: 'failure_rate' },
      { kind: 'mean-by', title: 'Equipment Performance', category: 'equipment_id', value: 'failure_rate' },
    ],
    summary: ['failure_rate', 'maintenance_cost', 'downtime_hours', 'summarization_time_saved'],
    categories: ['log_description', 'maintenance_type', 'maintenance_status', 'summarized_log'],
    focusAreas: FOCUS_AREAS,
    subject: 'field maintenance, equipment failures and downtime',
  },
};
