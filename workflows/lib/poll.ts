/**
 * The background poll of the connection's long-lived children (stock sync reads Haravan's changes, order intake
 * pulls Tiki's event queue): one heartbeating activity of a bounded duration, restarted by the supervisor
 * (`workflows/long-lived.ts`) when it ends.
 */
import { ActivityCancellationType, patched, proxyActivities, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';

/**
 * One poll activity runs this long, then the workflow starts the next. Long enough that the restarts cost little
 * (each is a workflow task and a few history events, ×2 per connection: at 1,000 connections a 60 s poll meant
 * ~33 workflow tasks a second doing nothing); cancellation still reaches the poll at its next heartbeat.
 */
export const POLL_DURATION_MS = 300_000;

/** A start-to-close timeout above the poll's duration; a dead worker is noticed at the missed heartbeat. */
export const POLL_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '7 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30 seconds' },
};

/**
 * A cancelled poll or job is waited for until its activity ended (it stops at its next heartbeat): a stop on
 * disconnect must not report "stopped" while a vendor write is still on its way.
 */
export const WAIT_FOR_CANCELLED = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;

/**
 * The poll activities of a long-lived child, to be called at each poll start: cancelled polls are waited for
 * (WAIT_FOR_CANCELLED). patched(): polls started before that behaviour replay as cancelled without waiting.
 */
export function pollActivities<A extends object>(): () => ActivityInterfaceFor<A> {
  const cancelledAtOnce = proxyActivities<A>(POLL_ACTIVITY_OPTIONS);
  const waited = proxyActivities<A>({ ...POLL_ACTIVITY_OPTIONS, cancellationType: WAIT_FOR_CANCELLED });
  return () => (patched('poll-cancel-waits') ? waited : cancelledAtOnce);
}
