/** Page reads of a link run: retried in place on transient failures, counted, stopped when the other side failed. */
import { ConnectorError } from '../../connectors/errors';
import { PAGE_ATTEMPTS, pageRetryDelayMs } from '../../domain/link-run';
import type { StopSignal } from '../concurrency';

/**
 * A page read, retried in place on transient failures (timeout, network, 5xx, 429 past the client's own retries) so
 * one slow answer does not restart the whole run; reads are idempotent. Other failures (auth, validation) go at once,
 * and so does every failure once the other side has failed.
 */
export async function readWithRetry<T>(fn: () => Promise<T>, stop: StopSignal = {}, attempts = PAGE_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = err instanceof ConnectorError && err.retryable;
      if (!retryable || attempt >= attempts || stop.failed !== undefined) throw err;
      await new Promise((resolve) => setTimeout(resolve, pageRetryDelayMs(attempt, err.retryAfterMs)));
    }
  }
}

/** `readWithRetry` that counts the calls made (for the benchmark and the audit log). */
export function countedReads(stop: StopSignal): { read: <T>(fn: () => Promise<T>) => Promise<T>; calls: () => number } {
  let calls = 0;
  return {
    read: (fn) =>
      readWithRetry(() => {
        calls++;
        return fn();
      }, stop),
    calls: () => calls,
  };
}

/** The integers from `from` to `to`, both included (page numbers). */
export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
