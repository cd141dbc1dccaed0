/**
 * Order intake for one connection (long-lived child `order-intake-<shopId>`): the Tiki event queue pulled
 * in a heartbeating activity for speed, an order-listing sweep every few minutes as a safety net, and a
 * daily completeness check. All three hand orders to the same idempotent per-order workflow. When the merchant
 * sets `importOrdersSince` (at connect or later), a backfill imports every accepted order created since then.
 */
import { ActivityCancellationType, continueAsNew, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { OrderActivities } from '../activities/orders';
import type { Config } from '../domain/config';
import { configChangedSignal } from './definitions';
import { supervise } from './long-lived';

export interface OrderIntakeInput {
  connectionId: string;
  shopId: number;
  config: Config;
  parentWorkflowId: string;
  carried?: { paused: boolean; nextAt: Record<string, number>; queueReady: boolean; backfillPending?: boolean };
}

/**
 * One poll activity runs this long, then the workflow starts the next. Long enough that the restarts cost little
 * (each is a workflow task and a few history events, ×2 per connection: at 1,000 connections a 60 s poll meant
 * ~33 workflow tasks a second doing nothing); cancellation still reaches the poll at its next heartbeat.
 */
const POLL_DURATION_MS = 300_000;
const COMPLETENESS_WINDOW_MS = 3 * 86_400_000;

const POLLER = {
  startToCloseTimeout: '7 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;
const poller = proxyActivities<OrderActivities>(POLLER);
/** A cancelled job or poll is waited for until its activity ended (see stock-sync.ts). */
const WAIT = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
const pollerWaiting = proxyActivities<OrderActivities>({ ...POLLER, cancellationType: WAIT });
const jobs = proxyActivities<OrderActivities>({
  cancellationType: WAIT,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
});

export async function orderIntakeWorkflow(input: OrderIntakeInput): Promise<void> {
  const { connectionId } = input;
  let config = input.config;
  let queueReady = input.carried?.queueReady ?? false;
  let backfillPending = input.carried ? !!input.carried.backfillPending : !!input.config.importOrdersSince;
  setHandler(configChangedSignal, ({ config: next }) => {
    if (next.importOrdersSince && next.importOrdersSince !== config.importOrdersSince) backfillPending = true;
    config = next;
  });

  await supervise({
    parentWorkflowId: input.parentWorkflowId,
    paused: input.carried?.paused ?? false,
    poll: async () => {
      if (!queueReady) {
        await jobs.ensureTikiQueue(connectionId);
        queueReady = true;
      }
      // patched(): polls started before this behaviour replay as cancelled without waiting.
      await (patched('poll-cancel-waits') ? pollerWaiting : poller).pollTikiEvents(connectionId, { durationMs: POLL_DURATION_MS, intervalMs: config.orderPollIntervalSeconds * 1000 });
    },
    periodic: [
      {
        name: 'sweep',
        intervalMs: () => config.orderSweepIntervalSeconds * 1000,
        nextAt: input.carried?.nextAt.sweep ?? Date.now(),
        run: () => jobs.sweepOrders(connectionId),
        // After a pause (credentials rejected), sweep at once: imports that failed meanwhile are retried.
        runOnResume: true,
      },
      {
        name: 'completeness',
        intervalMs: () => config.orderCompletenessIntervalSeconds * 1000,
        nextAt: input.carried?.nextAt.completeness ?? Date.now() + config.orderCompletenessIntervalSeconds * 1000,
        run: () => jobs.checkCompleteness(connectionId, COMPLETENESS_WINDOW_MS),
      },
    ],
    hasJob: () => backfillPending,
    nextJob: () => {
      if (!backfillPending) return undefined;
      backfillPending = false;
      return () => jobs.backfillOrders(connectionId);
    },
    continueAsNew: (state) => continueAsNew<typeof orderIntakeWorkflow>({ ...input, config, carried: { ...state, queueReady, backfillPending } }),
  });
}
