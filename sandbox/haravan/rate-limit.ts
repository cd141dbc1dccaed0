/**
 * Haravan's per-shop leaky bucket as the server sees it: each accepted call adds one unit,
 * units leak continuously; a call that would overflow is refused (429 + Retry-After) and
 * does not count. `maxLevel` records the highest level reached, for burst tests.
 */
import { RateLimitConfig } from './types';

export interface BucketDecision {
  allowed: boolean;
  /** Level shown in `X-Haravan-Api-Call-Limit` (rounded up). */
  used: number;
  size: number;
  /** Seconds until one unit is free (only when refused). */
  retryAfterSeconds?: number;
}

export interface BucketStats extends RateLimitConfig {
  level: number;
  maxLevel: number;
  accepted: number;
  throttled: number;
}

export class ServerBucket {
  private level = 0;
  private at: number;
  private maxLevel = 0;
  private accepted = 0;
  private throttled = 0;

  constructor(
    readonly config: RateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.at = this.now();
  }

  take(): BucketDecision {
    const level = this.leak();
    const size = this.config.bucketSize;
    if (level + 1 > size) {
      this.throttled++;
      const seconds = (level + 1 - size) / this.config.leakPerSecond;
      return { allowed: false, used: size, size, retryAfterSeconds: Math.max(0.1, Math.ceil(seconds * 10) / 10) };
    }
    this.level = level + 1;
    this.accepted++;
    this.maxLevel = Math.max(this.maxLevel, this.level);
    return { allowed: true, used: Math.min(size, Math.ceil(this.level - 1e-9)), size };
  }

  stats(): BucketStats {
    return { ...this.config, level: this.leak(), maxLevel: this.maxLevel, accepted: this.accepted, throttled: this.throttled };
  }

  resetStats(): void {
    this.maxLevel = this.leak();
    this.accepted = 0;
    this.throttled = 0;
  }

  private leak(): number {
    const now = this.now();
    this.level = Math.max(0, this.level - ((now - this.at) / 1000) * this.config.leakPerSecond);
    this.at = now;
    return this.level;
  }
}
