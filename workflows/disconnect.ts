/**
 * The disconnect's wait for the connection's jobs: the long-lived children (asked to stop; each cancels its running
 * job and poll and waits for their activities) and the active link run (cancelled). Once they are closed nothing of
 * the connection runs and the data can be purged; a reconnect can start children with the same fixed ids.
 *
 * If they have not stopped within the timeout (an activity stuck in a call that ignores cancellation), they are
 * terminated, and the purge waits out `IN_FLIGHT_GRACE` so a Tiki request already on the wire has landed or failed;
 * their activities cannot write afterwards (every Tiki write checks the connection is still live, `assertLive`).
 */
import { condition, log, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { ConnectionActivities } from '../activities/connection';

/** Longer than a vendor request's own deadline. */
const IN_FLIGHT_GRACE = '1 minute';

const acts = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export interface JobsOfConnection {
  children: string[];
  stoppedChildren: ReadonlySet<string>;
  activeLinkRun: () => { workflowId: string } | null;
  timeout: Duration;
  /** How long the purge waits after terminating (default `IN_FLIGHT_GRACE`). */
  inFlightGrace?: Duration;
}

export async function waitForJobsToStop(jobs: JobsOfConnection): Promise<void> {
  const { children, stoppedChildren, activeLinkRun, timeout } = jobs;
  const childrenStopped = () => children.every((id) => stoppedChildren.has(id));
  // patched(): disconnects that ran before this behaviour replay with the children's stop waited for, then the purge.
  if (!patched('disconnect-stops-every-job')) {
    if (!(await condition(childrenStopped, timeout))) log.warn('children did not confirm stop in time', { stopped: [...stoppedChildren] });
    return;
  }
  if (await condition(() => childrenStopped() && !activeLinkRun(), timeout)) return;
  const left = [...children.filter((id) => !stoppedChildren.has(id)), ...(activeLinkRun() ? [activeLinkRun()!.workflowId] : [])];
  log.warn('jobs did not stop in time: terminating them', { left });
  await acts.terminateWorkflows(left, 'disconnect: did not stop in time');
  await sleep(jobs.inFlightGrace ?? IN_FLIGHT_GRACE);
}
