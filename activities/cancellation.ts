/**
 * Activities honour cancellation (a disconnect stops every job): the long loops heartbeat — Temporal delivers a
 * cancellation with a heartbeat's answer — and end the attempt with CancelledFailure once it came. Every Tiki write
 * also checks it first (`LiveClients.assertLive`, context.ts).
 */
import { Context } from '@temporalio/activity';

/** The running activity's context, or undefined outside one (benchmarks and tests calling helpers directly). */
export function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Throws the activity's CancelledFailure once it was cancelled. */
export function stopIfCancelled(): void {
  currentActivity()?.cancellationSignal.throwIfAborted();
}

/** Heartbeat (with progress details), then stop if the activity was cancelled meanwhile. */
export function heartbeatOrStop(details?: unknown): void {
  const ctx = currentActivity();
  if (!ctx) return;
  ctx.heartbeat(details);
  ctx.cancellationSignal.throwIfAborted();
}
