import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { DateFormat, FieldDefinition, VerticalDefinition } from './definition.js';

const DATE_PATTERNS: Record<DateFormat, string> = {
  date: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  datetime: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$',
  iso: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$',
  'datetime-millis': '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}$',
  'loose-datetime': '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{1,2}:[0-9]{2}:[0-9]{2}$',
};

/** How a field is described on the spec page and in the schema: its draw, in a few words. */
export function describeField(field: FieldDefinition): string {
  const gen = field.gen;
  const unit = field.unit ? ` (${field.unit})` : '';
  switch (gen.kind) {
    case 'uuid':
      return 'Primary key, a UUID v4.';
    case 'sequence':
      return `${gen.prefix} and the record's number in ${gen.digits} digits, e.g. ${gen.prefix}${'0'.repeat(gen.digits)}.`;
    case 'indexed':
      return `Numbered per record, e.g. "${gen.template.replace('{n}', String(gen.offset))}".`;
    case 'compose':
      return `An identifier such as ${gen.parts.map((p) => (typeof p === 'string' ? p : 'pick' in p ? p.pick[0] : String(p.int[0]))).join('')}.`;
    case 'enum':
      return `One of: ${gen.values.join(', ')}.`;
    case 'number':
      return `From ${gen.min} to ${gen.max}${unit}, up to ${gen.decimals} decimals${gen.zeroUnless ? `; 0 when ${gen.zeroUnless} is false` : ''}.`;
    case 'integer':
      return `A whole number from ${gen.min} to ${gen.max}${unit}.`;
    case 'boolean':
      return 'true or false.';
    case 'date':
      return gen.after ? `${gen.after.minDays} to ${gen.after.maxDays} days after ${gen.after.field}.` : `Between ${gen.from} and ${gen.to} (UTC).`;
    case 'epoch':
      return 'When the record last changed, as Unix seconds.';
    case 'email':
      return `An e-mail address made of ${gen.first} and ${gen.last}.`;
    case 'json-list':
      return `A JSON-encoded list of ${gen.min} to ${gen.max} of: ${gen.values.join(', ')}.`;
    case 'external':
      return `Drawn by ${gen.module}.`;
  }
}

function fieldSchema(field: FieldDefinition): TSchema {
  const description = describeField(field);
  const format = field.format;
  switch (field.type) {
    case 'boolean':
      return Type.Boolean({ description });
    case 'integer':
      return Type.Integer({ description });
    case 'number':
      return Type.Number({ description });
    case 'string':
      if (format?.kind === 'uuid') return Type.String({ format: 'uuid', description });
      if (format?.kind === 'pattern') return Type.String({ pattern: format.pattern, description });
      if (format?.kind === 'date') return Type.String({ pattern: DATE_PATTERNS[format.format], description });
      return Type.String({ description });
  }
}

/**
 * One record of a vertical as a TypeBox schema: every field with its JSON type and
 * format, nothing else (the route's response schema and the OpenAPI document).
 *
 * @example
 * Value.Check(verticalRecordSchema(agr), record) // true for a generated record
 */
export function verticalRecordSchema(definition: VerticalDefinition): TObject {
  return Type.Object(Object.fromEntries(definition.fields.map((f) => [f.name, fieldSchema(f)])), {
    additionalProperties: false,
    description: `One ${definition.domain} record (${definition.table}).`,
  });
}
