import { LAST_UPDATED_EPOCH, RECORD_ID, type FieldDefinition } from './definition.js';
import { choice, date, decimal, flag, integer, sequence } from './fields.js';

/**
 * CPG and RDP serve the same record, but for one name: the customer's lifetime value is
 * `customer_ltv` in CPG and `customer_lifetime_value` in RDP. Sorted by name either way.
 */
export function retailFields(lifetimeValue: 'customer_ltv' | 'customer_lifetime_value'): FieldDefinition[] {
  const fields: FieldDefinition[] = [
    decimal('average_order_value', 20, 500, 2, { unit: '$' }),
    sequence('customer_id', 'CUSTOMER_', 6),
    decimal(lifetimeValue, 100, 10000, 2, { follows: -0.3, unit: '$' }),
    decimal('customer_satisfaction_rate', 0.5, 1, 10, { follows: -0.6 }),
    choice('customer_segment', ['High-Value', 'Medium-Value', 'Low-Value'], { follows: 0.3 }),
    integer('demand_forecast', 0, 100),
    integer('inventory_level', 0, 1000),
    decimal('inventory_turnover', 1, 12, 10),
    LAST_UPDATED_EPOCH,
    date('order_date', 'date', '2024-06-01', '2024-11-30'),
    integer('order_frequency', 1, 20),
    sequence('order_id', 'ORDER_', 6),
    choice('order_status', ['Delivered', 'Shipped', 'Pending', 'Cancelled'], { follows: 0.3 }),
    decimal('order_total', 10, 1000, 2, { unit: '$' }),
    decimal('overstock_rate', 0, 0.2, 10),
    decimal('price_elasticity', 0.1, 2, 10),
    date('price_optimization_date', 'date', '2024-06-01', '2024-12-31'),
    flag('price_optimization_flag', 0.5),
    choice('price_optimization_recommendation', ['Increase Price', 'Decrease Price', 'Maintain Price']),
    choice('price_optimization_result', ['Success', 'Failure'], { follows: 0.4 }),
    choice('product_category', ['Beauty', 'Electronics', 'Home & Kitchen', 'Food & Beverage', 'Personal Care', 'Household', 'Apparel']),
    sequence('product_id', 'PRODUCT_', 6),
    decimal('product_price', 1, 1000, 2, { unit: '$' }),
    decimal('product_rating', 1, 5, 10, { follows: -0.4 }),
    integer('product_review_count', 0, 500),
    choice('product_subcategory', ['Laptops', 'Smartphones', 'Skincare', 'Haircare', 'Snacks', 'Beverages', 'Cookware', 'Cleaning Supplies']),
    RECORD_ID,
    decimal('revenue_growth_rate', -0.05, 0.25, 10, { follows: -0.6 }),
    decimal('stockout_rate', 0, 0.2, 10, { follows: 0.8 }),
  ];
  return fields.sort((a, b) => (a.name < b.name ? -1 : 1));
}
