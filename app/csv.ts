/** CSV per RFC 4180, pure: fields with a comma, quote, CR or LF are quoted and quotes doubled; lines end in CRLF. */

/** One CSV field. `null` is empty; objects are their JSON. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with its CRLF. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
