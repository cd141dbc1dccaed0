/**
 * Order intake: the connection's Tiki event queue (created once, pulled continuously) and the periodic sweep of
 * recently updated Tiki orders, the safety net for events that never came. Both hand each order to its lifecycle
 * workflow (dispatch.ts); the hand-off is idempotent, so a re-delivered event or an overlapping sweep is harmless.
 */
import { heartbeat, sleep as activitySleep, Context } from '@temporalio/activity';
import { ConnectorError } from '../../connectors/errors';
import { TIKI_PRE_ACCEPTANCE_STATUSES } from '../../domain/order-status';
import { isImportable } from '../../domain/orders';
import { floorToSecond } from '../../domain/tiki-time';
import { isTerminal } from '../../domain/terms';
import type { ActivityDeps } from '../context';
import { pollCadence } from '../poll-cadence';
import type { Dispatcher, ShopConnection } from './dispatch';
import { asInput, connectionOf, importStart } from './records';

/** How long the event-queue poll reuses the connection's clients before resolving the credentials again. */
const POLL_CLIENTS_MAX_AGE_MS = 60_000;
const QUEUE_EVENT_TYPES = ['ORDER_CREATED_SUCCESSFULLY', 'ORDER_STATUS_UPDATED'];
const SWEEP_OVERLAP_MS = 5 * 60_000;

export function createIntakeActivities(deps: ActivityDeps, { dispatch }: Dispatcher) {
  const { store, clients, logger } = deps;

  async function shopConnection(connectionId: string): Promise<ShopConnection> {
    return { connectionId, shopId: (await connectionOf(store, connectionId)).shopId };
  }

  async function ensureQueue({ connectionId, shopId }: ShopConnection): Promise<string> {
    const existing = await store.getCursor(connectionId, 'tiki-queue');
    if (existing) return existing;
    const { tiki, assertLive } = await clients.forConnection(connectionId);
    const name = `haravan-sync-${shopId}`;
    await assertLive();
    const queues = await tiki.listQueues();
    const queue = queues.find((q) => q.name === name) ?? (await tiki.createQueue(name));
    const subs = await tiki.listSubscriptions(queue.code).catch(() => []);
    for (const type of QUEUE_EVENT_TYPES) {
      if (!subs.some((sub) => sub.event_type === type)) await tiki.subscribe(queue.code, type);
    }
    await store.setCursor(connectionId, 'tiki-queue', queue.code);
    return queue.code;
  }

  return {
    /** Create the connection's Tiki event queue and subscriptions once; the queue code is kept in the store. */
    async ensureTikiQueue(connectionId: string): Promise<string> {
      return ensureQueue(await shopConnection(connectionId));
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
        const conn = await shopConnection(connectionId);
        // Re-created when missing (e.g. cleared because the Tiki credentials changed owner).
        let queue = (await store.getCursor(connectionId, 'tiki-queue')) || (await ensureQueue(conn));
        let recreated = false;
        // The ack id lives in memory between pulls and is stored only after a batch with events was handed on:
        // an empty batch has nothing to acknowledge, so an idle pull costs the one Tiki call and no database work.
        // After a crash the stored ack is that of the last non-empty batch; if a later pull already committed it,
        // it is stale and Tiki re-delivers from the committed cursor (at-least-once; the hand-off is idempotent).
        let ack = await store.getCursor(connectionId, 'tiki-ack');
        while (Date.now() < deadline) {
          const c = await clients.whileConnected(connectionId, { maxAgeMs: POLL_CLIENTS_MAX_AGE_MS });
          if (!c) {
            logger.info({ connectionId }, 'Tiki event poll ends: the connection was disconnected');
            break;
          }
          const { tiki } = c;
          let res: Awaited<ReturnType<typeof tiki.pullEvents>>;
          try {
            res = await tiki.pullEvents(queue, ack || null);
          } catch (err) {
            // The queue is gone on Tiki's side (deleted, expired, another environment's code): make a new one
            // once. Events of the gap are not lost for good: the periodic order sweep lists what changed.
            if (recreated || !(err instanceof ConnectorError) || err.code !== 'NOT_FOUND') throw err;
            recreated = true;
            await store.setCursor(connectionId, 'tiki-queue', '');
            await store.setCursor(connectionId, 'tiki-ack', '');
            ack = null;
            queue = await ensureQueue(conn);
            await store.audit(connectionId, 'tiki-queue-recreated', { queue });
            continue;
          }
          events += res.events.length;
          if (res.events.length > 0) pollCadence.reset(`tiki:${connectionId}`);
          const latest = new Map<string, { status?: string; id: string }>();
          for (const e of res.events) {
            const payload = (e.payload ?? {}) as { order_code?: string; orderCode?: string; status?: string };
            const code = payload.order_code ?? payload.orderCode;
            if (!code || !QUEUE_EVENT_TYPES.includes(e.type)) continue;
            latest.set(String(code), { status: payload.status, id: String(e.id) });
          }
          for (const [code, ev] of latest) {
            // A re-delivered event about an order already imported and finished in that very status: nothing to do.
            const rec = await store.getOrder(connectionId, code);
            if (rec?.haravanOrderId && isTerminal(rec.status) && ev.status === rec.tikiStatus) continue;
            await dispatch(conn, code, 'tiki-event', ev.status, ev.id);
            dispatched++;
          }
          if (res.ackId) {
            ack = res.ackId;
            if (res.events.length > 0) await store.setCursor(connectionId, 'tiki-ack', res.ackId);
          }
          heartbeat({ events });
          if (res.events.length === 0) {
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
