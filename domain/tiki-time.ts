/** Tiki's timestamps as the order rules read them: Vietnam local time, whole seconds. */

/** Vietnam is UTC+7 all year (no daylight saving). */
const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

/**
 * Parse a Tiki timestamp: `yyyy-MM-dd HH:mm:ss` (or with `T`, seconds optional) is Vietnam local time; an ISO
 * string with `Z` or an offset is taken as is. Invalid → null.
 */
export function parseTikiDateTime(raw: string | null | undefined): Date | null {
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
    const utc = Date.UTC(y, mo - 1, d, h, mi, s);
    const check = new Date(utc);
    // Reject overflowing dates such as 2024-02-30 or 25:00.
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s) {
      return null;
    }
    return new Date(utc - VIETNAM_OFFSET_MS);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? null : new Date(t);
  }
  return null;
}

/** `since` cut to Tiki's precision (whole seconds), for comparisons and `updated_from`-style filters. */
export function floorToSecond(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}
