/**
 * Rules of the stock delta poll over Haravan.
 *
 * - The cursor over Haravan's `updated_at`: each round asks from a little before the cursor (rows committed
 *   late with an earlier timestamp are not missed), and the cursor moves to the newest change seen — never
 *   back, and never past the moment the round started (a write landing meanwhile is caught next round).
 * - What counts as a change to handle: a row or variant whose `updated_at` or pushed fields differ from what
 *   the last round handled. With the overlap every round reads the newest change again; unchanged, it is not
 *   handled again. A new change differs in one or the other, even within one second.
 * - When a change was seen (for the propagation latency): the earliest answer listing it, and the newest
 *   Haravan `updated_at` among its rows.
 */

/** How far before the cursor each round asks. */
export const CURSOR_OVERLAP_MS = 2_000;

/** The `updated_at_min` a round sends for a cursor. */
export function pollSince(cursor: string, overlapMs = CURSOR_OVERLAP_MS): string {
  return new Date(Date.parse(cursor) - overlapMs).toISOString();
}

/** The cursor after a round that saw rows with these `updated_at` values (unparsable ones are ignored). */
export function nextCursor(updatedAts: readonly string[], cursor: string, roundStartedAt: string): string {
  let best = Date.parse(cursor) || 0;
  for (const v of updatedAts) {
    const t = Date.parse(v);
    if (t > best) best = t;
  }
  const newest = new Date(best).toISOString();
  return Date.parse(newest) <= Date.parse(roundStartedAt) ? newest : roundStartedAt;
}

/** The fields of an inventory row the push depends on, with its `updated_at`. */
export function inventoryRowFingerprint(r: { updated_at?: unknown; qty_onhand?: unknown; qty_commited?: unknown; qty_available?: unknown }): string {
  return `${r.updated_at}|${r.qty_onhand}|${r.qty_commited}|${r.qty_available}`;
}

/** The fields of a product variant the push depends on, with its (or its product's) `updated_at`. */
export function variantFingerprint(
  updatedAt: unknown,
  v: { inventory_quantity?: unknown; price?: unknown; inventory_management?: unknown; inventory_policy?: unknown },
): string {
  return `${updatedAt}|${v.inventory_quantity}|${v.price}|${v.inventory_management}|${v.inventory_policy}`;
}

/** When the poll saw a variant's change: its answer's arrival (epoch ms) and Haravan's `updated_at` of it. */
export interface Seen {
  seenAt: number;
  changedAt?: number;
}

/** Note a sighting of a variant's change: the earliest answer listing it, the newest Haravan `updated_at`. */
export function noteSeen(seen: Map<number, Seen>, variantId: number, at: number, changedAt: number | undefined): void {
  const prev = seen.get(variantId);
  if (!prev) seen.set(variantId, { seenAt: at, changedAt });
  else {
    prev.seenAt = Math.min(prev.seenAt, at);
    if (changedAt && (!prev.changedAt || changedAt > prev.changedAt)) prev.changedAt = changedAt;
  }
}
