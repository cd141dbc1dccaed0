/**
 * Order intake for one connection (long-lived child `order-intake-<shopId>`): the Tiki event queue pulled
 * in a heartbeating activity for speed, an order-listing sweep every few minutes as a safety net, and a
 * daily completeness check. All three hand orders to the same idempotent per-order workflow. When the merchant
 * sets `importOrdersSince` (at connect or later), a backfill imports every accepted order created since then.
 */
import { continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { OrderActivities } from '../activities/orders';
import type { Config } from '../domain/config';
import type { PollMode } from '../domain/poll-shards';
import { configChangedSignal } from './definitions';
import { POLL_DURATION_MS, WAIT_FOR_CANCELLED, pollActivities } from './lib/poll';
import { supervise } from './long-lived';

export interface OrderIntakeInput {
  connectionId: string;
  shopId: number;
  config: Config;
  parentWorkflowId: string;
  /** `shards`: a poll shard pulls the event queue and sweeps (domain/poll-shards.ts); unset: this child does. */
  pollMode?: PollMode;
  carried?: { paused: boolean; nextAt: Record<string, number>; queueReady: boolean; backfillPending?: boolean; sweepPending?: boolean };
}

const COMPLETENESS_WINDOW_MS = 3 * 86_400_000;

/** The poll: cancelled polls are waited for (patched 'poll-cancel-waits', lib/poll.ts). */
const poller = pollActivities<OrderActivities>();
const jobs = proxyActivities<OrderActivities>({
  cancellationType: WAIT_FOR_CANCELLED,
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

  const sharded = input.pollMode === 'shards';
  const sweep = {
    name: 'sweep',
    intervalMs: () => config.orderSweepIntervalSeconds * 1000,
    nextAt: input.carried?.nextAt.sweep ?? Date.now(),
    run: () => jobs.sweepOrders(connectionId),
    // After a pause (credentials rejected), sweep at once: imports that failed meanwhile are retried.
    runOnResume: true,
  };
  // Sharded: the shard sweeps on its schedule; the catch-up sweep after a pause is this workflow's.
  let sweepPending = !!input.carried?.sweepPending;

  await supervise({
    parentWorkflowId: input.parentWorkflowId,
    paused: input.carried?.paused ?? false,
    poll: sharded ? undefined : async () => {
      if (!queueReady) {
        await jobs.ensureTikiQueue(connectionId);
        queueReady = true;
      }
      await poller().pollTikiEvents(connectionId, { durationMs: POLL_DURATION_MS, intervalMs: config.orderPollIntervalSeconds * 1000 });
    },
    periodic: [
      ...(sharded ? [] : [sweep]),
      {
        name: 'completeness',
        intervalMs: () => config.orderCompletenessIntervalSeconds * 1000,
        nextAt: input.carried?.nextAt.completeness ?? Date.now() + config.orderCompletenessIntervalSeconds * 1000,
        run: () => jobs.checkCompleteness(connectionId, COMPLETENESS_WINDOW_MS),
      },
    ],
    hasJob: () => backfillPending || sweepPending,
    onResume: sharded
      ? () => {
          sweepPending = true;
        }
      : undefined,
    nextJob: () => {
      if (sweepPending && !backfillPending) {
        sweepPending = false;
        return sweep.run;
      }
      if (!backfillPending) return undefined;
      backfillPending = false;
      return () => jobs.backfillOrders(connectionId);
    },
    continueAsNew: (state) => continueAsNew<typeof orderIntakeWorkflow>({ ...input, config, carried: { ...state, queueReady, backfillPending, sweepPending } }),
  });
}
