/**
 * Client-side model of Haravan's per-shop leaky bucket (bucket 80, leak 4 req/s by default).
 *
 * A request holds a full unit while it is in flight and its unit starts leaking only once the
 * answer is back — the server counted it somewhere in between, so the model never under-counts,
 * even when a burst of requests reaches the server bunched together. A request waits while
 * in-flight + level would pass the bucket minus a safety margin. Responses sync the level from
 * `X-Haravan-Api-Call-Limit: used/size` (only upwards: other apps share the shop's bucket);
 * a 429 pauses everyone for Retry-After. Waiters are served by priority (`REQUEST_PRIORITIES`, first served first):
 * `order` (order intake and order actions) before `high` (the stock poll's delta reads) before `normal` (bulk
 * reads, full passes) — so while orders are queued on a shop's bucket, its stock reads wait for them.
 *
 * Order reserve (a flash sale): while orders are active on the bucket — an order call queued or in flight, or one
 * sent within `orderHoldMs` — the other priorities may fill it only up to `orderReserve` units below the
 * capacity, so the stock poll's reads yield the bucket's burst to the order backlog instead of meeting each new
 * order with a full bucket. The process-wide limiter of a shop (`sharedRateLimiter`) keeps ORDER_RESERVE_UNITS;
 * a limiter built directly keeps none unless asked.
 *
 * The safety margin adapts to who else uses the bucket. While every header agrees with this process's own
 * count (used ≤ level + in flight + 1), the only caller is us and a small margin (1 unit: rounding, clock)
 * is enough, so bulk reads get the whole burst Haravan allows. Once a header shows more than we account for
 * (another app on the shop, another worker process of ours, or a server leaking slower than modelled) or a
 * 429 arrives, the margin grows to 10 % of the bucket and stays there until no such sign was seen for
 * `sharedHoldMs` (60 s).
 */
import { createHash } from 'crypto';

export const HARAVAN_BUCKET_SIZE = 80;
export const HARAVAN_LEAK_PER_SECOND = 4;
export const CALL_LIMIT_HEADER = 'x-haravan-api-call-limit';

/** Priorities, the first served first: order intake beats stock reads on a shop's bucket (a flash sale's ceiling). */
export const REQUEST_PRIORITIES = ['order', 'high', 'normal'] as const;
export type RequestPriority = (typeof REQUEST_PRIORITIES)[number];

/** Units of a shop's process-wide limiter kept for order calls while orders are active: a quarter of the bucket. */
export const ORDER_RESERVE_UNITS = HARAVAN_BUCKET_SIZE / 4;

export interface RateLimiterOptions {
  /** Bucket size; the header's size wins when it is smaller. Default 80. */
  bucketSize?: number;
  /** Units leaked per second. Default 4. */
  leakPerSecond?: number;
  /** A fixed margin (units kept free) instead of the adaptive one below. */
  safetyMargin?: number;
  /** Units kept free while the headers show only our own calls. Default 1. */
  soloMargin?: number;
  /** Units kept free while another caller is seen on the bucket. Default max(2, 10 % of the bucket). */
  sharedMargin?: number;
  /** How long the shared margin holds after the last sign of another caller (ms). Default 60,000. */
  sharedHoldMs?: number;
  /** Units kept free for `order` calls while orders are active (see the module comment). Default 0. */
  orderReserve?: number;
  /** How long after an order call was sent orders still count as active (ms). Default 5,000. */
  orderHoldMs?: number;
  /** Clock (ms), injectable for tests. */
  now?: () => number;
}

export interface RateLimiterStats {
  level: number;
  inFlight: number;
  capacity: number;
  queued: number;
  pausedForMs: number;
  /** Another caller was seen on the bucket within the hold time (the larger margin applies). */
  shared: boolean;
}

/** Header units above our own count that still count as "only us" (rounding, leak timing). */
const FOREIGN_TOLERANCE = 1;

/** Call once the request has finished (answered or failed); its unit then starts to leak. */
export type ReleaseUnit = () => void;

interface Waiter {
  resolve: (release: ReleaseUnit) => void;
  reject: (err: Error) => void;
  expiry?: NodeJS.Timeout;
}

export interface AcquireOptions {
  /**
   * Give up waiting at this time (ms, the limiter's clock): the returned promise rejects with
   * LimiterDeadlineError and the request must not be sent. For a call that is only safe to send before some
   * moment (a create that a later attempt could otherwise overlap).
   */
  deadline?: number;
}

/** The acquire deadline passed while the request waited for room in the bucket; nothing was sent. */
export class LimiterDeadlineError extends Error {
  constructor(readonly waitedMs: number) {
    super(`gave up waiting for the Haravan rate limit after ${waitedMs} ms (send deadline passed)`);
    this.name = 'LimiterDeadlineError';
  }
}

export class HaravanRateLimiter {
  private readonly configuredSize: number;
  private readonly leakPerMs: number;
  private readonly marginOption?: number;
  private readonly soloMargin: number;
  private readonly sharedMarginOption?: number;
  private readonly sharedHoldMs: number;
  private sharedUntil = 0;
  private readonly orderReserve: number;
  private readonly orderHoldMs: number;
  private ordersActiveUntil = 0;
  private ordersInFlight = 0;
  private readonly now: () => number;
  private size: number;
  private level = 0;
  private levelAt: number;
  private inFlight = 0;
  private pausedUntil = 0;
  /** One FIFO queue per priority, in the order of REQUEST_PRIORITIES. */
  private readonly queues: Record<RequestPriority, Waiter[]> = { order: [], high: [], normal: [] };
  private timer?: NodeJS.Timeout;

  constructor(options: RateLimiterOptions = {}) {
    this.configuredSize = positive(options.bucketSize, HARAVAN_BUCKET_SIZE);
    this.leakPerMs = positive(options.leakPerSecond, HARAVAN_LEAK_PER_SECOND) / 1000;
    this.marginOption = options.safetyMargin;
    this.soloMargin = options.soloMargin ?? 1;
    this.sharedMarginOption = options.sharedMargin;
    this.sharedHoldMs = options.sharedHoldMs ?? 60_000;
    this.orderReserve = Math.max(0, options.orderReserve ?? 0);
    this.orderHoldMs = options.orderHoldMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.size = this.configuredSize;
    this.levelAt = this.now();
  }

  /** Units a caller may use before waiting. */
  get capacity(): number {
    return Math.max(1, this.size - this.margin());
  }

  private margin(): number {
    if (this.marginOption !== undefined) return this.marginOption;
    if (this.now() < this.sharedUntil) return this.sharedMarginOption ?? Math.max(2, Math.ceil(this.size * 0.1));
    return this.soloMargin;
  }

  private sawAnotherCaller(now: number): void {
    this.sharedUntil = now + this.sharedHoldMs;
  }

  stats(): RateLimiterStats {
    const now = this.now();
    return {
      level: this.currentLevel(now),
      inFlight: this.inFlight,
      capacity: this.capacity,
      queued: this.queued(),
      pausedForMs: Math.max(0, this.pausedUntil - now),
      shared: now < this.sharedUntil,
    };
  }

  /**
   * Resolve when one request may be sent; call the returned release when it has finished. With a `deadline`,
   * reject with LimiterDeadlineError once it passes before the request's turn (already passed: at once).
   */
  acquire(priority: RequestPriority = 'normal', opts: AcquireOptions = {}): Promise<ReleaseUnit> {
    return new Promise<ReleaseUnit>((resolve, reject) => {
      const queue = this.queues[priority];
      const waiter: Waiter = { resolve, reject };
      if (opts.deadline !== undefined) {
        const startedAt = this.now();
        const expire = () => {
          const i = queue.indexOf(waiter);
          if (i < 0) return;
          queue.splice(i, 1);
          reject(new LimiterDeadlineError(this.now() - startedAt));
        };
        const left = opts.deadline - startedAt;
        if (left <= 0) return reject(new LimiterDeadlineError(0));
        waiter.expiry = setTimeout(expire, left);
      }
      queue.push(waiter);
      // Recompute rather than wait on a pending timer: that timer may be for a waiter held back by the order reserve.
      this.reschedule();
    });
  }

  /** Sync with the `X-Haravan-Api-Call-Limit` header of a response (`"12/80"`). */
  observe(headerValue: string | null | undefined): void {
    const parsed = parseCallLimit(headerValue);
    if (!parsed) return;
    const now = this.now();
    this.size = Math.min(this.configuredSize, parsed.size);
    const ours = this.currentLevel(now);
    // Our requests still in flight may already be counted by the server; anything beyond them is not ours.
    if (parsed.used > ours + this.inFlight + FOREIGN_TOLERANCE) {
      this.sawAnotherCaller(now);
      // Someone else's units: take the server's figure as the level (conservative — it may include some of
      // our in-flight requests, which are counted again as in flight).
      this.setLevel(Math.max(ours, parsed.used), now);
    } else {
      // The header agrees with our own count. Our in-flight requests are already in the model, so only the
      // part of the header they cannot explain raises the level (at most the tolerance): syncing to `used`
      // itself would count the in-flight requests twice and cost a few units of the burst for nothing.
      this.setLevel(Math.max(ours, parsed.used - this.inFlight), now);
    }
  }

  /**
   * The server answered 429: hold every request for `ms`, after which one may go and the rest
   * follow at the leak rate. The 429's own header (always "full") only contributes its size.
   */
  pause(ms: number, callLimitHeader?: string | null): void {
    const now = this.now();
    const parsed = parseCallLimit(callLimitHeader);
    if (parsed) this.size = Math.min(this.configuredSize, parsed.size);
    const wait = Math.max(0, ms);
    this.sawAnotherCaller(now);
    this.pausedUntil = Math.max(this.pausedUntil, now + wait);
    this.setLevel(Math.max(this.currentLevel(now), this.capacity - 1 + wait * this.leakPerMs), now);
    this.reschedule();
  }

  private currentLevel(now: number): number {
    return Math.max(0, this.level - (now - this.levelAt) * this.leakPerMs);
  }

  private setLevel(level: number, now: number): void {
    this.level = level;
    this.levelAt = now;
  }

  private nextPriority(): RequestPriority | undefined {
    return REQUEST_PRIORITIES.find((p) => this.queues[p].length > 0);
  }

  private ordersActive(now: number): boolean {
    return this.queues.order.length > 0 || this.ordersInFlight > 0 || now < this.ordersActiveUntil;
  }

  /** Units the next waiter may fill: the capacity, less the order reserve for the others while orders are active. */
  private capacityFor(priority: RequestPriority, now: number): number {
    if (priority === 'order' || this.orderReserve === 0 || !this.ordersActive(now)) return this.capacity;
    return Math.max(1, this.capacity - this.orderReserve);
  }

  private queued(): number {
    return REQUEST_PRIORITIES.reduce((n, p) => n + this.queues[p].length, 0);
  }

  private pump(): void {
    if (this.timer) return;
    for (let priority = this.nextPriority(); priority; priority = this.nextPriority()) {
      const now = this.now();
      const level = this.currentLevel(now);
      const capacity = this.capacityFor(priority, now);
      const waitForPause = this.pausedUntil - now;
      const waitForRoom = (level + this.inFlight + 1 - capacity) / this.leakPerMs;
      // While orders are active the reserve may lift before the bucket leaks: look again when the hold ends.
      const waitForOrders = capacity < this.capacity && this.ordersInFlight === 0 && this.queues.order.length === 0 ? this.ordersActiveUntil - now : Infinity;
      const waitMs = Math.max(waitForPause, Math.min(waitForRoom, waitForOrders));
      // Only in-flight requests block: the next release pumps again.
      if (waitForPause <= 0 && this.inFlight + 1 > capacity) return;
      if (waitMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.ceil(waitMs));
        return;
      }
      this.inFlight++;
      const waiter = this.queues[priority].shift()!;
      if (waiter.expiry) clearTimeout(waiter.expiry);
      if (priority === 'order') this.ordersInFlight++;
      waiter.resolve(this.releaser(priority === 'order'));
    }
  }

  private releaser(order: boolean): ReleaseUnit {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = this.now();
      this.inFlight--;
      if (order) {
        this.ordersInFlight--;
        this.ordersActiveUntil = now + this.orderHoldMs;
      }
      this.setLevel(this.currentLevel(now) + 1, now);
      this.reschedule();
    };
  }

  private reschedule(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pump();
  }
}

export function parseCallLimit(value: string | null | undefined): { used: number; size: number } | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)\s*$/.exec(value ?? '');
  if (!m) return undefined;
  const used = Number(m[1]);
  const size = Number(m[2]);
  return size > 0 ? { used, size } : undefined;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

const registry = new Map<string, HaravanRateLimiter>();

/** Registry key: base URL + a hash of the token (the token itself is never kept as a key). */
export function limiterKey(baseUrl: string, accessToken: string): string {
  const tokenHash = createHash('sha256').update(accessToken).digest('hex').slice(0, 32);
  return `${baseUrl.replace(/\/+$/, '')}#${tokenHash}`;
}

/** The process-wide limiter for one shop (first caller's options win). */
export function sharedRateLimiter(baseUrl: string, accessToken: string, options?: RateLimiterOptions): HaravanRateLimiter {
  const key = limiterKey(baseUrl, accessToken);
  let limiter = registry.get(key);
  if (!limiter) {
    limiter = new HaravanRateLimiter({ orderReserve: ORDER_RESERVE_UNITS, ...options });
    registry.set(key, limiter);
  }
  return limiter;
}

/** Drop the shared limiter of one shop credential (its connection was disconnected, or its clients idled out). */
export function releaseSharedRateLimiter(baseUrl: string, accessToken: string): void {
  registry.delete(limiterKey(baseUrl, accessToken));
}

/** How many shop limiters this process holds. */
export function sharedRateLimiterCount(): number {
  return registry.size;
}

/** Forget all shared limiters (tests, credential rotation). */
export function resetSharedRateLimiters(): void {
  registry.clear();
}
