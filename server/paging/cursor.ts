import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 1;
const POSITION_BYTES = 6;
const MAC_BYTES = 12;
const PAYLOAD_BYTES = 1 + POSITION_BYTES;
const MAX_POSITION = 2 ** (8 * POSITION_BYTES) - 1;

/** Why a cursor was refused; the route turns it into 400 invalid_cursor. */
export class CursorError extends Error {
  readonly code = 'invalid_cursor';
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

export interface CursorCodec {
  /** The opaque, URL-safe cursor for a position in the change sequence. */
  encode(position: number): string;
  /** The position a cursor stands for; throws CursorError when it is not one of ours. */
  decode(cursor: string): number;
}

/**
 * Signed cursors: base64url of (version, position) plus a truncated HMAC whose key is
 * derived from the seed, so cursors survive restarts with the same seed and a cursor from
 * another seed, or one edited by hand, is refused. A `scope` (a vertical's prefix) keys
 * the signature too, so a cursor of one path is refused on another; HED's has none.
 *
 * @example
 * const codec = createCursorCodec(42);
 * codec.decode(codec.encode(600)) // 600
 */
export function createCursorCodec(seed: number, scope = ''): CursorCodec {
  const key = createHash('sha256').update(`hed-lab-kit/cursor/v${VERSION}/${seed}${scope === '' ? '' : `/${scope}`}`).digest();
  const mac = (payload: Buffer) => createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);

  return {
    encode(position) {
      if (!Number.isSafeInteger(position) || position < 0 || position > MAX_POSITION) {
        throw new RangeError(`Cursor position must be an integer from 0 to ${MAX_POSITION}, got ${position}.`);
      }
      const payload = Buffer.alloc(PAYLOAD_BYTES);
      payload.writeUInt8(VERSION, 0);
      payload.writeUIntBE(position, 1, POSITION_BYTES);
      return Buffer.concat([payload, mac(payload)]).toString('base64url');
    },
    decode(cursor) {
      const raw = Buffer.from(cursor, 'base64url');
      if (raw.length !== PAYLOAD_BYTES + MAC_BYTES || raw.toString('base64url') !== cursor) {
        throw new CursorError('The cursor is malformed or truncated. Pass next_cursor exactly as a previous page returned it, or omit cursor to start from the beginning.');
      }
      const payload = raw.subarray(0, PAYLOAD_BYTES);
      if (!timingSafeEqual(raw.subarray(PAYLOAD_BYTES), mac(payload)) || payload.readUInt8(0) !== VERSION) {
        throw new CursorError('The cursor was not issued by this server (edited, or from a server with another seed). Pass next_cursor exactly as returned, or omit cursor to start over.');
      }
      return payload.readUIntBE(1, POSITION_BYTES);
    },
  };
}
