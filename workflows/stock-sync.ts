/**
 * Stock and price push for one connection (long-lived child `stock-sync-<shopId>`):
 * delta polling of Haravan in a heartbeating activity, on-demand pushes (webhooks, push now, config
 * changes, finished link runs) coalesced into one job, and periodic full reconciliation against Tiki's
 * actual values. With `pollMode: 'shards'` the poll shard reads the deltas and reconciles, and hands changed variants
 * to this workflow (`stockChanges` signal → `pushPolledChanges`).
 */
import { continueAsNew, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { StockActivities } from '../activities/stock';
import type { Config } from '../domain/config';
import { mergeStockChanges, type PollMode, type StockChanges } from '../domain/poll-shards';
import { configChangedSignal, productsChangedSignal, stockChangesSignal } from './definitions';
import { POLL_DURATION_MS, WAIT_FOR_CANCELLED, pollActivities } from './lib/poll';
import { supervise } from './long-lived';

export interface StockSyncInput {
  connectionId: string;
  shopId: number;
  config: Config;
  parentWorkflowId: string;
  /** `shards`: a poll shard reads the deltas and the reconciliation runs there (domain/poll-shards.ts); unset: this child polls. */
  pollMode?: PollMode;
  carried?: { paused: boolean; nextAt: Record<string, number>; pending: number[] | 'all' | null; polled?: StockChanges | null };
}

/** The poll: cancelled polls are waited for (patched 'poll-cancel-waits', lib/poll.ts). */
const poller = pollActivities<StockActivities>();
const pusher = proxyActivities<StockActivities>({
  cancellationType: WAIT_FOR_CANCELLED,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});
const reconciler = proxyActivities<StockActivities>({
  cancellationType: WAIT_FOR_CANCELLED,
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
});

export async function stockSyncWorkflow(input: StockSyncInput): Promise<void> {
  const { connectionId } = input;
  let config = input.config;
  let pending: Set<number> | 'all' | null = null;
  const carriedPending = input.carried?.pending;
  if (carriedPending) pending = carriedPending === 'all' ? 'all' : new Set(carriedPending);

  const addPending = (ids: number[] | 'all') => {
    if (ids === 'all' || pending === 'all') pending = 'all';
    else {
      pending = pending ?? new Set<number>();
      for (const id of ids) pending.add(id);
    }
  };

  // Wakes the supervisor loop so it re-reads the periodic schedule (a shorter reconcile interval applies at once).
  let wake = false;
  const reconcileJob = {
    name: 'reconcile',
    intervalMs: () => config.reconcileIntervalSeconds * 1000,
    nextAt: input.carried?.nextAt.reconcile ?? Date.now() + config.reconcileIntervalSeconds * 1000,
    run: () => reconciler.reconcile(connectionId),
  };

  // From the poll shard: changed linked variants, pushed as one job however many hand-offs arrive meanwhile.
  let polled: StockChanges | null = input.carried?.polled ?? null;
  setHandler(stockChangesSignal, (changes) => {
    polled = mergeStockChanges(polled, changes);
  });
  const sharded = input.pollMode === 'shards';

  setHandler(productsChangedSignal, ({ productIds }) => addPending(productIds));
  setHandler(configChangedSignal, ({ config: next, stockAffecting }) => {
    const before = config.reconcileIntervalSeconds;
    config = next;
    if (stockAffecting) addPending('all');
    // patched(): workflows started before this behaviour replay without the extra wake-up and timer.
    if (next.reconcileIntervalSeconds !== before && patched('stock-sync-reconcile-interval-applies-at-once')) {
      // The new interval counts from now (shorter: sooner; longer: the next run moves out).
      reconcileJob.nextAt = Date.now() + next.reconcileIntervalSeconds * 1000;
      wake = true;
    }
  });

  await supervise({
    parentWorkflowId: input.parentWorkflowId,
    paused: input.carried?.paused ?? false,
    poll: sharded ? undefined : () => poller().pollHaravanChanges(connectionId, { durationMs: POLL_DURATION_MS, intervalMs: config.pollIntervalSeconds * 1000 }),
    periodic: sharded ? [] : [reconcileJob],
    hasJob: () => pending !== null || polled !== null || wake,
    nextJob: () => {
      wake = false;
      if (pending === null && polled !== null) {
        const changes: StockChanges = polled;
        polled = null;
        return () => pusher.pushPolledChanges(connectionId, changes);
      }
      if (pending === null) return undefined;
      const ids: number[] | 'all' = pending === 'all' ? 'all' : [...pending];
      pending = null;
      return () => pusher.pushProducts(connectionId, ids);
    },
    onResume: () => addPending('all'),
    continueAsNew: (state) =>
      continueAsNew<typeof stockSyncWorkflow>({
        ...input,
        config,
        carried: { ...state, pending: pending === null ? null : pending === 'all' ? 'all' : [...pending], polled },
      }),
  });
}
