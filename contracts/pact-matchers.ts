import { MatchersV3 } from '@pact-foundation/pact';
import { HedRecord } from '../api/record.js';

type FieldSchema = {
  type?: string;
  format?: string;
  pattern?: string;
  anyOf?: { const?: unknown }[];
};

/**
 * A Pact matcher for one record, derived from the TypeBox `HedRecord` schema so the
 * contract states every field's type without redeclaring it: uuid for `format: uuid`,
 * regex for patterns and enumerations, integer / number / boolean for the rest. The
 * example supplies the values the Pact mock answers with.
 *
 * @example
 * eachLike(recordMatcher(exampleRecord))
 */
export function recordMatcher(example: HedRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(HedRecord.properties)) {
    const schema = raw as FieldSchema;
    const value = example[name as keyof HedRecord];
    fields[name] = fieldMatcher(name, schema, value);
  }
  return fields;
}

function fieldMatcher(name: string, schema: FieldSchema, value: unknown): unknown {
  if (schema.anyOf) {
    const options = schema.anyOf.map((o) => String(o.const).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return MatchersV3.regex(`^(${options.join('|')})$`, String(value));
  }
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return MatchersV3.uuid(String(value));
      return schema.pattern ? MatchersV3.regex(schema.pattern, String(value)) : MatchersV3.string(String(value));
    case 'integer':
      return MatchersV3.integer(value as number);
    case 'number':
      return MatchersV3.number(value as number);
    case 'boolean':
      return MatchersV3.boolean(value as boolean);
    default:
      throw new Error(`recordMatcher has no matcher for field ${name} of schema type ${String(schema.type)}; extend contracts/pact-matchers.ts.`);
  }
}
