/**
 * Order intake for one connection (long-lived child `order-intake-<shopId>`): the Tiki event queue pulled
 * in a heartbeating activity for speed, an order-listing sweep every few minutes as a safety net, and a
 * daily completeness check. All three hand orders to the same idempotent per-order workflow. When the merchant
 * sets `importOrdersSince` (at connect or later), a backfill imports every accepted order created since then.
 */
import { continueAsNew, patched, proxyActivities, setHandler } from '@temporalio/workflow';
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

  // The event queue and its subscriptions are created once, by the poll or the sweep, whichever comes first.
  let queueCreating: Promise<void> | undefined;
  const queueExists = async () => {
    if (queueReady) return;
    queueCreating ??= jobs
      .ensureTikiQueue(connectionId)
      .then(() => {
        queueReady = true;
      })
      .finally(() => {
        queueCreating = undefined;
      });
    await queueCreating;
  };

  const sharded = input.pollMode === 'shards';
  const sweep = {
    name: 'sweep',
    intervalMs: () => config.orderSweepIntervalSeconds * 1000,
    nextAt: input.carried?.nextAt.sweep ?? Date.now(),
    run: async () => {
      // The sweep lists Tiki's orders only once the queue exists: an order placed between the listing and the
      // subscriptions would be in neither until the next sweep. Should Tiki refuse the queue, the sweep goes on
      // (it is then all there is). patched(): runs started before swept beside the queue's creation.
      if (!queueReady && patched('order-intake-sweep-after-tiki-queue')) await queueExists().catch(() => undefined);
      return jobs.sweepOrders(connectionId);
    },
    // After a pause (credentials rejected), sweep at once: imports that failed meanwhile are retried.
    runOnResume: true,
  };
  // Sharded: the shard sweeps on its schedule; the catch-up sweep after a pause is this workflow's.
  let sweepPending = !!input.carried?.sweepPending;

  await supervise({
    parentWorkflowId: input.parentWorkflowId,
    paused: input.carried?.paused ?? false,
    poll: sharded ? undefined : async () => {
      // Only awaited when not ready: an await of nothing would still move the poll's start after this task's timers.
      if (!queueReady) await queueExists();
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
