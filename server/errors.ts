import type { ErrorCode } from '../api/errors.js';

/**
 * An error the mock answers on purpose: HTTP status, stable code, a sentence a person can
 * act on, and optional headers (Allow, Retry-After).
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody() {
    return { error: this.code, message: this.message };
  }
}
