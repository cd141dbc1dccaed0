/**
 * Adaptive cadence of the long delta polls (Haravan changes, Tiki event queue), per connection and per
 * worker process: the configured interval (`pollIntervalSeconds` / `orderPollIntervalSeconds`) right after a
 * round that found something or after a nudge (webhook, push now), growing by 1.5× per empty round up to
 * `POLL_IDLE_MAX_SECONDS`, with ±10 % jitter so 1,000 connections do not poll in lockstep.
 *
 * Off by default (unset = the fixed configured interval, the best latency for a handful of shops). At
 * 1,000 connections a fixed 2 s cadence is ~1,000 polls/s of HTTP + database work on one worker even when
 * nothing happens; with e.g. `POLL_IDLE_MAX_SECONDS=8` idle shops cost a quarter of that while a busy shop
 * keeps its 2 s — at the price of up to ~8 s for the first change after a quiet spell (bench/scale.ts).
 * The state is in memory: a restarted worker simply starts at the fast cadence.
 */
import { onForgetConnection } from './connection-memory';

export class PollCadence {
  private readonly current = new Map<string, number>();

  constructor(
    private readonly maxMs = Number(process.env.POLL_IDLE_MAX_SECONDS ?? 0) * 1000,
    private readonly growth = 1.5,
  ) {}

  /** Milliseconds to wait before the next round of `key`, given whether this round found work. */
  next(key: string, baseMs: number, found: boolean): number {
    const prev = this.current.get(key) ?? baseMs;
    const next = found || this.maxMs <= baseMs ? baseMs : Math.min(this.maxMs, Math.max(baseMs, prev * this.growth));
    if (next === baseMs) this.current.delete(key);
    else this.current.set(key, next);
    return next === baseMs ? baseMs : Math.round(next * (0.9 + Math.random() * 0.2));
  }

  /** Drop every key of one connection (`<what>:<connectionId>`). */
  forgetConnection(connectionId: string): void {
    for (const key of this.current.keys()) if (key.slice(key.indexOf(':') + 1) === connectionId) this.current.delete(key);
  }

  /** Keys held (for the leak checks). */
  get size(): number {
    return this.current.size;
  }

  /** Something happened for this key outside the poll (webhook, push now): back to the fast cadence. */
  reset(key: string): void {
    this.current.delete(key);
  }
}

/** One per worker process, shared by the stock and order activities. */
export const pollCadence = new PollCadence();
onForgetConnection((id) => pollCadence.forgetConnection(id));
