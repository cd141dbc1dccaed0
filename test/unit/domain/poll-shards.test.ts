import {
  mergeStockChanges,
  pollModeFrom,
  reconcileDueAt,
  shardCountFrom,
  shardKey,
  shardOf,
  sweepDueAt,
  taskRetryDelayMs,
} from '../../../domain/poll-shards';

test.each([
  [undefined, 'shards'],
  ['', 'shards'],
  ['per-connection', 'per-connection'],
  ['shards', 'shards'],
  ['PER-CONNECTION', 'shards'],
])('POLL_MODE %p is %p', (value, mode) => {
  expect(pollModeFrom(value)).toBe(mode);
});

test.each([
  [undefined, 4],
  ['8', 8],
  ['0', 4],
  ['-2', 4],
  ['abc', 4],
  ['1', 1],
])('POLL_SHARDS %p is %p', (value, n) => {
  expect(shardCountFrom(value)).toBe(n);
});

test('shard keys are stable, non-negative and spread connections over the shards', () => {
  expect(shardKey('conn-1000')).toBe(shardKey('conn-1000'));
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 1000; i++) {
    const key = shardKey(`conn-${100000 + i}`);
    expect(key).toBeGreaterThanOrEqual(0);
    expect(key).toBeLessThanOrEqual(0x7fffffff);
    counts[shardOf(key, 4)]++;
  }
  for (const c of counts) expect(c).toBeGreaterThan(200);
  expect(shardOf(7, 4)).toBe(3);
});

const T = Date.parse('2026-01-01T00:00:00.000Z');
test.each([
  ['never swept: due now', null, 180, T],
  ['swept 1 min ago, every 3 min: due in 2', new Date(T - 60_000).toISOString(), 180, T + 120_000],
  ['unparsable: due now', 'x', 180, T],
])('sweep %s', (_name, last, interval, due) => {
  expect(sweepDueAt(last, interval, T)).toBe(due);
});

test.each([
  ['from the last reconciliation', new Date(T - 100_000).toISOString(), new Date(T - 900_000).toISOString(), T + 800_000],
  ['never reconciled: from the connect', null, new Date(T - 100_000).toISOString(), T + 800_000],
  ['neither: from now', null, null, T + 900_000],
])('reconcile due %s', (_name, last, connected, due) => {
  expect(reconcileDueAt(last, connected, 900, T)).toBe(due);
});

test.each([
  [0, 0],
  [1, 1_000],
  [2, 2_000],
  [5, 16_000],
  [20, 60_000],
])('after %p failures the task waits %p ms', (n, ms) => {
  expect(taskRetryDelayMs(n)).toBe(ms);
});

test('two hand-offs merge: each variant once with its earliest sighting and newest change, the later cursors', () => {
  const a = { seen: [[1, 100, 50], [2, 200, null]] as [number, number, number | null][], cursors: { inventory: '2026-01-01T00:00:01.000Z', products: '2026-01-01T00:00:05.000Z' } };
  const b = { seen: [[1, 150, 90], [3, 300, 10]] as [number, number, number | null][], cursors: { inventory: '2026-01-01T00:00:03.000Z', products: '2026-01-01T00:00:04.000Z' } };
  expect(mergeStockChanges(null, a)).toBe(a);
  const m = mergeStockChanges(a, b);
  expect(m.seen.sort((x, y) => x[0] - y[0])).toEqual([
    [1, 100, 90],
    [2, 200, null],
    [3, 300, 10],
  ]);
  expect(m.cursors).toEqual({ inventory: '2026-01-01T00:00:03.000Z', products: '2026-01-01T00:00:05.000Z' });
  expect(a.seen[0]).toEqual([1, 100, 50]);
});
