/**
 * Process-wide token buckets, one per seller credential, so that every TikiClient of the process that talks
 * for the same seller shares one budget (default 10 requests/s, burst = one second's worth).
 *
 * A caller reserves a token immediately (the balance may go negative) and sleeps until its reservation
 * matures, which keeps callers in FIFO order without a queue. After a 429 the bucket is paused for the
 * server's Retry-After so concurrent callers back off too.
 */
import { sleep } from '../http';

export class TokenBucket {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;

  constructor(
    private ratePerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('TokenBucket: rate must be > 0');
    this.tokens = ratePerSecond;
    this.last = now();
  }

  get rate(): number {
    return this.ratePerSecond;
  }

  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond > 0)) throw new RangeError('TokenBucket: rate must be > 0');
    this.refill();
    this.ratePerSecond = ratePerSecond;
    this.tokens = Math.min(this.tokens, ratePerSecond);
  }

  /** Milliseconds the caller must wait before sending; the token is reserved on return. */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    const now = this.now();
    const untilToken = this.tokens >= 0 ? 0 : (-this.tokens / this.ratePerSecond) * 1000;
    return Math.max(untilToken, this.pausedUntil - now, 0);
  }

  async acquire(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await sleep(Math.ceil(wait));
  }

  /** How long callers are still held back after a 429 (0 when not paused). */
  pauseRemainingMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /** Hold every caller back for `ms` (after a 429 with Retry-After). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.ratePerSecond, this.tokens + elapsed * this.ratePerSecond);
  }
}

const buckets = new Map<string, TokenBucket>();

/** The process-wide bucket for one seller credential; the latest configured rate wins. */
export function sharedBucket(key: string, ratePerSecond: number): TokenBucket {
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = new TokenBucket(ratePerSecond);
    buckets.set(key, bucket);
  } else if (bucket.rate !== ratePerSecond) {
    bucket.setRate(ratePerSecond);
  }
  return bucket;
}

/** Drop the bucket of one seller credential (its connection was disconnected, or its clients idled out). */
export function releaseBucket(key: string): void {
  buckets.delete(key);
}

/** How many seller buckets this process holds. */
export function sharedBucketCount(): number {
  return buckets.size;
}
