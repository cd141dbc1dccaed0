/**
 * Timing rules of the exactly-once import into Haravan (activities/orders/import.ts holds the protocol).
 */

/**
 * May an import attempt still *start* its create call? Only while at least `reserveMs` of its start-to-close
 * timeout remain (the first quarter of the timeout is always allowed): then the call is answered or abandoned
 * before the attempt ends, and the next attempt — which can only start once this one has ended — never races it.
 */
export function createMayStart(elapsedMs: number, startToCloseMs: number, reserveMs: number): boolean {
  return elapsedMs <= Math.max(startToCloseMs - reserveMs, startToCloseMs / 4);
}
