import { FOCUS_AREAS, LAB_SAMPLE_EPOCH, verticalBasics, type VerticalDefinition } from './definition.js';
import { retailFields } from './retail-fields.js';

/** CPG: consumer packaged goods (InsightEdge). */
export const cpg: VerticalDefinition = {
  ...verticalBasics('cpg'),
  domain: 'CPG',
  fields: retailFields('customer_ltv'),
  risk: { field: 'stockout_rate', label: 'stockout risk' },
  startEpoch: LAB_SAMPLE_EPOCH,
  app: {
    name: 'InsightEdge',
    title: 'InsightEdge – AI-powered Consumer Insights Generation',
    industry: 'CPG',
    kpis: [
      { label: 'Customer Satisfaction', formula: { op: 'mean', field: 'customer_satisfaction_rate' }, format: { style: 'percent', decimals: 2 }, target: { value: 0.8, better: 'higher', note: 'vs baseline' } },
      { label: 'Revenue Growth', formula: { op: 'mean', field: 'revenue_growth_rate' }, format: { style: 'percent', decimals: 2 }, target: { value: 0.12, better: 'higher', note: 'vs target' } },
      { label: 'Product Rating', formula: { op: 'mean', field: 'product_rating' }, format: { style: 'number', decimals: 2 } },
      { label: 'Stockout Rate', formula: { op: 'mean', field: 'stockout_rate' }, format: { style: 'percent', decimals: 2 } },
    ],
    charts: [
      { kind: 'counts', title: 'Customer Segment Distribution', field: 'customer_segment', mark: 'bar' },
      { kind: 'counts', title: 'Product Category Distribution', field: 'product_category', mark: 'bar' },
      { kind: 'counts', title: 'Price Optimization Results', field: 'price_optimization_result', mark: 'bar' },
      { kind: 'counts', title: 'Price Recommendations', field: 'price_optimization_recommendation', mark: 'bar' },
      { kind: 'scatter', title: 'Satisfaction vs Growth Quadrant', x: 'revenue_growth_rate', y: 'customer_satisfaction_rate', color: 'product_category' },
      { kind: 'counts', title: 'Order Status', field: 'order_status', mark: 'bar' },
    ],
    summary: ['customer_satisfaction_rate', 'revenue_growth_rate', 'product_rating', 'stockout_rate', 'inventory_turnover', 'overstock_rate'],
    categories: ['customer_segment', 'product_category', 'product_subcategory', 'order_status', 'price_optimization_result', 'price_optimization_recommendation'],
    focusAreas: FOCUS_AREAS,
    subject: 'consumer satisfaction, revenue growth and inventory',
  },
};
