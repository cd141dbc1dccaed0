/**
 * Process-wide, per connection (dropped with the connection, `connection-memory.ts`): the write gate and the guards that keep overlapping jobs (the poll, a push,
 * a reconciliation) from undoing each other's writes.
 *
 * Within a worker process the writes of one connection go one at a time through a priority gate, so a stock
 * decrease found by the poll overtakes the queued price writes of a running reconciliation, and a value read
 * from Haravan earlier never overwrites a fresher one already confirmed on Tiki.
 */
import { PRIORITY_RANK, type PushPriority, type PushValues } from '../../domain/stock';
import { perConnection } from '../connection-memory';

/** Per connection, entries kept by the in-process write guards before they are dropped. */
export const GUARD_MAX_ENTRIES = 20_000;

/** One Tiki write at a time; waiting writes go by priority (the domain's ranking), then arrival. */
export class WriteGate {
  private busy = false;
  private seq = 0;
  private readonly waiting: { rank: number; seq: number; go: () => void }[] = [];

  async run<T>(priority: PushPriority, fn: () => Promise<T>): Promise<T> {
    if (this.busy) {
      await new Promise<void>((go) => {
        this.waiting.push({ rank: PRIORITY_RANK[priority], seq: this.seq++, go });
        this.waiting.sort((a, b) => a.rank - b.rank || a.seq - b.seq);
      });
    }
    this.busy = true;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next.go();
      else this.busy = false;
    }
  }
}

export const gateFor = perConnection(() => new WriteGate());

/** Per connection and variant: the Haravan read time of the newest value confirmed on Tiki. */
export const freshnessFor = perConnection(() => new Map<number, number>());

/** Per connection and variant: the values last confirmed on Tiki by this process. */
export const writtenFor = perConnection(() => new Map<number, PushValues>());

/**
 * Per connection and variant: the change Tiki last refused for good (a 422 / unknown product), until a write of
 * the variant is confirmed. The poll does not send the very same change again on its own — its cursor overlap
 * re-reads the newest change every round, which would resend a refused value every few seconds. A retry from the
 * failure inbox, a reconciliation, or a different value from Haravan still send it.
 */
export const refusedFor = perConnection(() => new Map<number, PushValues>());
