/** Small helpers the bulk activities share for bounded parallel reads and writes. */

/** Set by the first failure of either side, so the other side stops sending (no orphan calls eat the budget). */
export interface StopSignal {
  failed?: unknown;
}

/**
 * Run `fn` over `items` with at most `concurrency` at a time; the first failure (here or flagged on `stop` by another
 * pool) stops dispatching and is thrown once the calls in flight have ended.
 */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>, stop: StopSignal = {}): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (stop.failed === undefined && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        stop.failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (stop.failed !== undefined) throw stop.failed;
}

/** `items` in slices of `size` (the last one shorter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
