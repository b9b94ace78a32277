/** A vertical's filters from its definition, pure: what the query string may say and the SQL it becomes. */
import t from 'tap';
import { filterCondition, filterFields, filtersKey, parseVerticalFilters } from '../../../app/vertical/filters.js';
import { VERTICALS } from '../../../verticals/index.js';

t.test("the filters are the definition's categories, then its boolean fields", async (t) => {
  t.same(filterFields(VERTICALS.agr), { categories: [...VERTICALS.agr.app.categories], flags: [] });
  t.same(filterFields(VERTICALS.spl).flags, ['promotional_activity_flag', 'stockout_indicator']);
});

t.test('a query string becomes filters; repeated values are kept once, empty ones dropped', async (t) => {
  t.same(parseVerticalFilters(VERTICALS.tlc, { customer_tier: ['Gold', 'Gold', ''], retention_campaign_active: 'false', page: '2' }, ['page']), {
    categories: { customer_tier: ['Gold'] },
    flags: { retention_campaign_active: false },
  });
  t.same(parseVerticalFilters(VERTICALS.tlc, { customer_tier: '', retention_campaign_active: '' }), { categories: {}, flags: {} });
  t.throws(() => parseVerticalFilters(VERTICALS.tlc, { page: '2' }), { statusCode: 400, message: /Unknown filter "page" for ChurnGuard/ }, 'the explorer parameters only where allowed');
  t.throws(() => parseVerticalFilters(VERTICALS.tlc, { retention_campaign_active: 'TRUE' }), { statusCode: 400, message: /must be true or false/ });
  t.throws(() => parseVerticalFilters(VERTICALS.agr, { species: Array.from({ length: 201 }, (_, i) => `s${i}`) }), { statusCode: 400, message: /names 201 values; name at most 200/ });
});

t.test('the WHERE binds every value and quotes the field names', async (t) => {
  const filters = parseVerticalFilters(VERTICALS.tlc, { customer_tier: ["Gold'; DROP TABLE x; --", 'Silver'], retention_campaign_active: 'true' });
  t.same(filterCondition(filters), { sql: '"customer_tier" IN (?, ?) AND "retention_campaign_active" = ?', params: ["Gold'; DROP TABLE x; --", 'Silver', true] });
  t.same(filterCondition({ categories: {}, flags: {} }), { sql: '', params: [] });
  t.equal(filtersKey(filters), filtersKey(parseVerticalFilters(VERTICALS.tlc, { retention_campaign_active: 'true', customer_tier: ['Silver', "Gold'; DROP TABLE x; --"] })), 'order does not matter');
  t.not(filtersKey(filters), filtersKey({ categories: {}, flags: {} }));
});
