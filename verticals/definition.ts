/**
 * A vertical is data: the shape of one of the lab's fifteen industry paths (its endpoint,
 * its record's fields and how to draw them, and the facts of its app) held in one value.
 * The server, the tester and the app read a definition; none of them names a vertical's
 * fields. The facts (field names, JSON types, formats, KPI labels and targets) come from
 * the lab's published prompts and apps; the value ranges and correlations are ours.
 */

/** The fifteen industry paths of the lab, in the lab's order. */
export const VERTICAL_PREFIXES = ['agr', 'cds', 'con', 'cpg', 'fpr', 'fts', 'hed', 'hpt', 'icp', 'met', 'mso', 'phr', 'rdp', 'spl', 'tlc'] as const;
export type VerticalPrefix = (typeof VERTICAL_PREFIXES)[number];

/** A field's JSON type as the hosted API sends it. */
export type JsonType = 'string' | 'integer' | 'number' | 'boolean';

/**
 * How a date or time string is written:
 * date `2024-11-19`, datetime `2024-11-17 04:46:00`, iso `2024-09-19T15:45:00`,
 * datetime-millis `2024-11-04 00:00:00.000`, loose-datetime `2024-08-11 0:00:00` (HED's enrollment_date).
 */
export type DateFormat = 'date' | 'datetime' | 'iso' | 'datetime-millis' | 'loose-datetime';

/** Value formats a test can check: ids by pattern, dates by their writing. */
export type FieldFormat = { kind: 'uuid' } | { kind: 'pattern'; pattern: string } | { kind: 'date'; format: DateFormat } | { kind: 'epoch-seconds' };

/**
 * How strongly a field moves with the record's hidden risk factor, from -1 (moves
 * against it) to 1 (moves with it); 0 or absent: independent. Every vertical has one such
 * factor per record (`VerticalDefinition.risk` names the field that shows it), so the
 * fields the lab's app relates to its score move together in the data.
 */
export type Follows = number;

/** A part of a composed string: literal text, one of a list, or a zero-padded integer in a range. */
export type ComposePart = string | { pick: readonly string[] } | { int: readonly [number, number]; pad?: number };

/** How a field's value is drawn. Draws are seeded; see verticals/generate.ts. */
export type FieldGenerator =
  /** A v4 UUID (record_id). */
  | { kind: 'uuid' }
  /** PREFIX + the record's index + offset, zero-padded: `ANIMAL_000000`. */
  | { kind: 'sequence'; prefix: string; digits: number; offset?: number }
  /** A template with `{n}` = the record's index + offset: `Customer {n}`, `customer{n}@example.com`. */
  | { kind: 'indexed'; template: string; offset: number }
  /** Parts joined: `EQ_` + an integer, `DC-` + a state + `-` + three digits. */
  | { kind: 'compose'; parts: readonly ComposePart[] }
  /** One of the values (strings, or numbers for an integer field); with `follows` they run from low to high risk. */
  | { kind: 'enum'; values: readonly (string | number)[]; weights?: readonly number[]; follows?: Follows }
  /**
   * A decimal in [min, max] rounded to `decimals`; `bell` piles values toward the middle;
   * `zeroUnless` names a boolean field of the record: 0 when it is false (no promotion, no discount).
   */
  | { kind: 'number'; min: number; max: number; decimals: number; bell?: boolean; follows?: Follows; zeroUnless?: string }
  /** An integer in [min, max], both inclusive. */
  | { kind: 'integer'; min: number; max: number; bell?: boolean; follows?: Follows }
  /** true with about probability `p` (more often with risk when `follows` > 0). */
  | { kind: 'boolean'; p: number; follows?: Follows }
  /**
   * A time between `from` and `to` (UTC, `YYYY-MM-DD`), on a grid of `stepSeconds`
   * (86400: midnight), or, with `after`, from `minDays` to `maxDays` after another date field.
   */
  | { kind: 'date'; from: string; to: string; stepSeconds?: number; after?: { field: string; minDays: number; maxDays: number }; follows?: Follows }
  /** Seconds since 1970: the record's change time, ascending with the record's index. */
  | { kind: 'epoch' }
  /** `first.last@domain` from two name fields, lower case. */
  | { kind: 'email'; first: string; last: string; domains: readonly string[] }
  /** A JSON-encoded list of `min` to `max` distinct values, written as the lab's API writes it: `["Action", "Thriller"]`. */
  | { kind: 'json-list'; values: readonly string[]; min: number; max: number }
  /**
   * Drawn by the definition's own builder (`VerticalDefinition.builder`, HED's in
   * verticals/hed/) rather than field by field; `module` names it for messages.
   */
  | { kind: 'external'; module: string };

export interface FieldDefinition {
  name: string;
  type: JsonType;
  format?: FieldFormat;
  /** Unit shown next to the value in the app (`lbs`, `°F`, `%`). */
  unit?: string;
  gen: FieldGenerator;
}

/**
 * A KPI's formula over the records: an aggregate of one field, or the share or count of
 * records whose field equals a value. `scale` multiplies the result (MAPE in percent to a fraction).
 */
export type KpiFormula =
  | { op: 'mean' | 'sum' | 'max'; field: string; scale?: number }
  | { op: 'share' | 'count'; field: string; equals: string | boolean }
  | { op: 'distinct'; field: string };

/** How a KPI value is written: `1,338 lbs`, `27.1%`, `$54,931.53`, `7.63/10`. */
export interface KpiFormat {
  style: 'number' | 'percent' | 'currency';
  decimals: number;
  suffix?: string;
}

export interface KpiTarget {
  value: number;
  /** Which way is good: the app shows the difference from the target with this sign. */
  better: 'higher' | 'lower';
  /** The lab app's words for the comparison: `vs target`, `vs baseline`, `vs optimal`, `vs benchmark`. */
  note: string;
}

export interface KpiDefinition {
  label: string;
  formula: KpiFormula;
  format: KpiFormat;
  target?: KpiTarget;
}

/** Encodings of the charts the lab's apps draw, by what they show (compiled to Vega-Lite by the app). */
export type ChartDefinition =
  | { kind: 'histogram'; title: string; field: string }
  | { kind: 'boxplot'; title: string; category: string; value: string }
  | { kind: 'scatter'; title: string; x: string; y: string; color?: string }
  | { kind: 'counts'; title: string; field: string; mark: 'bar' | 'arc'; stack?: string }
  | { kind: 'mean-by'; title: string; category: string; value: string }
  | { kind: 'trend'; title: string; date: string; value: string };

/** The lab app's four AI focus areas; every path has the same four. */
export const FOCUS_AREAS = ['Overall Performance', 'Optimization Opportunities', 'Financial Impact', 'Strategic Recommendations'] as const;
export type FocusArea = (typeof FOCUS_AREAS)[number];

export interface AppDefinition {
  /** The lab app's name and title: `Livestock Health Guardian – AI-driven Livestock Health Monitoring`. */
  name: string;
  title: string;
  /** The industry in the app's subtitle: `Agriculture`. */
  industry: string;
  /** The four KPI cards, in the app's order. */
  kpis: readonly [KpiDefinition, KpiDefinition, KpiDefinition, KpiDefinition];
  charts: readonly ChartDefinition[];
  /** Numeric fields of the summary statistics panel. */
  summary: readonly string[];
  /** Categorical fields the explorer filters by. */
  categories: readonly string[];
  focusAreas: readonly FocusArea[];
  /** What the offline analyst talks about, in our words: `livestock health across farms`. */
  subject: string;
}

export interface VerticalDefinition {
  prefix: VerticalPrefix;
  /** The endpoint's domain as the lab names it: `Agriculture`. */
  domain: string;
  /** `{prefix}_records`: the table in the warehouse and the key of the page envelope. */
  table: string;
  /** `/{prefix}_data`. */
  path: string;
  /** `/{prefix}_api_spec`. */
  specPath: string;
  primaryKey: readonly string[];
  /** Records served by default (the lab guide's 600). */
  recordCount: number;
  /** The fields in the order the hosted API writes them (sorted by name). */
  fields: readonly FieldDefinition[];
  /** The field that shows the hidden risk factor, and what it is called. */
  risk: { field: string; label: string };
  /** First record's last_updated_epoch; later records follow a few seconds apart. */
  startEpoch: number;
  app: AppDefinition;
  /**
   * A generator of the vertical's own, for a vertical whose fields are `external`: HED's
   * records, checksum and behaviour are those of its generator in verticals/hed/, not of
   * per-field draws. Absent: the generic generator (verticals/generate.ts) builds it.
   */
  builder?: BuilderReference;
}

/** What a vertical's own generator gives: its records in serving order and their checksum. */
export interface VerticalBuilder {
  records(seed: number, count: number): Iterable<VerticalRecord>;
  /** sha256 of the records as served, one JSON per line. */
  checksum(seed: number, count: number): string;
}

/**
 * Where a vertical's own generator lives, loaded only when asked for (it brings its own
 * dependencies, HED's faker, which the readers of definitions do not need).
 */
export interface BuilderReference {
  /** The module, for messages and docs: `verticals/hed/build.ts`. */
  module: string;
  load(): Promise<VerticalBuilder>;
}

/** A generated record: field name to JSON value. */
export type VerticalRecord = Record<string, string | number | boolean>;

/** The parts of a definition every vertical shares, filled from the prefix. */
export function verticalBasics(prefix: VerticalPrefix): Pick<VerticalDefinition, 'prefix' | 'table' | 'path' | 'specPath' | 'primaryKey' | 'recordCount'> {
  return { prefix, table: `${prefix}_records`, path: `/${prefix}_data`, specPath: `/${prefix}_api_spec`, primaryKey: ['record_id'], recordCount: 600 };
}

/** The lab's sample records carry this last_updated_epoch (2025-06-01 17:00:00 UTC). */
export const LAB_SAMPLE_EPOCH = 1_748_797_200;

/** The record_id field every vertical has. */
export const RECORD_ID: FieldDefinition = { name: 'record_id', type: 'string', format: { kind: 'uuid' }, gen: { kind: 'uuid' } };
/** The last_updated_epoch field every vertical has. */
export const LAST_UPDATED_EPOCH: FieldDefinition = { name: 'last_updated_epoch', type: 'integer', format: { kind: 'epoch-seconds' }, gen: { kind: 'epoch' } };
