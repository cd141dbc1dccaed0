/**
 * Exponential back-off of the workflows' re-tries: `firstMs`, then doubled per attempt, never above `maxMs`
 * (the supervisor's restart of a failed poll, the connection's credential re-check while in attention).
 */
export interface Backoff {
  firstMs: number;
  maxMs: number;
}

/** Wait before re-try number `attempt` (0 = the first re-try). */
export function backoffMs({ firstMs, maxMs }: Backoff, attempt: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(Math.max(0, attempt), 30));
}
