import { estimatedVariantTotal, pageRetryDelayMs, progressDue, replaceScope, type ProgressClock } from '../../../domain/link-run';
import { computeLinks, isPriceBlocked } from '../../../domain/linking';

describe('progressDue', () => {
  const base: ProgressClock = { now: 100_000, startedAt: 100_000, storedAt: 0, signalledAt: 0, phase: 'fetching', signalledPhase: 'fetching', force: false };
  // [what, clock, store, signal, urgent]
  const cases: [string, Partial<ProgressClock>, boolean, boolean, boolean][] = [
    ['first report of the phase already signalled', {}, true, true, false],
    ['phase change: everything at once', { phase: 'computing', storedAt: 99_990, signalledAt: 99_990 }, true, true, true],
    ['done is the workflow\'s to set: not signalled as a phase change', { phase: 'done', signalledPhase: 'writing', storedAt: 99_990, signalledAt: 99_990 }, false, false, false],
    ['forced at a boundary: stored even right after the last store', { force: true, storedAt: 99_990, signalledAt: 99_990 }, true, false, true],
    ['store at most once a second (999 ms)', { storedAt: 99_001, signalledAt: 99_990 }, false, false, false],
    ['store at most once a second (1000 ms)', { storedAt: 99_000, signalledAt: 99_990 }, true, false, false],
    ['signal at most every 3 s early in the run (2999 ms)', { startedAt: 90_000, storedAt: 99_990, signalledAt: 97_001 }, false, false, false],
    ['signal at most every 3 s early in the run (3000 ms)', { startedAt: 90_000, storedAt: 99_990, signalledAt: 97_000 }, false, true, false],
    ['after 80 s the interval is elapsed / 8 = 10 s (9999 ms)', { startedAt: 20_000, storedAt: 99_990, signalledAt: 90_001 }, false, false, false],
    ['after 80 s the interval is elapsed / 8 = 10 s (10000 ms)', { startedAt: 20_000, storedAt: 99_990, signalledAt: 90_000 }, false, true, false],
    ['nothing signalled yet: the first phase counts as a change', { signalledPhase: undefined, storedAt: 99_990, signalledAt: 99_990 }, true, true, true],
  ];
  it.each(cases)('%s', (_what, clock, store, signal, urgent) => {
    expect(progressDue({ ...base, ...clock })).toEqual({ store, signal, urgent });
  });
});

describe('pageRetryDelayMs', () => {
  it.each([
    [1, undefined, 1000],
    [2, undefined, 2000],
    [3, undefined, 4000],
    [4, undefined, 8000],
    [5, undefined, 15_000],
    [9, undefined, 15_000],
    [1, 5000, 5000],
    [3, 2000, 4000],
    [1, 60_000, 15_000],
  ] as [number, number | undefined, number][])('attempt %d, Retry-After %p → %d ms', (attempt, retryAfter, want) => {
    expect(pageRetryDelayMs(attempt, retryAfter)).toBe(want);
  });
});

describe('replaceScope', () => {
  it.each([
    ['every counted product read once', 3, [1, 2, 3], true, 'all'],
    ['a product read twice (pages shifted by a deletion) still counts once', 3, [1, 2, 2, 3], true, 'all'],
    ['a product skipped (pages shifted by a creation): only those read', 4, [1, 2, 3], false, [1, 2, 3]],
    ['more read than counted (created meanwhile): only those read', 2, [1, 2, 3], false, [1, 2, 3]],
    ['duplicates read while inconsistent are listed once', 4, [1, 1, 2], false, [1, 2]],
    ['an empty catalogue', 0, [], true, 'all'],
  ] as [string, number, number[], boolean, number[] | 'all'][])('%s', (_what, counted, read, consistent, scope) => {
    expect(replaceScope(counted, read)).toEqual({ consistent, scope });
  });
});

describe('estimatedVariantTotal', () => {
  it.each([
    [0, 0, 100, 0],
    [30, 10, 100, 300],
    [31, 10, 100, 310],
    [25, 10, 10, 25],
    [40, 10, 5, 40],
    [7, 3, 10, 23],
  ])('%d variants of %d products read, %d counted → %d', (variants, products, total, want) => {
    expect(estimatedVariantTotal(variants, products, total)).toBe(want);
  });
});

describe('isPriceBlocked', () => {
  const outcome = (price: number, marketPrice: number, syncPrice: boolean) =>
    computeLinks({
      products: [{ id: 1, title: 'p', updatedAt: '2026-01-01T00:00:00Z', variants: [{ id: 2, barcode: 'B1', price, inventoryManagement: 'haravan', inventoryPolicy: 'deny' }] }],
      tikiSkus: [{ productId: 10, sku: 'T10', originalSku: 'B1', marketPrice, active: true }],
      config: { syncPrice },
    } as Parameters<typeof computeLinks>[0])[0];
  it.each([
    [120, 100, true, true],
    [100, 100, true, false],
    [120, 100, false, false],
    [120, 0, true, false],
  ])('price %d, list price %d, price sync %p → blocked %p', (price, marketPrice, syncPrice, want) => {
    const o = outcome(price, marketPrice, syncPrice);
    expect(o.link).toBeDefined();
    expect(isPriceBlocked(o)).toBe(want);
  });
});
