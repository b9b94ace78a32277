import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { VERTICAL_PREFIXES } from '../verticals/definition.js';

/** The data paths a fault rule or a scenario may be scoped to: `/agr_data` … `/tlc_data` (a server serves those --verticals names). */
export const DATA_PATHS: readonly string[] = VERTICAL_PREFIXES.map((p) => `/${p}_data`);

/** The optional `path` of a rule or a scenario: one data path; absent means every data path. */
export const FaultPath = Type.Union(
  DATA_PATHS.map((p) => Type.Literal(p)),
  { description: 'Act on this data path only (e.g. "/agr_data"); absent: every data path. A path of a vertical this server does not serve (--verticals) is refused.' },
);

/** Limits that keep a rule from wedging the lab (an hour-long delay is a typo, not a test). */
export const FAULT_LIMITS = {
  delayMaxMs: 120_000,
  dribbleIntervalMaxMs: 10_000,
  retryAfterMaxSeconds: 86_400,
  overlapMaxRecords: 200,
  rateLimitMaxSeconds: 86_400,
  idPattern: '^[A-Za-z0-9_.-]{1,64}$',
  /**
   * An IMF-fixdate, as Retry-After carries it: "Wed, 21 Oct 2026 07:28:00 GMT". Day names,
   * months and ranges spelled out, so every string the pattern allows is a date the server reads.
   */
  httpDatePattern:
    '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (0[1-9]|[12][0-9]|3[01]) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] GMT$',
  /** A field name drift may add or remove. */
  fieldNamePattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
} as const;

/** The action names a rule may carry, one per rule (plus an optional `delay`). */
export const FAULT_ACTIONS = [
  'status', 'hang', 'reset', 'empty', 'truncate', 'malformed', 'html', 'dribble',
  'expire_cursor', 'auth_expiry', 'overlap', 'drift', 'rate_limit',
] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

/** The trigger fields: when a rule fires. */
export const FAULT_TRIGGERS = ['page', 'nth', 'every', 'after', 'probability', 'times'] as const;

const On = Type.Literal(true);
const PositiveInt = (description: string) => Type.Integer({ minimum: 1, description });

/** A delay: fixed milliseconds, or a lognormal draw around a median. */
export const FaultDelay = Type.Union([
  Type.Integer({ minimum: 0, maximum: FAULT_LIMITS.delayMaxMs, description: 'Fixed delay in ms.' }),
  Type.Object(
    {
      median_ms: Type.Number({ minimum: 0, maximum: FAULT_LIMITS.delayMaxMs }),
      sigma: Type.Number({ minimum: 0, maximum: 3, description: 'Spread of the lognormal: 0 is fixed, 1 is wide.' }),
    },
    { additionalProperties: false },
  ),
]);

/**
 * Every field a fault rule may carry, each on its own: what the engine checks first, field
 * by field, so its messages name the field at fault. The published `FaultRule` adds what
 * spans fields. Triggers (all optional, all must hold): `page`, `nth`, `every`, `after`,
 * `probability`, `times`. Exactly one action key, or only `delay`; `delay` may also precede
 * any action.
 *
 * @example
 * { "status": 503, "times": 3 }                        // fail three times, then succeed
 * { "rate_limit": { "requests": 10, "per_seconds": 1 } } // 429 with a computed Retry-After
 */
export const FaultRuleFields = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: FAULT_LIMITS.idPattern, description: 'Stable name; generated (rule-1, rule-2, ...) when absent.' })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    path: Type.Optional(FaultPath),
    page: Type.Optional(Type.Union([Type.Literal('any'), Type.Literal('first'), Type.Literal('later')], { description: 'first: requests without a cursor; later: with one.' })),
    nth: Type.Optional(PositiveInt('Fire on the nth matching request only.')),
    every: Type.Optional(PositiveInt('Fire on every k-th matching request.')),
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'Fire on matching requests after the first n.' })),
    probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Seeded chance per matching request.' })),
    times: Type.Optional(PositiveInt('Fire at most this many times (default: no limit).')),

    delay: Type.Optional(FaultDelay),
    status: Type.Optional(Type.Integer({ minimum: 200, maximum: 599, description: 'Answer this HTTP status.' })),
    retry_after: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: FAULT_LIMITS.retryAfterMaxSeconds }), Type.String({ pattern: FAULT_LIMITS.httpDatePattern, description: 'An HTTP-date.' })]),
    ),
    body: Type.Optional(Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })], { description: 'Body for status; JSON error body by default.' })),
    hang: Type.Optional(On),
    reset: Type.Optional(On),
    empty: Type.Optional(On),
    truncate: Type.Optional(Type.Union([On, Type.Object({ fraction: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }) }, { additionalProperties: false })])),
    malformed: Type.Optional(On),
    html: Type.Optional(Type.Union([On, Type.Object({ status: Type.Integer({ minimum: 400, maximum: 599 }) }, { additionalProperties: false })])),
    dribble: Type.Optional(
      Type.Union([
        On,
        Type.Object(
          {
            chunk_bytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_048_576 })),
            interval_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: FAULT_LIMITS.dribbleIntervalMaxMs })),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
    expire_cursor: Type.Optional(On),
    auth_expiry: Type.Optional(On),
    overlap: Type.Optional(Type.Union([On, Type.Object({ records: Type.Integer({ minimum: 1, maximum: FAULT_LIMITS.overlapMaxRecords }) }, { additionalProperties: false })])),
    drift: Type.Optional(
      Type.Union([
        On,
        Type.Object({ add: Type.String({ pattern: FAULT_LIMITS.fieldNamePattern }), value: Type.Optional(Type.Unknown()) }, { additionalProperties: false }),
        Type.Object({ remove: Type.String({ pattern: FAULT_LIMITS.fieldNamePattern }) }, { additionalProperties: false }),
      ]),
    ),
    rate_limit: Type.Optional(
      Type.Object(
        {
          requests: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          per_seconds: Type.Number({ exclusiveMinimum: 0, maximum: FAULT_LIMITS.rateLimitMaxSeconds }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'A fault rule: triggers, then one action.' },
);
export type FaultRuleInput = Static<typeof FaultRuleFields>;
/** A rule as stored: the id is always set. */
export type FaultRule = FaultRuleInput & { id: string };

type RuleField = keyof typeof FaultRuleFields.properties;

/** The fields of a rule of one kind: the action (required), plus what may go with it. */
function ruleShape(title: string, required: RuleField | undefined, optional: readonly RuleField[]): TObject {
  const fields = FaultRuleFields.properties as Record<RuleField, TSchema>;
  const properties: Record<string, TSchema> = {};
  for (const name of optional) properties[name] = fields[name];
  // Type.Optional(schema, false) takes the optional mark off: the action is required.
  if (required !== undefined) properties[required] = Type.Optional(fields[required], false);
  return Type.Object(properties, { additionalProperties: false, title });
}

const COMMON: readonly RuleField[] = ['id', 'description', 'path', 'page', 'delay'];
const TRIGGERS: readonly RuleField[] = ['nth', 'every', 'after', 'probability', 'times'];

/**
 * One fault rule as accepted by `POST /__admin/faults` and in scenario files, with every
 * rule that spans fields said in the schema itself, so a rule the schema allows is a rule
 * the server takes: one shape per action (the action required, exactly one), `retry_after`
 * and `body` only with `status`, no counting triggers on a `rate_limit` (its quota
 * decides), or `delay` alone.
 *
 * @example
 * Value.Check(FaultRule, { status: 503, times: 3 })         // true
 * Value.Check(FaultRule, { status: 503, reset: true })      // false: two actions
 */
export const FaultRule = Type.Union(
  [
    ruleShape('status rule', 'status', [...COMMON, ...TRIGGERS, 'retry_after', 'body']),
    ...FAULT_ACTIONS.filter((a) => a !== 'status' && a !== 'rate_limit').map((a) => ruleShape(`${a} rule`, a, [...COMMON, ...TRIGGERS])),
    ruleShape('rate_limit rule', 'rate_limit', COMMON),
    ruleShape('delay rule', 'delay', [...COMMON.filter((f) => f !== 'delay'), ...TRIGGERS]),
  ],
  { $id: 'FaultRule', description: 'A fault rule: triggers, then one action (or only a delay).' },
);

/** The most rules one `POST /__admin/faults` adds. */
export const FAULT_RULES_PER_REQUEST_MAX = 100;

/**
 * `POST /__admin/faults` takes one rule or a list of 1 to 100, added all or nothing. FaultRule
 * is referenced, not copied: the server registers it as a shared schema (server/plugins/openapi.ts),
 * and the document holds it once, under components.
 */
export const FaultRuleRequest = Type.Union([Type.Ref(FaultRule), Type.Array(Type.Ref(FaultRule), { minItems: 1, maxItems: FAULT_RULES_PER_REQUEST_MAX })]);

/** A scenario file, fixtures/scenarios/NAME.json. */
export const Scenario = Type.Object(
  {
    name: Type.Optional(Type.String()),
    description: Type.String({ minLength: 1, description: 'One line: what the scenario does to a sync.' }),
    rules: Type.Array(FaultRule),
  },
  { additionalProperties: false },
);
export type Scenario = Static<typeof Scenario>;

/**
 * Body of `PUT /__admin/scenario`: the name is one of the scenario files the server has
 * (the caller lists them, so the document names exactly the set a request may load).
 *
 * @example
 * scenarioRequest(['flaky', 'hang']) // {"name": {"type": "string", "enum": ["flaky", "hang"]}}
 */
export function scenarioRequest(names: readonly string[]) {
  return Type.Object(
    {
      name: Type.Unsafe<string>({ type: 'string', enum: [...names], description: 'A scenario of fixtures/scenarios.' }),
      path: Type.Optional(
        Type.Union(
          DATA_PATHS.map((p) => Type.Literal(p)),
          { description: "Scope every rule of the scenario to this data path (e.g. \"/agr_data\"); absent: every data path, or the path a scenario's rule names itself." },
        ),
      ),
    },
    { additionalProperties: false },
  );
}

/** A stored rule and how often it has matched and fired since it was added. */
export const FaultRuleState = Type.Object({
  rule: Type.Object({ id: Type.String() }, { additionalProperties: true }),
  matched: Type.Integer(),
  fired: Type.Integer(),
});

/** Answer of `GET /__admin/faults` (and of the calls that change the rules). */
export const FaultList = Type.Object({
  scenario: Type.Union([Type.String(), Type.Null()], { description: 'The loaded scenario, if the rules came from one.' }),
  rules: Type.Array(FaultRuleState),
});
export type FaultList = Static<typeof FaultList>;

/** What a fault did to one request: which rule, which action. */
export const AppliedFault = Type.Object({ rule: Type.String(), action: Type.String() });
export type AppliedFault = Static<typeof AppliedFault>;

/** One request in the journal. */
export const JournalEntry = Type.Object({
  seq: Type.Integer({ description: 'Position in the journal since the last clear, from 1.' }),
  time: Type.String({ description: 'When the request arrived (ISO 8601, UTC).' }),
  method: Type.String(),
  url: Type.String({ description: 'Path and query; API keys and tokens are redacted.' }),
  status: Type.Union([Type.Integer(), Type.String()], { description: 'HTTP status, or the socket fault (reset, empty, truncate, hang) when none was answered.' }),
  faults: Type.Array(AppliedFault),
  duration_ms: Type.Number(),
  has_more: Type.Optional(Type.Boolean({ description: 'A page of /hed_data answered 200: the has_more it said (a fault may have broken the body it was in).' })),
  records: Type.Optional(Type.Integer({ description: 'A page of /hed_data answered 200: the records it held.' })),
  credentials: Type.Optional(
    Type.Array(Type.String(), { description: 'Where the request carried something that looks like a key: `header NAME` or `query NAME` (names only, never values).' }),
  ),
});
export type JournalEntry = Static<typeof JournalEntry>;

/** Answer of `GET /__admin/requests`. */
export const Journal = Type.Object({
  count: Type.Integer(),
  capacity: Type.Integer(),
  dropped: Type.Integer({ description: 'Entries pushed out since the last clear because the journal is full.' }),
  requests: Type.Array(JournalEntry),
});
export type Journal = Static<typeof Journal>;
