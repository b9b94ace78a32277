import { Type, type Static } from '@sinclair/typebox';

/** Every error code the mock itself answers with. */
export const ERROR_CODES = [
  'invalid_page_size', 'invalid_cursor', 'invalid_request', 'unauthorized', 'forbidden',
  'not_found', 'method_not_allowed', 'payload_too_large', 'unsupported_media_type',
  'rate_limited', 'internal_error', 'service_unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one error shape of the mock: a stable code and a sentence a person can act on. */
export const ApiErrorBody = Type.Object(
  {
    error: Type.String({ description: `A stable code: ${ERROR_CODES.join(', ')}.` }),
    message: Type.String({ description: 'What went wrong and what to do about it.' }),
  },
  { description: 'Error answered by the mock.' },
);
export type ApiErrorBody = Static<typeof ApiErrorBody>;
