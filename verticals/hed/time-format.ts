const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const SECONDS_PER_DAY = 86_400;

// Building a million records formats three timestamps each; a Date per call was a tenth
// of the build. The calendar date of a day number is looked up instead (a few hundred
// distinct days in any dataset) and the time of day is plain arithmetic.
const DAY_CACHE_MAX = 4_096;
const dayCache = new Map<number, string>();

/** "2025-07-27" for a day number (days since 1970-01-01, UTC). */
function formatDay(day: number): string {
  let text = dayCache.get(day);
  if (text === undefined) {
    const d = new Date(day * SECONDS_PER_DAY * 1000);
    text = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
    if (dayCache.size >= DAY_CACHE_MAX) dayCache.clear();
    dayCache.set(day, text);
  }
  return text;
}

/** Splits whole Unix seconds into the day's date text and the hour, minute and second. */
function split(epochSeconds: number): [date: string, hour: number, minute: number, second: number] {
  const whole = Math.floor(epochSeconds);
  const day = Math.floor(whole / SECONDS_PER_DAY);
  const ofDay = whole - day * SECONDS_PER_DAY;
  const hour = Math.floor(ofDay / 3600);
  const minute = Math.floor((ofDay - hour * 3600) / 60);
  return [formatDay(day), hour, minute, ofDay - hour * 3600 - minute * 60];
}

/** "2025-07-27 14:28:37" from Unix seconds, in UTC. */
export function formatDateTime(epochSeconds: number): string {
  const [date, h, m, s] = split(epochSeconds);
  return `${date} ${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

/** "2024-08-11 0:00:00" from Unix seconds: the hour is not zero-padded, as in the hosted API. */
export function formatLooseDateTime(epochSeconds: number): string {
  const [date, h, m, s] = split(epochSeconds);
  return `${date} ${h}:${pad2(m)}:${pad2(s)}`;
}

/** Unix seconds of a UTC calendar date. */
export function utcSeconds(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / 1000;
}
