import { Type, type Static } from '@sinclair/typebox';
import { HedRecord } from './record.js';

export const PAGE_SIZE_MIN = 1;
export const PAGE_SIZE_MAX = 200;
export const PAGE_SIZE_DEFAULT = 100;
/**
 * A cursor is 26 base64url characters (19 bytes: version, position, a truncated HMAC), so no
 * character needs percent-encoding. server/paging/cursor.ts makes them; a test holds the two to it.
 */
export const CURSOR_LENGTH = 26;
export const CURSOR_PATTERN = `^[A-Za-z0-9_-]{${CURSOR_LENGTH}}$`;
/** An empty cursor parameter means the beginning, like an absent one. */
export const CURSOR_PARAM_PATTERN = `^([A-Za-z0-9_-]{${CURSOR_LENGTH}})?$`;

/** Query string of `GET /hed_data`. */
export const HedDataQuery = Type.Object({
  // Optional so the OpenAPI document does not mark it required; Ajv still fills the default.
  page_size: Type.Optional(
    Type.Integer({
      minimum: PAGE_SIZE_MIN,
      maximum: PAGE_SIZE_MAX,
      default: PAGE_SIZE_DEFAULT,
      description: `Records per page, ${PAGE_SIZE_MIN} to ${PAGE_SIZE_MAX}.`,
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      pattern: CURSOR_PARAM_PATTERN,
      description:
        `A next_cursor exactly as a page returned it: ${CURSOR_LENGTH} URL-safe characters, signed by the server. ` +
        'The shape is necessary, not sufficient: a string of this shape that no server with this seed issued ' +
        '(edited, made up, or from another seed) is refused with 400 invalid_cursor. Take cursors from next_cursor only. ' +
        'Omit it, or send it empty, to start from the beginning.',
    }),
  ),
});
export type HedDataQuery = Static<typeof HedDataQuery>;

/** The page envelope of `GET /hed_data`. */
export const HedPage = Type.Object(
  {
    hed_records: Type.Array(HedRecord),
    next_cursor: Type.String({
      pattern: CURSOR_PATTERN,
      description: 'Position after the last record returned (or the request position when empty). Never null. Send it back as cursor, unchanged.',
    }),
    has_more: Type.Boolean({
      description: 'lab paging: true whenever the page is full. exact paging: true only when records remain.',
    }),
  },
  { additionalProperties: false },
);
export type HedPage = Static<typeof HedPage>;
