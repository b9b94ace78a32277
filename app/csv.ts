/**
 * CSV per RFC 4180, pure: fields with a comma, quote, CR or LF are quoted and quotes doubled;
 * lines end in CRLF. Text that a spreadsheet would run as a formula is neutralised the way
 * OWASP's "CSV Injection" page says: a cell starting with `=`, `+`, `-`, `@`, a tab or a CR
 * gets a leading single quote and is quoted. Numbers stay numbers.
 */

import { Readable } from 'node:stream';

/** What starts a formula in Excel, LibreOffice and Google Sheets. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A plain number as DuckDB writes one (a BIGINT or DECIMAL comes as text): safe as it is. */
const PLAIN_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * One CSV field. `null` is empty; objects are their JSON; formula-like text is neutralised.
 * @example csvField('=HYPERLINK("http://x")') // '"\'=HYPERLINK(""http://x"")"'
 * @example csvField(-1.5) // '-1.5'
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) return `"'${text.replaceAll('"', '""')}"`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with its CRLF. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Rows as the explorer's queries stream them: column names, then chunks of rows. */
export interface StreamedRows {
  columns: string[];
  chunks: AsyncIterable<readonly unknown[][]>;
}

/**
 * A CSV download over an open warehouse: `select` picks the rows (a throw closes the
 * warehouse and is rethrown, so the route answers its error); the stream writes the
 * header, then each chunk, and closes the warehouse when it ends or is cut off.
 *
 * @example reply.send(csvDownload(await openWarehouse(path), (w) => allRows(w, filters, query)))
 */
export function csvDownload<W extends { close(): void }>(warehouse: W, select: (warehouse: W) => StreamedRows): Readable {
  let rows: StreamedRows;
  try {
    rows = select(warehouse);
  } catch (error) {
    warehouse.close();
    throw error;
  }
  const lines = async function* () {
    try {
      yield csvLine(rows.columns);
      for await (const chunk of rows.chunks) yield chunk.map(csvLine).join('');
    } finally {
      warehouse.close();
    }
  };
  return Readable.from(lines());
}
