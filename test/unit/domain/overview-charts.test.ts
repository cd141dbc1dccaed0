import {
  completenessVerdict,
  latencyBucketMs,
  latencySeries,
  orderIntakeLatencyMs,
  ordersPerDay,
  percentile,
  stockLatencyMs,
  vietnamDayStart,
  worseVerdict,
  writesPerHour,
  type CompletenessVerdict,
} from '../../../domain/overview-charts';

const H = 3_600_000;
const M = 60_000;
// 2026-12-03 10:20:00 UTC = 17:20 in Vietnam.
const NOW = Date.UTC(2026, 11, 3, 10, 20);
const THIS_HOUR = Date.UTC(2026, 11, 3, 10);

describe('the latency terms', () => {
  test.each([
    { name: 'stock: seen → confirmed', got: stockLatencyMs(1_000, 3_500), want: 2_500 },
    { name: 'stock: a clock step back is 0, never negative', got: stockLatencyMs(5_000, 4_000), want: 0 },
    { name: 'order intake: placed → imported', got: orderIntakeLatencyMs(Date.UTC(2026, 0, 1, 0, 0, 0), Date.UTC(2026, 0, 1, 0, 0, 4)), want: 4_000 },
    { name: 'order intake: imported "before" placed (Tiki clock ahead) is 0', got: orderIntakeLatencyMs(10_000, 9_000), want: 0 },
  ])('$name', ({ got, want }) => expect(got).toBe(want));
});

describe('percentile — index ⌊q·n⌋ of the ascending samples', () => {
  test.each([
    { values: [], q: 0.5, want: undefined },
    { values: [7], q: 0.5, want: 7 },
    { values: [7], q: 0.95, want: 7 },
    { values: [1, 2], q: 0.5, want: 2 },
    { values: [1, 2, 3, 4], q: 0.5, want: 3 },
    { values: Array.from({ length: 20 }, (_, i) => i + 1), q: 0.95, want: 20 },
    { values: Array.from({ length: 100 }, (_, i) => i + 1), q: 0.95, want: 96 },
    { values: [1, 2, 3], q: 1, want: 3 },
  ])('p$q of $values.length values → $want', ({ values, q, want }) => expect(percentile(values, q)).toBe(want));
});

describe('completeness verdict of a check, and the worst of a day', () => {
  test.each([
    { f: { missing: 0, repaired: 0 }, want: 'complete' },
    { f: { missing: 2, repaired: 2 }, want: 'repaired' },
    { f: { missing: 2, repaired: 1 }, want: 'incomplete' },
    { f: { missing: 1, repaired: 0 }, want: 'incomplete' },
  ])('missing $f.missing, repaired $f.repaired → $want', ({ f, want }) => expect(completenessVerdict(f)).toBe(want));

  test.each<{ a: CompletenessVerdict | null; b: CompletenessVerdict; want: CompletenessVerdict }>([
    { a: null, b: 'complete', want: 'complete' },
    { a: 'complete', b: 'repaired', want: 'repaired' },
    { a: 'repaired', b: 'complete', want: 'repaired' },
    { a: 'incomplete', b: 'repaired', want: 'incomplete' },
    { a: 'complete', b: 'incomplete', want: 'incomplete' },
  ])('$a then $b → $want', ({ a, b, want }) => expect(worseVerdict(a, b)).toBe(want));
});

describe('latencySeries — p50/p95 per bucket, gaps as null', () => {
  test('24 h: 48 buckets of 30 min, the current one last', () => {
    const s = latencySeries([], NOW);
    expect(latencyBucketMs(24)).toBe(30 * M);
    expect(s.t).toHaveLength(48);
    expect(s.t.at(-1)).toBe(Date.UTC(2026, 11, 3, 10, 0) / 1000);
    expect(s.t[0]).toBe((Date.UTC(2026, 11, 3, 10, 0) - 47 * 30 * M) / 1000);
    expect(s.p50.every((v) => v === null)).toBe(true);
    expect(s.samples.every((v) => v === 0)).toBe(true);
  });

  test.each([
    { name: 'samples of the current bucket', samples: [{ at: NOW, ms: 300 }, { at: NOW - M, ms: 100 }, { at: THIS_HOUR, ms: 200 }], index: 47, p50: 200, p95: 300, n: 3 },
    { name: 'a sample at the bucket start belongs to it', samples: [{ at: THIS_HOUR - 30 * M, ms: 50 }], index: 46, p50: 50, p95: 50, n: 1 },
    { name: 'just before the bucket start: the one before', samples: [{ at: THIS_HOUR - 30 * M - 1, ms: 50 }], index: 45, p50: 50, p95: 50, n: 1 },
  ])('$name', ({ samples, index, p50, p95, n }) => {
    const s = latencySeries(samples, NOW);
    expect({ p50: s.p50[index], p95: s.p95[index], n: s.samples[index] }).toEqual({ p50, p95, n });
    expect(s.samples.reduce((a, b) => a + b, 0)).toBe(n);
  });

  test.each([
    { name: 'older than the window', at: NOW - 25 * H, ms: 10 },
    { name: 'in the future', at: NOW + H, ms: 10 },
    { name: 'negative', at: NOW, ms: -5 },
    { name: 'not a number', at: NOW, ms: Number.NaN },
  ])('left out: $name', ({ at, ms }) => {
    expect(latencySeries([{ at, ms }], NOW).samples.every((v) => v === 0)).toBe(true);
  });

  test('a week: 168 hourly buckets', () => {
    expect(latencyBucketMs(168)).toBe(H);
    expect(latencySeries([], NOW, 168).t).toHaveLength(168);
  });
});

describe('writesPerHour — UTC hours, the current one last', () => {
  const rows = [
    { at: THIS_HOUR, written: 3, rejected: 0 },
    { at: NOW, written: 2, rejected: 1 },
    { at: THIS_HOUR - 1, written: 5, rejected: 0 },
    { at: THIS_HOUR - 23 * H, written: 7, rejected: 2 },
    { at: THIS_HOUR - 24 * H, written: 100, rejected: 100 },
  ];
  test.each([
    { hours: 24, index: 23, writes: 5, rejected: 1, t: THIS_HOUR },
    { hours: 24, index: 22, writes: 5, rejected: 0, t: THIS_HOUR - H },
    { hours: 24, index: 0, writes: 7, rejected: 2, t: THIS_HOUR - 23 * H },
    { hours: 25, index: 0, writes: 100, rejected: 100, t: THIS_HOUR - 24 * H },
  ])('$hours h, bucket $index', ({ hours, index, writes, rejected, t }) => {
    const s = writesPerHour(rows, NOW, hours);
    expect(s.t).toHaveLength(hours);
    expect({ t: s.t[index], writes: s.writes[index], rejected: s.rejected[index] }).toEqual({ t: t / 1000, writes, rejected });
  });

  test('24 h leaves the 25th hour out', () => {
    const s = writesPerHour(rows, NOW);
    expect(s.writes.reduce((a, b) => a + b, 0)).toBe(17);
    expect(s.rejected.reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('ordersPerDay — Vietnam days with the worst verdict of each', () => {
  // Vietnam midnight of 2026-12-03 = 2026-12-02 17:00 UTC.
  const TODAY_VN = Date.UTC(2026, 11, 2, 17);
  test.each([
    { name: 'UTC evening is the next Vietnam day', at: Date.UTC(2026, 11, 2, 18), want: TODAY_VN },
    { name: 'Vietnam midnight exactly', at: TODAY_VN, want: TODAY_VN },
    { name: 'a millisecond before Vietnam midnight', at: TODAY_VN - 1, want: TODAY_VN - 24 * H },
    { name: 'UTC morning', at: NOW, want: TODAY_VN },
  ])('vietnamDayStart: $name', ({ at, want }) => expect(vietnamDayStart(at)).toBe(want));

  test('imports and checks land on their day; days without a check are null', () => {
    const s = ordersPerDay(
      [
        { at: TODAY_VN + H, n: 2 },
        { at: NOW, n: 1 },
        { at: TODAY_VN - H, n: 4 },
        { at: TODAY_VN - 14 * 24 * H, n: 99 },
      ],
      [
        { at: TODAY_VN + 2 * H, verdict: 'complete' },
        { at: NOW, verdict: 'repaired' },
        { at: TODAY_VN - 2 * H, verdict: 'incomplete' },
        { at: TODAY_VN - 3 * H, verdict: 'complete' },
      ],
      NOW,
    );
    expect(s.t).toHaveLength(14);
    expect(s.t.at(-1)).toBe(TODAY_VN / 1000);
    expect(s.t[0]).toBe((TODAY_VN - 13 * 24 * H) / 1000);
    expect(s.imported.slice(-2)).toEqual([4, 3]);
    expect(s.imported.reduce((a, b) => a + b, 0)).toBe(7);
    expect(s.verdict.slice(-3)).toEqual([null, 'incomplete', 'repaired']);
  });

  test('a 3-day window', () => {
    const s = ordersPerDay([{ at: NOW, n: 1 }], [], NOW, 3);
    expect(s).toEqual({ t: [TODAY_VN - 48 * H, TODAY_VN - 24 * H, TODAY_VN].map((x) => x / 1000), imported: [0, 0, 1], verdict: [null, null, null] });
  });
});
