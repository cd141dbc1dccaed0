/**
 * Event queues: queues owned by an app (or a legacy key), subscriptions per seller `sid` and
 * event type, an append-only log per queue with an ack_id cursor.
 *
 * pull(ack): if `ack` is the ack_id of the last delivered batch, that batch is committed; then the next batch
 * from the committed cursor is delivered with a fresh ack_id. A null or stale ack commits nothing, so the
 * uncommitted batch is delivered again (at-least-once: the consumer sees duplicates and must dedupe by id).
 */
import { ApiError, tikiError } from '../api-error';
import type { SandboxContext } from '../context';
import { randomUuid } from '../rng';
import type { EventRec, QueueRec, SellerRec } from '../world';

export const EVENT_TYPES = [
  'ORDER_CREATED_SUCCESSFULLY',
  'ORDER_STATUS_UPDATED',
  'PRODUCT_PRICE_UPDATED',
  'PRODUCT_MARKET_PRICE_UPDATED',
  'PRODUCT_INVENTORY_UPDATED',
] as const;

/** Version tags as observed in production samples. */
const EVENT_VERSION: Record<string, string> = { PRODUCT_INVENTORY_UPDATED: 'v2' };

export interface QueueView {
  code: string;
  name: string;
  status: 'ACTIVE';
}

export class EventService {
  constructor(private readonly ctx: SandboxContext) {}

  private get world() {
    return this.ctx.world;
  }

  listQueues(owner: string): QueueView[] {
    return [...this.world.queues.values()].filter((q) => q.owner === owner).map(queueView);
  }

  createQueue(owner: string, name: unknown): QueueView {
    if (typeof name !== 'string' || !name.trim()) throw tikiError(400, 'name is required');
    if (this.listQueues(owner).length >= this.ctx.settings.maxQueuesPerOwner) {
      throw tikiError(400, `maximum number of queues (${this.ctx.settings.maxQueuesPerOwner}) reached`);
    }
    const queue: QueueRec = {
      code: randomUuid(this.world.rng),
      name: name.trim(),
      owner,
      createdAt: this.ctx.now(),
      subscriptions: [],
      events: [],
      committed: 0,
    };
    this.world.queues.set(queue.code, queue);
    return queueView(queue);
  }

  /** Subscribing the same (seller, event type) twice returns the existing subscription. */
  subscribe(owner: string, queueCode: string, seller: SellerRec, eventType: unknown) {
    const queue = this.ownedQueue(owner, queueCode);
    if (typeof eventType !== 'string' || !(EVENT_TYPES as readonly string[]).includes(eventType)) {
      throw tikiError(400, `event_type must be one of ${EVENT_TYPES.join(', ')}`);
    }
    let sub = queue.subscriptions.find((s) => s.sid === seller.sid && s.eventType === eventType);
    if (!sub) {
      sub = { code: randomUuid(this.world.rng), eventType, sid: seller.sid, active: true };
      queue.subscriptions.push(sub);
    }
    return subscriptionView(sub);
  }

  listSubscriptions(owner: string, queueCode: string) {
    return this.ownedQueue(owner, queueCode).subscriptions.map(subscriptionView);
  }

  pull(owner: string, queueCode: string, ackId: unknown): { events: EventRec[]; ack_id: string } {
    const queue = this.ownedQueue(owner, queueCode);
    if (ackId !== null && ackId !== undefined && typeof ackId !== 'string')
      throw tikiError(400, 'ack_id must be a string or null');
    if (ackId && queue.delivered && queue.delivered.ackId === ackId) queue.committed = queue.delivered.end;
    const batch = queue.events.slice(queue.committed, queue.committed + this.ctx.settings.eventBatchSize);
    const ack = randomUuid(this.world.rng);
    queue.delivered = { ackId: ack, end: queue.committed + batch.length };
    return { events: batch.map((e) => structuredClone(e)), ack_id: ack };
  }

  /** Route one seller event to every queue with an active subscription for its type. */
  emit(seller: SellerRec, type: (typeof EVENT_TYPES)[number], payload: Record<string, unknown>): void {
    let event: EventRec | undefined;
    for (const queue of this.world.queues.values()) {
      if (!queue.subscriptions.some((s) => s.active && s.sid === seller.sid && s.eventType === type)) continue;
      event ??= {
        id: randomUuid(this.world.rng),
        sid: seller.sid,
        created_at: this.ctx.now(),
        type,
        version: EVENT_VERSION[type] ?? 'v1',
        payload,
      };
      queue.events.push(event);
    }
  }

  /**
   * Force re-delivery: move the committed cursor of one queue (or all) back by `count` events, as a broker that
   * lost its acknowledgements would. Returns the number of events that will be delivered again.
   */
  duplicate(queueCode?: string, count = 10): number {
    let total = 0;
    for (const queue of this.world.queues.values()) {
      if (queueCode && queue.code !== queueCode) continue;
      const back = Math.min(count, queue.committed);
      queue.committed -= back;
      queue.delivered = undefined;
      total += back;
    }
    return total;
  }

  inspect() {
    return [...this.world.queues.values()].map((q) => ({
      ...queueView(q),
      owner: q.owner,
      subscriptions: q.subscriptions.map(subscriptionView),
      total: q.events.length,
      committed: q.committed,
      pending: q.events.length - q.committed,
    }));
  }

  /** Drop a queue and its subscriptions (as if deleted on Tiki's side); false when there is none. */
  dropQueue(code: string): boolean {
    return this.world.queues.delete(code);
  }

  private ownedQueue(owner: string, code: string): QueueRec {
    const queue = this.world.queues.get(code);
    if (!queue || queue.owner !== owner) throw new ApiError(404, { errors: [`queue ${code} not found`] });
    return queue;
  }
}

function queueView(q: QueueRec): QueueView {
  return { code: q.code, name: q.name, status: 'ACTIVE' };
}

function subscriptionView(s: { code: string; active: boolean; eventType: string; sid: string }) {
  return { code: s.code, active: s.active, event_type: s.eventType, sid: s.sid };
}
