import t from 'tap';
import { pageWindow, parseFilters, parseRowsQuery, ROWS_PARAMETERS } from '../../app/request.js';

t.test('filters: repeatable major and standing, at_risk true/false/absent', async (t) => {
  t.same(parseFilters({}), { majors: [], standings: [] });
  t.same(parseFilters({ major: 'ECON', standing: ["Dean's List", 'Honor Roll'], at_risk: 'true' }), { majors: ['ECON'], standings: ["Dean's List", 'Honor Roll'], atRisk: true });
  t.same(parseFilters({ major: ['', 'BIOL'], at_risk: 'false' }), { majors: ['BIOL'], standings: [], atRisk: false });
  t.same(parseFilters({ at_risk: '' }), { majors: [], standings: [] });
  t.throws(() => parseFilters({ at_risk: 'yes' }), { statusCode: 400, message: 'at_risk must be true or false (or left out for everyone), not "yes".' });
  t.throws(() => parseFilters({ at_risk: ['true', 'false'] }), { message: /given 2 times/ });
});

t.test('rows query: defaults, bounds, sort and search', async (t) => {
  t.same(parseRowsQuery({}), { page: 1, perPage: 10, dir: 'asc' });
  t.same(parseRowsQuery({ page: '3', per_page: '50', sort: 'current_gpa', dir: 'desc', q_col: 'major_code', q: 'ec' }), { page: 3, perPage: 50, dir: 'desc', sort: 'current_gpa', qCol: 'major_code', q: 'ec' });
  t.same(parseRowsQuery({ per_page: '5', q_col: 'major_code', q: '' }), { page: 1, perPage: 5, dir: 'asc' }, 'an empty search is no search');
  const bads: Record<string, string>[] = [{ per_page: '1e1' }, { per_page: '-5' }, { page: '1.5' }, { dir: 'sideways' }, { q: 'x' }];
  for (const bad of bads) {
    t.throws(() => parseRowsQuery(bad), { name: 'AppError', statusCode: 400 });
  }
});

t.test('ROWS_PARAMETERS are exactly the names parseRowsQuery reads', async (t) => {
  t.same([...ROWS_PARAMETERS].sort(), ['dir', 'page', 'per_page', 'q', 'q_col', 'sort']);
  // Each listed name is read (given twice, it is a 400 naming it); another name is not.
  for (const name of ROWS_PARAMETERS) t.throws(() => parseRowsQuery({ [name]: ['1', '2'] }), { statusCode: 400, message: `The parameter ${name} was given 2 times; give it once.` }, name);
  t.same(parseRowsQuery({ limit: ['1', '2'] }), parseRowsQuery({}), 'a name outside the list is left to the filters');
});

t.test('the caption and window of a page', async (t) => {
  t.match(pageWindow(1, 10, 36), { pages: 4, from: 1, to: 10, caption: 'Showing rows 1–10 of 36' });
  t.match(pageWindow(4, 10, 36), { from: 31, to: 36, caption: 'Showing rows 31–36 of 36' });
  t.match(pageWindow(9, 10, 36), { from: 0, to: 0, caption: 'Showing rows 0–0 of 36' }, 'past the end');
  t.match(pageWindow(1, 10, 0), { pages: 1, from: 0, to: 0, caption: 'Showing rows 0–0 of 0' });
});
