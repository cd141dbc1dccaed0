/**
 * Tiki exchanges timestamps as `yyyy-MM-dd HH:mm:ss` in Vietnam local time (UTC+7, no DST).
 * Event `created_at` values are epoch milliseconds and need no conversion.
 */
const VN_OFFSET_MS = 7 * 3_600_000;
const TIKI_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Format an instant as Tiki's local `yyyy-MM-dd HH:mm:ss` (UTC+7). */
export function toTikiDateTime(date: Date | number): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('toTikiDateTime: invalid date');
  const d = new Date(ms + VN_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/**
 * Parse Tiki's local `yyyy-MM-dd HH:mm:ss` (also `yyyy-MM-dd HH:mm` and `yyyy-MM-dd`) as UTC+7.
 * Throws a RangeError on anything else, including impossible dates such as `2024-02-30`.
 */
export function parseTikiDateTime(value: string): Date {
  const m = TIKI_DATE_TIME.exec(value.trim());
  if (!m) throw new RangeError(`parseTikiDateTime: not a Tiki date-time: ${JSON.stringify(value)}`);
  const parts = m.slice(1).map((v) => Number(v ?? 0));
  const utc = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]);
  const check = new Date(utc);
  if (
    check.getUTCFullYear() !== parts[0] ||
    check.getUTCMonth() !== parts[1] - 1 ||
    check.getUTCDate() !== parts[2] ||
    check.getUTCHours() !== parts[3] ||
    check.getUTCMinutes() !== parts[4] ||
    check.getUTCSeconds() !== parts[5]
  ) {
    throw new RangeError(`parseTikiDateTime: impossible date-time: ${JSON.stringify(value)}`);
  }
  return new Date(utc - VN_OFFSET_MS);
}
