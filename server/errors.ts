import { ERROR_CATALOG, errorBody, type ApiErrorBody, type ErrorCode } from '../api/errors.js';

/**
 * An error the mock answers on purpose: a code of the catalog (api/errors.ts, which
 * gives its status), a sentence a person can act on, and optional headers (Allow,
 * Retry-After).
 *
 * @example
 * throw new ApiError('not_found', 'There is no fault rule "x". GET /__admin/faults lists them.');
 */
export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = ERROR_CATALOG[code].status;
  }

  /** The body on the wire: exactly {error, message}. */
  toBody(): ApiErrorBody {
    return errorBody(this.code, this.message);
  }
}
