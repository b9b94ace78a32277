import { Type, type Static } from '@sinclair/typebox';
import { HedRecord } from './record.js';

export const MUTATION_MAX = 100_000;

/** Body of `POST /__admin/mutations`. */
export const MutationRequest = Type.Object(
  {
    update: Type.Optional(Type.Integer({ minimum: 0, maximum: MUTATION_MAX, default: 0, description: 'Existing records to change.' })),
    create: Type.Optional(Type.Integer({ minimum: 0, maximum: MUTATION_MAX, default: 0, description: 'New records to add.' })),
  },
  { additionalProperties: false },
);
export type MutationRequest = Static<typeof MutationRequest>;

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
