/**
 * Order intake: the connection's Tiki event queue (created once, pulled continuously) and the periodic sweep of
 * recently updated Tiki orders, the safety net for events that never came. Both hand each order to its lifecycle
 * workflow (dispatch.ts); the hand-off is idempotent, so a re-delivered event or an overlapping sweep is harmless.
 */
import { heartbeat, sleep as activitySleep, Context } from '@temporalio/activity';
import { TIKI_PRE_ACCEPTANCE_STATUSES } from '../../domain/order-status';
import { isImportable } from '../../domain/orders';
import { floorToSecond } from '../../domain/tiki-time';
import type { ActivityDeps } from '../context';
import { pollCadence } from '../poll-cadence';
import type { Dispatcher, ShopConnection } from './dispatch';
import { ensureQueue, TikiEventQueue } from './event-queue';
import { asInput, connectionOf, importStart } from './records';

/** How long the event-queue poll reuses the connection's clients before resolving the credentials again. */
const POLL_CLIENTS_MAX_AGE_MS = 60_000;
const SWEEP_OVERLAP_MS = 5 * 60_000;

export function createIntakeActivities(deps: ActivityDeps, dispatcher: Dispatcher) {
  const { dispatch } = dispatcher;
  const { store, clients, logger } = deps;

  async function shopConnection(connectionId: string): Promise<ShopConnection> {
    return { connectionId, shopId: (await connectionOf(store, connectionId)).shopId };
  }

  return {
    /** Create the connection's Tiki event queue and subscriptions once; the queue code is kept in the store. */
    async ensureTikiQueue(connectionId: string): Promise<string> {
      const { tiki, assertLive } = await clients.forConnection(connectionId);
      return ensureQueue(store, tiki, await shopConnection(connectionId), assertLive);
    },

    /**
     * Pull the Tiki event queue until `durationMs` passes. Events are handed to their order workflows
     * first; only then is the batch's ack id stored, so the next pull acknowledges them. A crash in between
     * re-delivers the batch — harmless, the hand-off is idempotent.
     */
    async pollTikiEvents(connectionId: string, opts: { durationMs: number; intervalMs: number }): Promise<{ events: number; dispatched: number }> {
      const deadline = Date.now() + opts.durationMs;
      let events = 0;
      let dispatched = 0;
      try {
        const queue = new TikiEventQueue(store, dispatcher, await shopConnection(connectionId));
        while (Date.now() < deadline) {
          const c = await clients.whileConnected(connectionId, { maxAgeMs: POLL_CLIENTS_MAX_AGE_MS });
          if (!c) {
            logger.info({ connectionId }, 'Tiki event poll ends: the connection was disconnected');
            break;
          }
          const res = await queue.pull(c.tiki, c.assertLive);
          if (res.requeued) continue;
          events += res.events;
          dispatched += res.dispatched;
          if (res.events > 0) pollCadence.reset(`tiki:${connectionId}`);
          heartbeat({ events });
          if (res.events === 0) {
            // Adaptive when idle (activities/poll-cadence.ts): the configured interval right after events.
            const wait = Math.min(pollCadence.next(`tiki:${connectionId}`, opts.intervalMs, false), deadline - Date.now());
            if (wait > 0) await activitySleep(wait);
          }
        }
        return { events, dispatched };
      } catch (err) {
        if (Context.current().cancellationSignal.aborted) return { events, dispatched };
        throw err;
      }
    },

    /** Safety net: list Tiki orders updated since the last sweep and hand on any that are new or changed. */
    async sweepOrders(connectionId: string): Promise<{ seen: number; dispatched: number }> {
      const record = await connectionOf(store, connectionId);
      const conn = { connectionId, shopId: record.shopId };
      const { tiki } = await clients.forConnection(connectionId);
      const sinceAt = importStart(record);
      const from = Math.max(floorToSecond(sinceAt).getTime(), Date.parse((await store.getCursor(connectionId, 'tiki-sweep')) ?? '') - SWEEP_OVERLAP_MS || 0);
      const started = new Date();
      let seen = 0;
      let dispatched = 0;
      for await (const page of tiki.listAllOrders({ updatedFrom: new Date(from), status: { nin: [...TIKI_PRE_ACCEPTANCE_STATUSES] }, orderBy: 'updated_at|asc' })) {
        for (const o of page.items) {
          seen++;
          const rec = await store.getOrder(connectionId, String(o.code));
          // Unchanged since we last saw it, or created before the import start (and never imported): skip.
          // (A record without a Haravan order belongs to a workflow that is importing it or waiting in the failure
          // inbox: only a status change is news for it.)
          if (rec && rec.tikiStatus === o.status) continue;
          if (!rec && !isImportable(asInput(o), sinceAt)) continue;
          await dispatch(conn, String(o.code), 'sweep', o.status);
          dispatched++;
        }
        heartbeat({ seen });
      }
      await store.setCursor(connectionId, 'tiki-sweep', started.toISOString());
      return { seen, dispatched };
    },
  };
}
