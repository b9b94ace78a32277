import { Type, type Static } from '@sinclair/typebox';

/** Limits that keep a rule from wedging the lab (an hour-long delay is a typo, not a test). */
export const FAULT_LIMITS = {
  delayMaxMs: 120_000,
  dribbleIntervalMaxMs: 10_000,
  retryAfterMaxSeconds: 86_400,
  overlapMaxRecords: 200,
  rateLimitMaxSeconds: 86_400,
  idPattern: '^[A-Za-z0-9_.-]{1,64}$',
  /** An IMF-fixdate, as Retry-After carries it: "Wed, 21 Oct 2026 07:28:00 GMT". */
  httpDatePattern: '^[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT$',
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
 * One fault rule as accepted by `POST /__admin/faults` and in scenario files. Triggers
 * (all optional, all must hold): `page`, `nth`, `every`, `after`, `probability`, `times`.
 * Exactly one action key, or only `delay`; `delay` may also precede any action.
 *
 * @example
 * { "status": 503, "times": 3 }                        // fail three times, then succeed
 * { "rate_limit": { "requests": 10, "per_seconds": 1 } } // 429 with a computed Retry-After
 */
export const FaultRule = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: FAULT_LIMITS.idPattern, description: 'Stable name; generated (rule-1, rule-2, ...) when absent.' })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
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
export type FaultRuleInput = Static<typeof FaultRule>;
/** A rule as stored: the id is always set. */
export type FaultRule = FaultRuleInput & { id: string };

/** `POST /__admin/faults` takes one rule or a list. */
export const FaultRuleRequest = Type.Union([FaultRule, Type.Array(FaultRule, { minItems: 1, maxItems: 100 })]);

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

/** Body of `PUT /__admin/scenario`. */
export const ScenarioRequest = Type.Object({ name: Type.String({ minLength: 1, description: 'A name from fixtures/scenarios.' }) }, { additionalProperties: false });

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
