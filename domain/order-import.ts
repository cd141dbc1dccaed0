/**
 * Timing rules of the exactly-once import into Haravan (activities/orders/import.ts holds the protocol).
 */

/**
 * The last moment (ms) an import attempt that started at `attemptStartedAt` may still *send* its create call: while
 * at least `reserveMs` of its start-to-close timeout remain (the first quarter of the timeout is always allowed).
 * Then the call is answered or abandoned before the attempt ends, and the next attempt — which can only start once
 * this one has ended — never races it. The create is given it as its send deadline, so waiting in the shop's rate
 * limiter past it means the create is not sent at all.
 */
export function createSendDeadline(attemptStartedAt: number, startToCloseMs: number, reserveMs: number): number {
  return attemptStartedAt + Math.max(startToCloseMs - reserveMs, startToCloseMs / 4);
}

/** May an import attempt still start its create call? (`createSendDeadline`, measured from the attempt's start.) */
export function createMayStart(elapsedMs: number, startToCloseMs: number, reserveMs: number): boolean {
  return elapsedMs <= createSendDeadline(0, startToCloseMs, reserveMs);
}
