/**
 * Bulk reads in progress per connection (a link run's fetch, a reconciliation), in this worker process.
 *
 * While one runs, the stock poll skips its delta calls: the bulk read reads the same products anyway, the
 * shop's Haravan budget (4 calls/s) goes to it, and the poll's cursors are not advanced, so every change
 * made meanwhile is picked up by the first poll after it. Process-local: with several workers a poll on
 * another process keeps polling (correct, only slower for the bulk read).
 */
const active = new Map<string, number>();

export async function withBulkRead<T>(connectionId: string, fn: () => Promise<T>): Promise<T> {
  active.set(connectionId, (active.get(connectionId) ?? 0) + 1);
  try {
    return await fn();
  } finally {
    const n = (active.get(connectionId) ?? 1) - 1;
    if (n <= 0) active.delete(connectionId);
    else active.set(connectionId, n);
  }
}

export function bulkReadActive(connectionId: string): boolean {
  return (active.get(connectionId) ?? 0) > 0;
}
