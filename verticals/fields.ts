import type { ComposePart, DateFormat, FieldDefinition, Follows } from './definition.js';

/**
 * Short builders for field definitions, so a vertical's file reads as its record. Each
 * fills in the JSON type and, for ids and dates, the format a test checks.
 *
 * @example
 * sequence('animal_id', 'ANIMAL_', 6) // ANIMAL_000000, ANIMAL_000001, …
 */

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** PREFIX + zero-padded record index (+ offset). */
export function sequence(name: string, prefix: string, digits: number, offset = 0): FieldDefinition {
  return { name, type: 'string', format: { kind: 'pattern', pattern: `^${escapeRegExp(prefix)}[0-9]{${digits},}$` }, gen: { kind: 'sequence', prefix, digits, offset } };
}

/** A template with `{n}` for the record index + offset: `Customer {n}`. */
export function indexed(name: string, template: string, offset: number): FieldDefinition {
  const [before, after] = template.split('{n}') as [string, string];
  return { name, type: 'string', format: { kind: 'pattern', pattern: `^${escapeRegExp(before)}[0-9]+${escapeRegExp(after)}$` }, gen: { kind: 'indexed', template, offset } };
}

/** Literal text, picks and integers joined; the pattern follows from the parts. */
export function compose(name: string, ...parts: ComposePart[]): FieldDefinition {
  const pattern = parts
    .map((part) => {
      if (typeof part === 'string') return escapeRegExp(part);
      if ('pick' in part) return `(${part.pick.map(escapeRegExp).join('|')})`;
      return '[0-9]+';
    })
    .join('');
  return { name, type: 'string', format: { kind: 'pattern', pattern: `^${pattern}$` }, gen: { kind: 'compose', parts } };
}

/** One of `values`; with `follows`, the values run from low risk to high risk. */
export function choice(name: string, values: readonly string[], options: { weights?: readonly number[]; follows?: Follows } = {}): FieldDefinition {
  return { name, type: 'string', gen: { kind: 'enum', values, ...options } };
}

/** A decimal (JSON number) in [min, max], rounded to `decimals`. */
export function decimal(name: string, min: number, max: number, decimals: number, options: { bell?: boolean; follows?: Follows; unit?: string; zeroUnless?: string } = {}): FieldDefinition {
  const { unit, ...draw } = options;
  return { name, type: 'number', ...(unit ? { unit } : {}), gen: { kind: 'number', min, max, decimals, ...draw } };
}

/** An integer (JSON integer) in [min, max]. */
export function integer(name: string, min: number, max: number, options: { bell?: boolean; follows?: Follows; unit?: string } = {}): FieldDefinition {
  const { unit, ...draw } = options;
  return { name, type: 'integer', ...(unit ? { unit } : {}), gen: { kind: 'integer', min, max, ...draw } };
}

/** An integer field that takes one of a few values: 7, 14, 30, 60 or 90 days. */
export function integerChoice(name: string, values: readonly number[], options: { weights?: readonly number[]; follows?: Follows } = {}): FieldDefinition {
  return { name, type: 'integer', gen: { kind: 'enum', values, ...options } };
}

/** A boolean, true with about probability `p`. */
export function flag(name: string, p: number, follows?: Follows): FieldDefinition {
  return { name, type: 'boolean', gen: { kind: 'boolean', p, ...(follows ? { follows } : {}) } };
}

/** A date or time string between two days (UTC), on a grid of `stepSeconds` (default: whole days). */
export function date(name: string, format: DateFormat, from: string, to: string, options: { stepSeconds?: number; follows?: Follows } = {}): FieldDefinition {
  return { name, type: 'string', format: { kind: 'date', format }, gen: { kind: 'date', from, to, ...options } };
}

/** A date `minDays` to `maxDays` after another date field of the record. */
export function dateAfter(name: string, format: DateFormat, field: string, minDays: number, maxDays: number): FieldDefinition {
  return { name, type: 'string', format: { kind: 'date', format }, gen: { kind: 'date', from: '1970-01-01', to: '1970-01-01', after: { field, minDays, maxDays } } };
}
