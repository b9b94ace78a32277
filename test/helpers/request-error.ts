import { HedRequestError } from '../../connector/client.js';

/**
 * The HedRequestError a fetchPage call rejects with; fails the test when the call
 * resolves or rejects with anything else.
 *
 * @example
 * const error = await requestError(client.fetchPage({ pageSize: 0 })); t.equal(error.status, 400);
 */
export async function requestError(promise: Promise<unknown>): Promise<HedRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HedRequestError) return error;
    throw error;
  }
  throw new Error('fetchPage resolved, but the test expected it to fail with a HedRequestError.');
}
