/**
 * The stock engine's activities (one concern per file in this folder):
 *
 * - `pollHaravanChanges` (`poll.ts`): the long-running delta poll that pushes what changed within seconds.
 * - `pushProducts`: recompute and push for given products (webhooks, finished link runs, `push-links.ts`);
 *   `'all'` (push now, config changes) is a full pass against Tiki's actual values (`full-pass.ts`).
 * - `reconcile`: the full pass, re-reading both sides including Tiki's actual stock and price, correcting any
 *   drift, with its phase timings recorded on the connection.
 *
 * Reading: `read-haravan.ts`, `read-tiki.ts`; planning: `plan.ts`; writing: `execute-writes.ts` through the
 * per-connection gate and guards of `write-gate.ts`; what a push did: `summary.ts`. The rules they apply are
 * in `domain/` (`stock.ts`, `stock-writes.ts`, `reservations.ts` — the add-back of Tiki's reservations for imported
 * orders —, `inventory.ts`, `stock-poll.ts`).
 */
import { withBulkRead } from '../bulk-reads';
import { heartbeatOrStop } from '../cancellation';
import { onForgetConnection } from '../connection-memory';
import type { ActivityDeps } from '../context';
import { LatencyTracker } from '../metrics';
import { pollCadence } from '../poll-cadence';
import { fullPass } from './full-pass';
import { pollHaravanChanges as poll, type PollOptions } from './poll';
import { pushLinks } from './push-links';
import { storeHandedCursors } from './deltas';
import type { StockChanges } from '../../domain/poll-shards';
import type { Seen } from '../../domain/stock-poll';
import { emptySummary, finish, merge, type PushSummary } from './summary';
import type { StockDeps } from './types';

export type { PushSummary } from './summary';
export type { HaravanVariantState, TikiActual } from './types';

/** Linked variants read from the store per incremental push. */
const LINK_PAGE = 500;

export function createStockActivities(deps: ActivityDeps) {
  const stock: StockDeps = {
    store: deps.store,
    clients: deps.clients,
    logger: deps.logger,
    latency: { seen: new LatencyTracker(), change: new LatencyTracker() },
    lastTiming: new Map(),
  };
  const { store, clients, logger } = stock;
  onForgetConnection((id) => {
    stock.latency.seen.forget(id);
    stock.latency.change.forget(id);
    stock.lastTiming.delete(id);
  });

  return {
    /** Recompute and push for some products; `'all'` is a full pass against Tiki's actual values. */
    async pushProducts(connectionId: string, productIds: number[] | 'all'): Promise<PushSummary> {
      pollCadence.reset(`haravan:${connectionId}`);
      if (productIds === 'all') {
        const { drifted: _drifted, ...s } = await fullPass(stock, connectionId);
        return finish(stock, connectionId, s);
      }
      const c = await clients.forConnection(connectionId);
      let total = emptySummary();
      for (let i = 0; i < productIds.length; i += LINK_PAGE) {
        const links = await store.getLinksByProducts(connectionId, productIds.slice(i, i + LINK_PAGE));
        total = merge(total, await pushLinks(stock, connectionId, c, links));
        heartbeatOrStop({ i });
      }
      return finish(stock, connectionId, total);
    },

    /**
     * A poll shard's hand-off (`activities/poll-shard.ts`): push the linked variants it saw change, then store the
     * delta cursors it read them up to. At-least-once: a shard that restarts before the cursors are stored reads the
     * same changes again and hands them on again; the push compares with what Tiki last confirmed, so a second
     * delivery writes nothing.
     */
    async pushPolledChanges(connectionId: string, changes: StockChanges): Promise<PushSummary> {
      const c = await clients.forConnection(connectionId);
      const seen = new Map<number, Seen>(changes.seen.map(([id, seenAt, changedAt]) => [id, { seenAt, changedAt: changedAt ?? undefined }]));
      const links = await store.getLinks(connectionId, [...seen.keys()]);
      const pushed = await pushLinks(stock, connectionId, c, links, { haravan: c.haravan.withPriority('high'), seen, skipRefused: true });
      await storeHandedCursors(store, connectionId, changes.cursors);
      return pushed.considered > 0 ? finish(stock, connectionId, pushed) : pushed;
    },

    /** See `poll.ts`. */
    async pollHaravanChanges(connectionId: string, opts: PollOptions): Promise<PushSummary> {
      return poll(stock, connectionId, opts);
    },

    /**
     * Full reconciliation: read Tiki's actual stock and price for every linked SKU and Haravan's state, and
     * correct whatever differs (a hand edit on Tiki, a lost write). Marks each link converged and verified.
     */
    async reconcile(connectionId: string): Promise<PushSummary & { drifted: number }> {
      const started = Date.now();
      const result = await withBulkRead(connectionId, () => fullPass(stock, connectionId));
      const t = stock.lastTiming.get(connectionId);
      await store.setCounters(connectionId, {
        lastReconcileAt: new Date().toISOString(),
        lastReconcileDrifted: result.drifted,
        lastReconcileMs: Date.now() - started,
        ...(t && { lastReconcileTikiReadMs: t.tikiReadMs, lastReconcileHaravanReadMs: t.haravanReadMs, lastReconcilePlanMs: t.planMs, lastReconcileWriteMs: t.writeMs }),
      });
      logger.info({ connectionId, drifted: result.drifted, pushed: result.pushed, ms: Date.now() - started }, 'reconciled');
      const { drifted, ...s } = result;
      return { ...(await finish(stock, connectionId, s)), drifted };
    },
  };
}

export type StockActivities = ReturnType<typeof createStockActivities>;
