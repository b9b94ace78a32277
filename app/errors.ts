/** Errors of the app: a stable code, the HTTP status, a sentence a person can act on. */
export class AppError extends Error {
  /**
   * @example throw new AppError('bad_request', 400, 'Unknown column "gpa". Use one of: current_gpa, ...')
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

/** The two commands that make a warehouse, shown whenever there is none. */
export const MAKE_WAREHOUSE_COMMANDS = ['npm start', 'npm run sync'] as const;

/** The status-page sentence for a missing or empty warehouse. */
export function warehouseMissingMessage(path: string, reason: 'missing' | 'no-table' | 'empty'): string {
  const what =
    reason === 'missing'
      ? `There is no warehouse at ${path} yet.`
      : reason === 'no-table'
        ? `The warehouse ${path} has no table tester.hed_records yet.`
        : `The warehouse ${path} has no rows in tester.hed_records yet.`;
  return `${what} Start the mock with \`npm start\` in one terminal, then run \`npm run sync\` (or \`hed-tester debug\` in the lab's folder) in another, and reload this page.`;
}
