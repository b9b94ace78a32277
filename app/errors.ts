import { resolve } from 'node:path';

/** Errors of the app: a stable code, the HTTP status, a sentence a person can act on. */
export class AppError extends Error {
  /**
   * @example throw new AppError('bad_request', 400, 'Unknown column "gpa". Use one of: record_id, ...')
   */
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly commands?: string[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * The two commands that make a warehouse, shown whenever there is none: what an attendee
 * runs in the lab's folder (the kit's own `npm start` and `npm run sync` work only inside
 * the kit's checkout, and the message says so).
 */
export const MAKE_WAREHOUSE_COMMANDS = ['hed-mock serve', 'hed-tester debug'] as const;

/**
 * The status-page sentence for a missing or empty warehouse: which file (as an absolute
 * path, so a person sees which folder the app looked in), where the app looks by default,
 * and how to make one. Plain text: no Markdown, the page shows it as it is.
 */
export function warehouseMissingMessage(path: string, reason: 'missing' | 'no-table' | 'empty'): string {
  const file = resolve(path);
  const what =
    reason === 'missing'
      ? `There is no warehouse at ${file} yet.`
      : reason === 'no-table'
        ? `The warehouse ${file} has no table tester.hed_records yet.`
        : `The warehouse ${file} has no rows in tester.hed_records yet.`;
  return (
    `${what} This app reads files/warehouse.db in the folder it was started from, or the file --warehouse names. ` +
    "To make one, start the mock with hed-mock serve in one terminal, then run hed-tester debug in your lab folder (the one with connector.py) in another, and check again. " +
    'Inside the kit\'s own checkout, npm start and npm run sync do the same.'
  );
}
