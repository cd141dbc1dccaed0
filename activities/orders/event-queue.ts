/**
 * One connection's Tiki event queue: created once (queue + subscriptions, its code kept in the store), then pulled
 * one batch at a time. Each batch's orders are handed to their lifecycle workflows first; only then is the batch's
 * ack id stored, so the next pull acknowledges them. A crash in between re-delivers the batch — harmless, the
 * hand-off is idempotent. Used by the per-connection poll (`intake.ts`) and by the poll shards
 * (`activities/poll-shard.ts`).
 */
import { ConnectorError } from '../../connectors/errors';
import type { TikiClient } from '../../connectors/tiki/client';
import { isTerminal } from '../../domain/terms';
import type { Store } from '../../store/store';
import type { Dispatcher, ShopConnection } from './dispatch';

export const QUEUE_EVENT_TYPES = ['ORDER_CREATED_SUCCESSFULLY', 'ORDER_STATUS_UPDATED'];

/** Create the connection's Tiki event queue and subscriptions once; the queue code is kept in the store. */
export async function ensureQueue(store: Store, tiki: TikiClient, { connectionId, shopId }: ShopConnection, assertLive: () => Promise<void>): Promise<string> {
  const existing = await store.getCursor(connectionId, 'tiki-queue');
  if (existing) return existing;
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

export class TikiEventQueue {
  private queue: string | undefined;
  private creating: Promise<string> | undefined;
  private ack: string | null | undefined;
  private recreated = false;

  constructor(
    private readonly store: Store,
    private readonly dispatcher: Dispatcher,
    readonly conn: ShopConnection,
  ) {}

  /**
   * The queue's code, the queue and its subscriptions created first when the store holds none (a new connection, or
   * one cleared because the Tiki credentials changed owner). Callers at the same time share one creation: two would
   * each find no queue and make one.
   */
  async ready(tiki: TikiClient, assertLive: () => Promise<void>): Promise<string> {
    if (this.queue) return this.queue;
    const { store, conn } = this;
    this.creating ??= (async () => (await store.getCursor(conn.connectionId, 'tiki-queue')) || (await ensureQueue(store, tiki, conn, assertLive)))().finally(() => {
      this.creating = undefined;
    });
    this.queue = await this.creating;
    return this.queue;
  }

  /** One pull: the batch's orders handed on, its ack id stored when it had events. */
  async pull(tiki: TikiClient, assertLive: () => Promise<void>): Promise<{ events: number; dispatched: number; requeued?: true }> {
    const { store, conn } = this;
    const { connectionId } = conn;
    const queue = await this.ready(tiki, assertLive);
    // The ack id lives in memory between pulls and is stored only after a batch with events was handed on:
    // an empty batch has nothing to acknowledge, so an idle pull costs the one Tiki call and no database work.
    // After a crash the stored ack is that of the last non-empty batch; if a later pull already committed it,
    // it is stale and Tiki re-delivers from the committed cursor (at-least-once; the hand-off is idempotent).
    if (this.ack === undefined) this.ack = await store.getCursor(connectionId, 'tiki-ack');
    let res: Awaited<ReturnType<typeof tiki.pullEvents>>;
    try {
      res = await tiki.pullEvents(queue, this.ack || null);
    } catch (err) {
      // The queue is gone on Tiki's side (deleted, expired, another environment's code): make a new one
      // once. Events of the gap are not lost for good: the periodic order sweep lists what changed.
      if (this.recreated || !(err instanceof ConnectorError) || err.code !== 'NOT_FOUND') throw err;
      this.recreated = true;
      await store.setCursor(connectionId, 'tiki-queue', '');
      await store.setCursor(connectionId, 'tiki-ack', '');
      this.ack = null;
      this.queue = await ensureQueue(store, tiki, conn, assertLive);
      await store.audit(connectionId, 'tiki-queue-recreated', { queue: this.queue });
      return { events: 0, dispatched: 0, requeued: true };
    }
    // A queue that answers again may be re-created once more should it go missing later (a long-lived shard's queue).
    this.recreated = false;
    const latest = new Map<string, { status?: string; id: string }>();
    for (const e of res.events) {
      const payload = (e.payload ?? {}) as { order_code?: string; orderCode?: string; status?: string };
      const code = payload.order_code ?? payload.orderCode;
      if (!code || !QUEUE_EVENT_TYPES.includes(e.type)) continue;
      latest.set(String(code), { status: payload.status, id: String(e.id) });
    }
    let dispatched = 0;
    for (const [code, ev] of latest) {
      // A re-delivered event about an order already imported and finished in that very status: nothing to do.
      const rec = await store.getOrder(connectionId, code);
      if (rec?.haravanOrderId && isTerminal(rec.status) && ev.status === rec.tikiStatus) continue;
      await this.dispatcher.dispatch(conn, code, 'tiki-event', ev.status, ev.id);
      dispatched++;
    }
    if (res.ackId) {
      this.ack = res.ackId;
      if (res.events.length > 0) await store.setCursor(connectionId, 'tiki-ack', res.ackId);
    }
    return { events: res.events.length, dispatched };
  }
}
