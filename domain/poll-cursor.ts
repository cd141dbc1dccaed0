/**
 * The delta poll's cursor over Haravan's `updated_at`: each round asks from a little before the cursor (rows
 * committed late with an earlier timestamp are not missed), and the cursor moves to the newest change seen —
 * never back, and never past the moment the round started (a write landing meanwhile is caught next round).
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
