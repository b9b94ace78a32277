import { FOCUS_AREAS, LAB_SAMPLE_EPOCH, LAST_UPDATED_EPOCH, RECORD_ID, verticalBasics, type VerticalDefinition } from './definition.js';
import { choice, compose, decimal, integer, sequence } from './fields.js';

/** AGR: livestock health monitoring (Livestock Health Guardian). */
export const agr: VerticalDefinition = {
  ...verticalBasics('agr'),
  domain: 'Agriculture',
  fields: [
    integer('age', 1, 15, { follows: 0.3, unit: 'years' }),
    sequence('animal_id', 'ANIMAL_', 6),
    choice('breed', ['Angus', 'Brahman', 'Hereford', 'Holstein', 'Jersey', 'Charolais', 'Simmental', 'Limousin', 'Guernsey', 'Brown Swiss']),
    compose('farm_id', 'FARM_', { int: [0, 59], pad: 6 }),
    choice('health_status', ['Healthy', 'Under Observation', 'Sick', 'Critical'], { weights: [50, 25, 17, 8], follows: 0.6 }),
    decimal('humidity', 20, 95, 2, { unit: '%' }),
    LAST_UPDATED_EPOCH,
    choice('medication_history', ['None', 'Previous', 'Current'], { follows: 0.3 }),
    decimal('precipitation', 0, 150, 2, { unit: '%' }),
    decimal('predicted_health_risk', 0, 1, 2, { follows: 0.85 }),
    choice('recommended_action', ['No action needed', 'Routine checkup', 'Monitor closely', 'Veterinary consultation', 'Immediate treatment'], { follows: 0.6 }),
    RECORD_ID,
    choice('species', ['Beef Cattle', 'Dairy Cattle', 'Water Buffalo', 'Bison']),
    decimal('temperature', 5, 105, 2, { bell: true, follows: 0.2, unit: '°F' }),
    choice('vaccination_history', ['Up to date', 'Partial', 'Overdue'], { follows: 0.5 }),
    choice('weather_data', ['Sunny', 'Cloudy', 'Rainy', 'Windy', 'Snowy', 'Stormy']),
    decimal('weight', 400, 2200, 2, { bell: true, follows: -0.3, unit: 'lbs' }),
  ],
  risk: { field: 'predicted_health_risk', label: 'health risk' },
  startEpoch: LAB_SAMPLE_EPOCH,
  app: {
    name: 'Livestock Health Guardian',
    title: 'Livestock Health Guardian – AI-driven Livestock Health Monitoring',
    industry: 'Agriculture',
    kpis: [
      { label: 'Avg Health Risk', formula: { op: 'mean', field: 'predicted_health_risk' }, format: { style: 'number', decimals: 3 }, target: { value: 0.5, better: 'lower', note: 'vs baseline' } },
      { label: 'Avg Animal Weight', formula: { op: 'mean', field: 'weight' }, format: { style: 'number', decimals: 0, suffix: ' lbs' }, target: { value: 1500, better: 'higher', note: 'vs target' } },
      { label: 'Avg Animal Age', formula: { op: 'mean', field: 'age' }, format: { style: 'number', decimals: 1, suffix: ' years' }, target: { value: 6, better: 'higher', note: 'vs target' } },
      { label: 'Avg Temperature', formula: { op: 'mean', field: 'temperature' }, format: { style: 'number', decimals: 1, suffix: '°F' }, target: { value: 70, better: 'higher', note: 'vs optimal' } },
    ],
    charts: [
      { kind: 'histogram', title: 'Weight Distribution', field: 'weight' },
      { kind: 'boxplot', title: 'Health Risk by Species', category: 'species', value: 'predicted_health_risk' },
      { kind: 'histogram', title: 'Temperature Distribution', field: 'temperature' },
      { kind: 'counts', title: 'Health Status Distribution', field: 'health_status', mark: 'arc' },
      { kind: 'scatter', title: 'Weight vs Health Risk', x: 'weight', y: 'predicted_health_risk', color: 'age' },
      { kind: 'counts', title: 'Vaccination Status by Breed', field: 'breed', mark: 'bar', stack: 'vaccination_history' },
    ],
    summary: ['age', 'weight', 'temperature', 'humidity', 'precipitation', 'predicted_health_risk'],
    categories: ['species', 'breed', 'health_status', 'vaccination_history', 'medication_history', 'weather_data', 'recommended_action'],
    focusAreas: FOCUS_AREAS,
    subject: 'livestock health across farms',
  },
};
