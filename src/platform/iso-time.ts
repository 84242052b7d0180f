/**
 * `new Date(ms).toISOString()` without the time zone. V8 (Node 20) computes the local offset
 * and the zone's name for every Date → string conversion, ISO included, and the first one
 * loads ICU's time-zone code and data: ~0.9 MB of the node binary's pages resident for good in
 * a process that never shows a local time (bench/RESULTS.md section 26). The UTC getters need
 * no zone. Same text as toISOString for the years 0–9999; any other value goes to toISOString
 * (which throws a RangeError for an invalid time, as before).
 */
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

export function isoTime(ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return d.toISOString();
  const milli = d.getUTCMilliseconds();
  return `${year < 1000 ? `${year}`.padStart(4, '0') : year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : milli}Z`;
}

/** The current time, as {@link isoTime}. */
export const isoNow = (): string => isoTime(Date.now());
