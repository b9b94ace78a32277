const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** "2025-07-27 14:28:37" from Unix seconds, in UTC. */
export function formatDateTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${formatDate(d)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** "2024-08-11 0:00:00" from Unix seconds: the hour is not zero-padded, as in the hosted API. */
export function formatLooseDateTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${formatDate(d)} ${d.getUTCHours()}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** "2025-08-01T06:12:09Z" from Unix seconds. */
export function formatIsoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19) + 'Z';
}

function formatDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** Unix seconds of a UTC calendar date. */
export function utcSeconds(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / 1000;
}
