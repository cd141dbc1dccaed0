/** Tiki's wire time format: `yyyy-MM-dd HH:mm:ss`, Vietnam local time (UTC+7). */
const VN_OFFSET_MS = 7 * 3_600_000;
const FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

const pad = (n: number) => String(n).padStart(2, '0');

export function formatTiki(ms: number): string {
  const d = new Date(ms + VN_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** Epoch ms of a Tiki local date-time, or undefined when it is not one. */
export function parseTiki(value: string): number | undefined {
  const m = FORMAT.exec(value.trim());
  if (!m) return undefined;
  const p = m.slice(1).map((v) => Number(v ?? 0));
  const utc = Date.UTC(p[0], p[1] - 1, p[2], p[3], p[4], p[5]);
  const check = new Date(utc);
  if (check.getUTCMonth() !== p[1] - 1 || check.getUTCDate() !== p[2] || p[3] > 23 || p[4] > 59 || p[5] > 59) {
    return undefined;
  }
  return utc - VN_OFFSET_MS;
}

/** Epoch ms of an ISO string or a Tiki local date-time (control API convenience). */
export function parseAnyTime(value: string): number | undefined {
  const tiki = parseTiki(value);
  if (tiki !== undefined) return tiki;
  const iso = Date.parse(value);
  return Number.isFinite(iso) ? iso : undefined;
}

/** Start of the local (UTC+7) day containing `ms`. */
export function startOfLocalDay(ms: number): number {
  const local = ms + VN_OFFSET_MS;
  return local - (local % 86_400_000) - VN_OFFSET_MS;
}
