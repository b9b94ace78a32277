import { FOCUS_AREAS, LAB_SAMPLE_EPOCH, verticalBasics, type VerticalDefinition } from './definition.js';
import { retailFields } from './retail-fields.js';

/** RDP: retail dynamic pricing (PricePulse). */
export const rdp: VerticalDefinition = {
  ...verticalBasics('rdp'),
  domain: 'Retail',
  fields: retailFields('customer_lifetime_value'),
  risk: { field: 'stockout_rate', label: 'stockout risk' },
  startEpoch: LAB_SAMPLE_EPOCH,
  app: {
    name: 'PricePulse',
    title: 'PricePulse – AI-driven Dynamic Pricing',
    industry: 'Retail',
    kpis: [
      { label: 'Avg Revenue Growth', formula: { op: 'mean', field: 'revenue_growth_rate' }, format: { style: 'percent', decimals: 2 }, target: { value: 0.08, better: 'higher', note: 'vs target' } },
      { label: 'Avg Overstock Rate', formula: { op: 'mean', field: 'overstock_rate' }, format: { style: 'percent', decimals: 2 }, target: { value: 0.12, better: 'lower', note: 'vs target' } },
      { label: 'Avg Stockout Rate', formula: { op: 'mean', field: 'stockout_rate' }, format: { style: 'percent', decimals: 2 }, target: { value: 0.1, better: 'lower', note: 'vs target' } },
      { label: 'Customer Satisfaction', formula: { op: 'mean', field: 'customer_satisfaction_rate' }, format: { style: 'percent', decimals: 2 }, target: { value: 0.8, better: 'higher', note: 'vs baseline' } },
    ],
    charts: [
      { kind: 'counts', title: 'Price Optimization Results Distribution', field: 'price_optimization_result', mark: 'bar' },
      { kind: 'counts', title: 'Price Recommendation Distribution', field: 'price_optimization_recommendation', mark: 'bar' },
      { kind: 'counts', title: 'Customer Segment Distribution', field: 'customer_segment', mark: 'bar' },
      { kind: 'counts', title: 'Product Category Distribution', field: 'product_category', mark: 'bar' },
      { kind: 'counts', title: 'Top Product Subcategories', field: 'product_subcategory', mark: 'bar' },
      { kind: 'scatter', title: 'Revenue Growth vs Customer Satisfaction Quadrant', x: 'revenue_growth_rate', y: 'customer_satisfaction_rate', color: 'product_category' },
      { kind: 'scatter', title: 'Price Elasticity vs Inventory Turnover', x: 'price_elasticity', y: 'inventory_turnover', color: 'product_category' },
      { kind: 'counts', title: 'Order Status Distribution', field: 'order_status', mark: 'bar' },
      { kind: 'mean-by', title: 'Stockout Rate by Category', category: 'product_category', value: 'stockout_rate' },
    ],
    summary: ['order_total', 'product_price', 'revenue_growth_rate', 'customer_satisfaction_rate', 'stockout_rate', 'overstock_rate'],
    categories: ['customer_segment', 'order_status', 'product_category', 'product_subcategory', 'price_optimization_result', 'price_optimization_recommendation'],
    focusAreas: FOCUS_AREAS,
    subject: 'pricing, revenue growth and inventory',
  },
};
