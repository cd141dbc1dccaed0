/**
 * Rules of the poll shards (the default; `POLL_MODE=per-connection` is the older design): a fixed number of shard workflows (`poll-shard-<task queue>-<k>`) poll every
 * connected connection's Haravan deltas and Tiki event queue, instead of two heartbeating activities per connection.
 *
 * - Membership is derived, never sent: a connection belongs to shard `shardOf(key, shards)` while it is connected
 *   and holds its join marker (the `poll-shard` cursor, written when the connection workflow connects it, holding
 *   `shardKey(connectionId)`; purged on disconnect). A shard re-reads its members from the store, so a lost signal
 *   costs at most one refresh.
 * - The periodic jobs keep their intervals, measured from what the store holds: the order sweep from its last start
 *   (the `tiki-sweep` cursor), the reconciliation from its last end (`lastReconcileAt`), else from the connect.
 * - A failing task of a member backs off (1 s, 2 s, 4 s… up to a minute) without holding up the shard's other members.
 */

export const POLL_MODES = ['per-connection', 'shards'] as const;
export type PollMode = (typeof POLL_MODES)[number];

/** `POLL_MODE`: unset or unknown = shards (the default); `per-connection` keeps two poll activities per shop. */
export function pollModeFrom(value: string | undefined): PollMode {
  return value === 'per-connection' ? 'per-connection' : 'shards';
}

/** `POLL_SHARDS` (default 4): how many shard workflows share the connections. */
export const DEFAULT_POLL_SHARDS = 4;
export function shardCountFrom(value: string | undefined): number {
  const n = Math.floor(Number(value));
  return Number.isFinite(n) && n >= 1 && n <= 1024 ? n : DEFAULT_POLL_SHARDS;
}

/** A stable 31-bit key of a connection id (FNV-1a), independent of the shard count. */
export function shardKey(connectionId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < connectionId.length; i++) {
    h ^= connectionId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}

/** The shard a key belongs to among `shards`. */
export function shardOf(key: number, shards: number): number {
  return key % shards;
}

/** When a member's order sweep is due: its last start plus the interval; never swept = now. */
export function sweepDueAt(lastSweepStartedAt: string | null | undefined, intervalSeconds: number, now: number): number {
  const last = Date.parse(lastSweepStartedAt ?? '');
  return Number.isFinite(last) ? last + intervalSeconds * 1000 : now;
}

/** When a member's reconciliation is due: its last end, else the connect, plus the interval. */
export function reconcileDueAt(lastReconcileAt: string | null | undefined, connectedAt: string | null | undefined, intervalSeconds: number, now: number): number {
  const from = Date.parse(lastReconcileAt ?? '') || Date.parse(connectedAt ?? '') || now;
  return from + intervalSeconds * 1000;
}

/** Back-off of a member's task after `failures` failures in a row. */
export function taskRetryDelayMs(failures: number): number {
  return failures <= 0 ? 0 : Math.min(60_000, 1_000 * 2 ** (failures - 1));
}

/**
 * What a shard hands to a connection's stock sync when a delta round found changes of linked variants: the variants
 * with when they were seen (`[variantId, seenAt, changedAt]`, epoch ms), and the cursors to store once they are pushed.
 */
export interface StockChanges {
  seen: [number, number, number | null][];
  cursors: { inventory: string; products: string };
}

/** Two hand-offs not pushed yet, as one: every variant once (its earliest sighting), the later cursors. */
export function mergeStockChanges(a: StockChanges | null, b: StockChanges): StockChanges {
  if (!a) return b;
  const byId = new Map<number, [number, number, number | null]>();
  for (const s of [...a.seen, ...b.seen]) {
    const prev = byId.get(s[0]);
    if (!prev) byId.set(s[0], [...s]);
    else {
      prev[1] = Math.min(prev[1], s[1]);
      if (s[2] !== null && (prev[2] === null || s[2] > prev[2])) prev[2] = s[2];
    }
  }
  const later = (x: string, y: string) => (x > y ? x : y);
  return {
    seen: [...byId.values()],
    cursors: { inventory: later(a.cursors.inventory, b.cursors.inventory), products: later(a.cursors.products, b.cursors.products) },
  };
}
