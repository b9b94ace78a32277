import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { HedRecord } from './record.js';

export const MUTATION_MAX = 100_000;

/** Body of `POST /__admin/mutations`. */
export const MutationRequest = Type.Object(
  {
    update: Type.Optional(Type.Integer({ minimum: 0, maximum: MUTATION_MAX, default: 0, description: 'Existing records to change.' })),
    create: Type.Optional(Type.Integer({ minimum: 0, maximum: MUTATION_MAX, default: 0, description: 'New records to add.' })),
    vertical: Type.Optional(Type.String({ description: 'The prefix of the vertical to change (agr, tlc, ...); absent: hed.' })),
  },
  { additionalProperties: false },
);
export type MutationRequest = Static<typeof MutationRequest>;

/** The `vertical` a caller picks, as the document states it: one of the prefixes this server serves. */
export function verticalParameter(served: readonly string[]) {
  return Type.Optional(
    Type.Unsafe<string>({
      type: 'string',
      enum: [...served],
      description: `The vertical, by prefix: one of ${served.join(', ')} (the verticals this server serves). Absent: hed.`,
    }),
  );
}

/**
 * Body of `POST /__admin/mutations` on a server that serves `served`: MutationRequest with
 * `vertical` narrowed to those prefixes.
 *
 * @example
 * mutationRequest(['agr', 'hed']) // {"update": n, "create": m, "vertical": "agr" | "hed"}
 */
export function mutationRequest(served: readonly string[]) {
  return Type.Object({ ...MutationRequest.properties, vertical: verticalParameter(served) }, { additionalProperties: false });
}

/** Query string of `GET /__admin/records`. */
export function recordsQuery(served: readonly string[]) {
  return Type.Object({ vertical: verticalParameter(served) });
}

/**
 * Answer of `GET /__admin/records?vertical=PREFIX`: `{"count": n, "{prefix}_records": [...]}`,
 * the same envelope for every vertical; `record` is that vertical's record schema.
 *
 * @example
 * recordsDump('agr_records', verticalRecordSchema(agr))
 */
export function recordsDump(table: string, record: TSchema) {
  return Type.Object({ count: Type.Integer(), [table]: Type.Array(record) }, { additionalProperties: false, title: `${table} dump` });
}

/** Answer of `POST /__admin/mutations`. */
export const MutationResult = Type.Object({
  batch: Type.Integer({ description: 'Mutation batch number since the last reset, from 1.' }),
  record_ids: Type.Array(Type.String(), { description: 'Every changed record_id, in the order they now appear.' }),
  updated: Type.Array(Type.String()),
  created: Type.Array(Type.String()),
});
export type MutationResult = Static<typeof MutationResult>;

/** Answer of `GET /__admin/records`. */
export const RecordsDump = Type.Object({
  count: Type.Integer(),
  hed_records: Type.Array(HedRecord),
});
export type RecordsDump = Static<typeof RecordsDump>;

/** Answer of `POST /__admin/reset`. */
export const ResetResult = Type.Object({
  reset: Type.Literal(true),
  count: Type.Integer({ description: 'Records in the dataset after the reset.' }),
});

export const Health = Type.Object({
  status: Type.Literal('ok'),
  records: Type.Integer(),
  seed: Type.Integer(),
  paging: Type.String(),
});
