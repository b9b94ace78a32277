/**
 * Query-string parsing, pure: the filters every data route takes and the Data Explorer's
 * paging, sort and search. A bad value is a 400 with a sentence that says what to send.
 */
import { STUDENT } from '../verticals/hed/app.js';
import { AppError } from './errors.js';
import type { RowsQuery } from './queries.js';
import type { Filters } from './sql.js';

/** A parsed query string value: absent, one value, or repeated. */
export type QueryValue = string | string[] | undefined;

const list = (value: QueryValue): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]).filter((v) => v !== '');

function single(value: QueryValue, name: string): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1) throw new AppError('bad_request', 400, `The parameter ${name} was given ${value.length} times; give it once.`);
    return value[0];
  }
  return value;
}

/**
 * `major` and `standing` (repeatable), `at_risk` (`true`, `false` or absent).
 * @example parseFilters({ major: ['ECON', 'PHIL'], at_risk: 'true' }) // { majors: ['ECON', 'PHIL'], standings: [], atRisk: true }
 */
export function parseFilters(query: Record<string, QueryValue>): Filters {
  const filters: Filters = { majors: list(query.major), standings: list(query.standing) };
  const atRisk = single(query.at_risk, 'at_risk');
  if (atRisk === 'true') filters.atRisk = true;
  else if (atRisk === 'false') filters.atRisk = false;
  else if (atRisk !== undefined && atRisk !== '') throw new AppError('bad_request', 400, `at_risk must be true or false (or left out for everyone), not "${atRisk}".`);
  return filters;
}

/** Rows per page the explorer allows, and its default (the lab's slider). */
export const PER_PAGE = { min: 5, max: 50, default: 10 } as const;

function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new AppError('bad_request', 400, `${name} must be a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'the last page' : max}, not "${value}".`);
  }
  return Number(value);
}

/**
 * The Data Explorer's own query parameters, the only names parseRowsQuery reads; a
 * vertical's filters are every other name (app/vertical/filters.ts parseVerticalFilters).
 */
export const ROWS_PARAMETERS = ['page', 'per_page', 'sort', 'dir', 'q_col', 'q'] as const;
/** One of ROWS_PARAMETERS. */
export type RowsParameter = (typeof ROWS_PARAMETERS)[number];

/** ROWS_PARAMETERS (`page`, `per_page`, `sort`, `dir`, `q_col`, `q`); column names are checked against the table later. */
export function parseRowsQuery(query: Record<string, QueryValue>): RowsQuery {
  const read = (name: RowsParameter) => single(query[name], name);
  const dir = read('dir') ?? 'asc';
  if (dir !== 'asc' && dir !== 'desc') throw new AppError('bad_request', 400, `dir must be asc or desc, not "${dir}".`);
  const parsed: RowsQuery = {
    page: integer(read('page'), 'page', 1, 1, Number.MAX_SAFE_INTEGER),
    perPage: integer(read('per_page'), 'per_page', PER_PAGE.default, PER_PAGE.min, PER_PAGE.max),
    dir,
  };
  const sort = read('sort');
  if (sort !== undefined && sort !== '') parsed.sort = sort;
  const qCol = read('q_col');
  const q = read('q');
  if (q !== undefined && q !== '') {
    if (qCol === undefined || qCol === '') throw new AppError('bad_request', 400, `q needs q_col: say which column to search (q_col=${STUDENT.major}&q=econ).`);
    parsed.qCol = qCol;
    parsed.q = q;
  }
  return parsed;
}

/** Paging figures and the lab's caption `Showing rows A–B of N` (en dash). */
export function pageWindow(page: number, perPage: number, total: number) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const from = total === 0 ? 0 : Math.min((page - 1) * perPage + 1, total + 1);
  const to = Math.min(page * perPage, total);
  const caption = total === 0 || from > total ? `Showing rows 0–0 of ${total}` : `Showing rows ${from}–${to} of ${total}`;
  return { page, perPage, pages, from: from > total ? 0 : from, to: from > total ? 0 : to, total, caption };
}
