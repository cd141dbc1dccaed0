/**
 * Tasks by due time for a poll shard's loop (activities/poll-shard.ts). The loop wakes at every task's end, hundreds
 * of times a second on a full shard, so it looks at the head of this queue only, never at every member's every task.
 * Entries are never removed in place: an entry whose task left, started or moved (`isCurrent` says no) is dropped
 * when it reaches the head.
 */
import { Heap } from 'heap-js';

interface Entry<T> {
  at: number;
  item: T;
}

export class DueQueue<T> {
  private readonly heap = new Heap<Entry<T>>((a, b) => a.at - b.at);

  /** `isCurrent(item, at)`: the item is still due at `at` and not started (otherwise its entry is stale). */
  constructor(private readonly isCurrent: (item: T, at: number) => boolean) {}

  /** Queue `item` at `at` (an infinite time: never due, not queued). */
  push(item: T, at: number): void {
    if (Number.isFinite(at)) this.heap.push({ at, item });
  }

  /**
   * Hand every current item due by `now` to `take`, earliest first, while `hasSlot()`; returns the due time of the
   * earliest current item left (≤ now when it waits for a slot), or Infinity when none is left.
   */
  drain(now: number, hasSlot: () => boolean, take: (item: T) => void): number {
    for (let head = this.heap.peek(); head; head = this.heap.peek()) {
      if (!this.isCurrent(head.item, head.at)) {
        this.heap.pop();
        continue;
      }
      if (head.at > now || !hasSlot()) return head.at;
      this.heap.pop();
      take(head.item);
    }
    return Infinity;
  }

  /** Entries held, stale ones included. */
  get size(): number {
    return this.heap.size();
  }
}
