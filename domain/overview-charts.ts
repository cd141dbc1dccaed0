/**
 * The overview's pictures (issue 19 item 4), drawn from the service's own records: stock latency and order intake
 * latency over the last hours, orders imported per day with the completeness check's verdict of that day, Tiki stock
 * writes and refused writes per hour. Pure: the store hands over raw samples and counts, this shapes them into aligned
 * columns (uPlot's data layout: one x array in epoch seconds, one array per series, `null` = no value there).
 * No I/O: the dashboard bundles this file too.
 *
 * The terms, each defined here once:
 * - Stock latency: `seen → confirmed`, from the moment the poll's answer listing a Haravan change arrived to the moment
 *   Tiki confirmed the write (activities/stock/summary.ts says which changes count). `stockLatencyMs`.
 * - Order intake latency: `placed → imported`, from the Tiki order's `created_at` to the moment its Haravan order was
 *   recorded as created. `orderIntakeLatencyMs`.
 * - p50 / p95: `percentile`, the value at index ⌊q·n⌋ of the ascending samples (the overview's measured figures too).
 * - Latency buckets: `latencyBucketMs` (30 min up to 48 h, 1 h beyond); a bucket with no sample is `null` (a gap, not 0).
 * - Hours are UTC hours (whole hours are the same in Vietnam), the current one last.
 * - Days are Vietnam days (UTC+7, Tiki's and the merchants' clock), the last `CHART_DAYS`, the current one last.
 * - A day's verdict is the worst of the completeness checks run that day: `incomplete` (orders still missing from
 *   Haravan after the repair wait) over `repaired` (missing ones were imported by the check) over `complete`;
 *   `null` = no check ran that day.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Default and longest window of the hourly charts (the write log is kept 8 days, store/repos/charts.ts). */
export const CHART_DEFAULT_HOURS = 24;
export const CHART_MAX_HOURS = 168;
export const CHART_DAYS = 14;
/** Vietnam's offset from UTC (no daylight saving). */
export const VIETNAM_OFFSET_MS = 7 * HOUR_MS;

export const COMPLETENESS_VERDICTS = ['complete', 'repaired', 'incomplete'] as const;
export type CompletenessVerdict = (typeof COMPLETENESS_VERDICTS)[number];

/** Stock latency of one confirmed write (ms): poll answer listing the change → Tiki confirmation. */
export function stockLatencyMs(seenAt: number, confirmedAt: number): number {
  return Math.max(0, confirmedAt - seenAt);
}

/** Order intake latency (ms): Tiki order placed → its Haravan order created. */
export function orderIntakeLatencyMs(placedAt: number, importedAt: number): number {
  return Math.max(0, importedAt - placedAt);
}

/** The `q` percentile (0..1) of ascending values: index ⌊q·n⌋ (capped at the last); undefined for none. */
export function percentile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))];
}

/** The verdict of one completeness check from its figures. */
export function completenessVerdict(f: { missing: number; repaired: number }): CompletenessVerdict {
  if (f.missing <= 0) return 'complete';
  return f.repaired >= f.missing ? 'repaired' : 'incomplete';
}

export function worseVerdict(a: CompletenessVerdict | null, b: CompletenessVerdict): CompletenessVerdict {
  if (a === null) return b;
  return COMPLETENESS_VERDICTS.indexOf(b) > COMPLETENESS_VERDICTS.indexOf(a) ? b : a;
}

/** Width of one latency bucket for a window of `hours`. */
export function latencyBucketMs(hours: number): number {
  return hours <= 48 ? 30 * 60_000 : HOUR_MS;
}

/** Starts (epoch ms) of the `count` buckets of width `width` ending with the one holding `now`. */
function bucketStarts(now: number, width: number, count: number): number[] {
  const last = Math.floor(now / width) * width;
  return Array.from({ length: count }, (_, i) => last - (count - 1 - i) * width);
}

export interface LatencySeries {
  /** Bucket starts, epoch seconds. */
  t: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  samples: number[];
}

/** p50 / p95 per bucket of the last `hours` (samples: when measured, epoch ms, and the latency in ms). */
export function latencySeries(samples: readonly { at: number; ms: number }[], now: number, hours = CHART_DEFAULT_HOURS): LatencySeries {
  const width = latencyBucketMs(hours);
  const starts = bucketStarts(now, width, Math.ceil((hours * HOUR_MS) / width));
  const values: number[][] = starts.map(() => []);
  for (const s of samples) {
    const i = Math.floor((s.at - starts[0]) / width);
    if (i >= 0 && i < starts.length && Number.isFinite(s.ms) && s.ms >= 0) values[i].push(s.ms);
  }
  const out: LatencySeries = { t: [], p50: [], p95: [], samples: [] };
  values.forEach((v, i) => {
    v.sort((a, b) => a - b);
    out.t.push(starts[i] / 1000);
    out.p50.push(percentile(v, 0.5) ?? null);
    out.p95.push(percentile(v, 0.95) ?? null);
    out.samples.push(v.length);
  });
  return out;
}

export interface HourlyWrites {
  t: number[];
  writes: number[];
  rejected: number[];
}

/** SKU writes Tiki confirmed and refused per UTC hour of the last `hours` (rows: any instant, epoch ms). */
export function writesPerHour(rows: readonly { at: number; written: number; rejected: number }[], now: number, hours = CHART_DEFAULT_HOURS): HourlyWrites {
  const starts = bucketStarts(now, HOUR_MS, hours);
  const out: HourlyWrites = { t: starts.map((s) => s / 1000), writes: Array(hours).fill(0), rejected: Array(hours).fill(0) };
  for (const r of rows) {
    const i = Math.floor((r.at - starts[0]) / HOUR_MS);
    if (i < 0 || i >= hours) continue;
    out.writes[i] += r.written;
    out.rejected[i] += r.rejected;
  }
  return out;
}

export interface DailyOrders {
  /** Vietnam day starts, epoch seconds. */
  t: number[];
  imported: number[];
  verdict: (CompletenessVerdict | null)[];
}

/** The Vietnam day (its start, epoch ms) of an instant. */
export function vietnamDayStart(at: number): number {
  return Math.floor((at + VIETNAM_OFFSET_MS) / DAY_MS) * DAY_MS - VIETNAM_OFFSET_MS;
}

/** Orders imported per Vietnam day and each day's verdict (imports and checks: epoch ms), the last `days` days. */
export function ordersPerDay(
  imports: readonly { at: number; n: number }[],
  checks: readonly { at: number; verdict: CompletenessVerdict }[],
  now: number,
  days = CHART_DAYS,
): DailyOrders {
  const first = vietnamDayStart(now) - (days - 1) * DAY_MS;
  const out: DailyOrders = { t: [], imported: Array(days).fill(0), verdict: Array(days).fill(null) };
  for (let i = 0; i < days; i++) out.t.push((first + i * DAY_MS) / 1000);
  const index = (at: number) => Math.round((vietnamDayStart(at) - first) / DAY_MS);
  for (const r of imports) {
    const i = index(r.at);
    if (i >= 0 && i < days) out.imported[i] += r.n;
  }
  for (const c of checks) {
    const i = index(c.at);
    if (i >= 0 && i < days) out.verdict[i] = worseVerdict(out.verdict[i], c.verdict);
  }
  return out;
}

/** Whether a series has anything to draw (the dashboard's empty state otherwise). */
export function hasData(values: readonly (number | null)[]): boolean {
  return values.some((v) => v !== null && v > 0);
}
