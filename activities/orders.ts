/**
 * Order activities: intake (Tiki event queue + order listing safety net + completeness check) hands each
 * Tiki order to its own lifecycle workflow with signal-with-start; the lifecycle workflow imports it into
 * Haravan exactly once, mirrors status changes and runs merchant actions on Tiki.
 *
 * Exactly-once import: the store mapping is checked first; the create attempt is recorded *before* the
 * Haravan call; any later attempt first looks the order up on Haravan by its Tiki reference (note
 * attribute / tag), so a create that timed out after Haravan committed it is found, not repeated.
 * A later attempt can only start once the previous one has ended: it failed, it passed its start-to-close
 * timeout, or its worker died (heartbeat timeout — a live attempt heartbeats on a timer, so only a dead
 * process misses it, and a dead process sends nothing more). The create call is only *started* while at least
 * CREATE_FINISH_RESERVE_MS of the start-to-close timeout remain, enough for it (with the client's HTTP timeout
 * and 429 retries) to be answered or abandoned before the attempt ends — so the next attempt's lookup never
 * races an in-flight create. One workflow per Tiki order (fixed id) makes
 * concurrent imports of the same order impossible; the store mapping outlives workflow retention and resets.
 */
import { heartbeat, sleep as activitySleep, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ConnectorError } from '../connectors/errors';
import { toTikiDateTime } from '../connectors/tiki/datetime';
import type { TikiOrder } from '../connectors/tiki/schemas';
import { messageFor } from '../domain/messages';
import {
  TIKI_PRE_ACCEPTANCE_STATUSES,
  allowedAction,
  buildOrderLinkIndex,
  confirmationDeadline,
  isAtRisk,
  floorToSecond,
  isImportable,
  isTerminal,
  mapTikiOrderToHaravan,
  mirrorActions,
  ourStatus,
  parseTikiDateTime,
  type OurOrderStatus,
  type TikiCall,
} from '../domain/orders';
import type { TikiOrderInput } from '../domain/types';
import type { OrderRecord } from '../store/types';
import type { OrderAction, OrderActionResult } from '../workflows/definitions';
import { tikiOrderEventSignal } from '../workflows/definitions';
import { orderWorkflowId, shopIdFromConnectionId } from '../workflows/ids';
import { SA_SHOP_ID, SA_TIKI_ORDER_CODE } from '../workflows/search-attributes';
import type { ActivityDeps, ConnectionClients } from './context';
import { toFailure } from './errors';
import { orderIntakeHistogram, ordersImportedCounter } from './metrics';
import { pollCadence } from './poll-cadence';

/** How long the event-queue poll reuses the connection's clients before resolving the credentials again. */
const POLL_CLIENTS_MAX_AGE_MS = 60_000;

export interface ImportResult {
  state: 'imported' | 'not-accepted' | 'skipped-old';
  haravanOrderId?: number;
  status: string;
  tikiStatus: string;
  terminal: boolean;
  deadlineAt?: string | null;
  /** When the order becomes "at risk" (deadline − `atRiskHoursBeforeDeadline`), for the workflow's timer. */
  riskAt?: string | null;
}

export interface StatusResult {
  status: string;
  tikiStatus: string;
  terminal: boolean;
  deadlineAt?: string | null;
  riskAt?: string | null;
  atRisk: boolean;
  /** `autoConfirmBeforeDeadline` is on and the order is worked in Haravan: confirm it when it becomes at risk. */
  autoConfirm: boolean;
}

export interface CompletenessFigures {
  seen: number;
  imported: number;
  /** Not in Haravan yet, but its order workflow is running (importing, or waiting in the failure inbox). */
  pending: number;
  /** Neither the event queue nor the sweep had handed them on: dispatched by this check. */
  missing: number;
  /** Of the missing ones, how many were verified imported into Haravan before the check ended. */
  repaired: number;
}

const QUEUE_EVENT_TYPES = ['ORDER_CREATED_SUCCESSFULLY', 'ORDER_STATUS_UPDATED'];
const LOOKUP_SLACK_MS = 10 * 60_000;
const SWEEP_OVERLAP_MS = 5 * 60_000;
/** Time a create call may need to be answered or abandoned: HTTP timeouts and 429 retries (see the module comment). */
const CREATE_FINISH_RESERVE_MS = 180_000;
/** How long a completeness check waits for the orders it dispatched to reach Haravan. */
const REPAIR_WAIT_MS = 120_000;

const itemStatuses = (o: TikiOrder) => o.items.map((i) => i.confirmation?.status ?? null);
const asInput = (o: TikiOrder) => o as unknown as TikiOrderInput;

export function createOrderActivities(deps: ActivityDeps) {
  const { store, clients, logger, temporal, taskQueue } = deps;

  const since = async (connectionId: string): Promise<Date> => {
    const c = await store.getConnection(connectionId);
    const s = c?.config.importOrdersSince ?? c?.connectedAt ?? c?.createdAt;
    return s ? new Date(s) : new Date(0);
  };

  /** Hand one Tiki order to its lifecycle workflow (started if missing; a duplicate start is impossible). */
  async function dispatch(connectionId: string, tikiCode: string, reason: string, status?: string, eventId?: string): Promise<'started-or-signalled' | 'closed'> {
    const shopId = shopIdFromConnectionId(connectionId);
    try {
      await temporal.workflow.signalWithStart('orderWorkflow', {
        taskQueue,
        workflowId: orderWorkflowId(shopId, tikiCode),
        args: [{ connectionId, shopId, tikiCode }],
        signal: tikiOrderEventSignal,
        signalArgs: [{ reason, status, eventId }],
        // A closed run (finished, skipped as too old, stopped by a disconnect) may be followed by a new one: the
        // store mapping, not workflow retention, is what dedupes, so a later event or check is never lost.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        // An order flood of one merchant queues behind its own fairness key (servers with task-queue fairness).
        priority: { fairnessKey: connectionId },
        typedSearchAttributes: [
          { key: SA_SHOP_ID, value: String(shopId) },
          { key: SA_TIKI_ORDER_CODE, value: tikiCode },
        ],
        staticSummary: `Tiki order ${tikiCode} (shop ${shopId})`,
      } as never);
      return 'started-or-signalled';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'closed';
      throw err;
    }
  }

  /** Is the order's lifecycle workflow running now? */
  async function workflowRunning(connectionId: string, tikiCode: string): Promise<boolean> {
    try {
      const d = await temporal.workflow.getHandle(orderWorkflowId(shopIdFromConnectionId(connectionId), tikiCode)).describe();
      return d.status.name === 'RUNNING';
    } catch {
      return false;
    }
  }

  /** Tiki orders created in [from, now) in accepted statuses, compared with the store; missing ones are dispatched. */
  async function completeness(connectionId: string, from: Date, reason: string): Promise<CompletenessFigures> {
    const { tiki } = await clients.forConnection(connectionId);
    const codes: string[] = [];
    for await (const page of tiki.listAllOrders({ createdFrom: floorToSecond(from), status: { nin: [...TIKI_PRE_ACCEPTANCE_STATUSES] } })) {
      for (const o of page.items) if (isImportable(asInput(o), from)) codes.push(String(o.code));
      heartbeat({ seen: codes.length });
    }
    const known = await store.knownOrderCodes(connectionId, codes);
    const missing: string[] = [];
    let pending = 0;
    for (const code of codes) {
      if (known.has(code)) continue;
      if (await workflowRunning(connectionId, code)) {
        // In flight, or failed and waiting in the failure inbox: its order workflow owns it.
        pending++;
        continue;
      }
      missing.push(code);
    }
    for (const code of missing) await dispatch(connectionId, code, reason);
    // Verify: a repaired order is one that actually reached Haravan, not one that was merely handed on.
    let repaired = 0;
    const until = Date.now() + (missing.length > 0 ? REPAIR_WAIT_MS : 0);
    for (;;) {
      repaired = (await store.knownOrderCodes(connectionId, missing)).size;
      if (repaired === missing.length || Date.now() >= until) break;
      heartbeat({ seen: codes.length, missing: missing.length, repaired });
      await activitySleep(1_000);
    }
    return { seen: codes.length, imported: known.size, pending, missing: missing.length, repaired };
  }

  async function orderLocation(connectionId: string): Promise<number | undefined> {
    const c = await store.getConnection(connectionId);
    return c?.config.orderLocationId ?? undefined;
  }

  async function findOrCreateCustomer(c: ConnectionClients, phone: string | null, email: string | null, body: Record<string, unknown>): Promise<number | undefined> {
    for (const q of [phone, email]) {
      if (!q) continue;
      const found = await c.haravan.searchCustomers(q);
      const hit = found.find((x) => sameCustomer(x, phone, email));
      if (hit) return Number(hit.id);
    }
    if (!phone && !email) return undefined;
    try {
      const created = await c.haravan.createCustomer(body as never);
      return Number(created.id);
    } catch (err) {
      // A concurrent import created it first (unique phone/email): look it up again.
      if (err instanceof ConnectorError && err.code === 'VALIDATION') {
        for (const q of [phone, email]) {
          if (!q) continue;
          const found = await c.haravan.searchCustomers(q);
          const hit = found.find((x) => sameCustomer(x, phone, email));
          if (hit) return Number(hit.id);
        }
      }
      throw err;
    }
  }

  function toRecord(o: TikiOrder, mapped: ReturnType<typeof mapTikiOrderToHaravan> | null, prev: OrderRecord | null, hoursBefore: number): OrderRecord {
    const status = ourStatus(o.status, itemStatuses(o));
    const deadline = confirmationDeadline(asInput(o));
    return {
      tikiCode: String(o.code),
      haravanOrderId: prev?.haravanOrderId ?? null,
      status,
      tikiStatus: o.status,
      fulfillmentType: o.fulfillment_type ?? null,
      items:
        mapped?.items.map((i) => ({ tikiSku: i.tikiSku, originalSku: i.sellerProductCode, haravanVariantId: i.haravanVariantId ?? null, quantity: i.quantity, price: i.price, name: i.name })) ??
        prev?.items ??
        [],
      customer: mapped ? { name: mapped.customer.fullName, phone: mapped.customer.phone, email: mapped.customer.email } : (prev?.customer ?? {}),
      warnings: mapped ? [...mapped.warnings] : (prev?.warnings ?? []),
      deadlineAt: deadline ? deadline.toISOString() : null,
      atRisk: isAtRisk(deadline, new Date(), hoursBefore) && !isTerminal(status),
      tikiCreatedAt: parseTikiDateTime(o.created_at)?.toISOString() ?? null,
    };
  }

  /**
   * Bring the Haravan order in line with Tiki's status `next`: every step from a fresh order up to `next`
   * (mirrorActions from `queueing`), each applied only if the Haravan order does not show it yet — so a mirror
   * that was interrupted, or an order created after Tiki had already moved on, is completed by the next call, and
   * repeating a call changes nothing. Callers run it *before* recording `next` in the store, so a failure here
   * leaves the status change pending for the retry. `from` is only for the audit.
   */
  async function applyMirror(connectionId: string, c: ConnectionClients, tikiCode: string, haravanOrderId: number, from: string | null, next: TikiOrder, handledInHaravan: boolean, restock: boolean) {
    const actions = mirrorActions('queueing', next.status, { processOrdersInHaravan: handledInHaravan, restockOnCancel: restock });
    if (actions.length === 0) return;
    const current = await c.haravan.getOrder(haravanOrderId);
    const cancelled = current.cancelled_status === 'cancelled' || !!current.cancelled_at;
    const done: string[] = [];
    for (const a of actions) {
      if (a === 'confirm' && current.confirmed_status !== 'confirmed' && !cancelled) {
        await c.haravan.confirmOrder(haravanOrderId);
        done.push(a);
      }
      if (a === 'fulfill' && !cancelled && current.fulfillment_status !== 'fulfilled') {
        await c.haravan.createFulfillment(haravanOrderId, { locationId: current.location_id ?? (await orderLocation(connectionId)) });
        done.push(a);
      }
      if (a === 'close' && !cancelled && current.closed_status !== 'closed') {
        await c.haravan.closeOrder(haravanOrderId);
        done.push(a);
      }
      if ((a === 'cancel' || a === 'restock-cancel') && !cancelled) {
        await c.haravan.cancelOrder(haravanOrderId, { reason: 'customer', restock: a === 'restock-cancel', note: `Tiki: ${next.cancel_info?.reason_text ?? next.status}` });
        done.push(a);
      }
      const noted = (current.note_attributes ?? []).find((x) => x.name === 'tiki_status')?.value;
      if (a === 'note' && noted !== next.status) {
        const attrs = (current.note_attributes ?? []).filter((x) => x.name !== 'tiki_status').map((x) => ({ name: String(x.name), value: String(x.value ?? '') }));
        await c.haravan.updateOrder(haravanOrderId, { note_attributes: [...attrs, { name: 'tiki_status', value: next.status }] });
        done.push(a);
      }
    }
    if (done.length > 0) await store.audit(connectionId, 'order-mirrored', { tikiCode, from, to: next.status, actions: done });
  }

  async function ensureQueue(connectionId: string): Promise<string> {
    const existing = await store.getCursor(connectionId, 'tiki-queue');
    if (existing) return existing;
    const { tiki } = await clients.forConnection(connectionId);
    const name = `haravan-sync-${shopIdFromConnectionId(connectionId)}`;
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
      try {
        return await ensureQueue(connectionId);
      } catch (err) {
        throw toFailure(err);
      }
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
        // Re-created when missing (e.g. cleared because the Tiki credentials changed owner).
        let queue = (await store.getCursor(connectionId, 'tiki-queue')) || (await ensureQueue(connectionId));
        let recreated = false;
        // The ack id lives in memory between pulls and is stored only after a batch with events was handed on:
        // an empty batch has nothing to acknowledge, so an idle pull costs the one Tiki call and no database work.
        // After a crash the stored ack is that of the last non-empty batch; if a later pull already committed it,
        // it is stale and Tiki re-delivers from the committed cursor (at-least-once; the hand-off is idempotent).
        let ack = await store.getCursor(connectionId, 'tiki-ack');
        while (Date.now() < deadline) {
          const { tiki } = await clients.forConnection(connectionId, { maxAgeMs: POLL_CLIENTS_MAX_AGE_MS });
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
            queue = await ensureQueue(connectionId);
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
            if (rec?.haravanOrderId && isTerminal(rec.status as OurOrderStatus) && ev.status === rec.tikiStatus) continue;
            await dispatch(connectionId, code, 'tiki-event', ev.status, ev.id);
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
        throw toFailure(err);
      }
    },

    /** Safety net: list Tiki orders updated since the last sweep and hand on any that are new or changed. */
    async sweepOrders(connectionId: string): Promise<{ seen: number; dispatched: number }> {
      try {
        const { tiki } = await clients.forConnection(connectionId);
        const sinceAt = await since(connectionId);
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
            await dispatch(connectionId, String(o.code), 'sweep', o.status);
            dispatched++;
          }
          heartbeat({ seen });
        }
        await store.setCursor(connectionId, 'tiki-sweep', started.toISOString());
        return { seen, dispatched };
      } catch (err) {
        throw toFailure(err);
      }
    },

    /**
     * Completeness: compare Tiki's orders created in a window (default the last `windowMs`, never before the
     * import start) with the imported set; dispatch the missing ones and verify they reached Haravan. The
     * figures (seen / imported / pending / missing / repaired) go to the connection status.
     */
    async checkCompleteness(connectionId: string, windowMs: number): Promise<CompletenessFigures> {
      try {
        const from = new Date(Math.max(Date.now() - windowMs, (await since(connectionId)).getTime()));
        const figures = await completeness(connectionId, from, 'completeness');
        await store.setCounters(connectionId, {
          completenessCheckedAt: new Date().toISOString(),
          completenessFrom: from.toISOString(),
          completenessSeen: figures.seen,
          completenessImported: figures.imported,
          completenessPending: figures.pending,
          completenessMissing: figures.missing,
          completenessRepaired: figures.repaired,
        });
        if (figures.repaired > 0) await store.bumpCounters(connectionId, { completenessRepairedTotal: figures.repaired });
        logger.info({ connectionId, ...figures }, 'order completeness');
        return figures;
      } catch (err) {
        throw toFailure(err);
      }
    },

    /** Backfill after `importOrdersSince` is set (at connect or later): import every accepted order created since. */
    async backfillOrders(connectionId: string): Promise<CompletenessFigures> {
      try {
        const figures = await completeness(connectionId, await since(connectionId), 'backfill');
        if (figures.repaired > 0) await store.bumpCounters(connectionId, { backfilledOrders: figures.repaired });
        await store.audit(connectionId, 'orders-backfilled', { ...figures });
        return figures;
      } catch (err) {
        throw toFailure(err);
      }
    },

    /** Import one Tiki order into Haravan exactly once (see the module comment). */
    async importOrder(connectionId: string, tikiCode: string): Promise<ImportResult> {
      const attemptStartedAt = Date.now(); // local clock: no skew against the server's timestamps
      const beat = setInterval(() => heartbeat(), 5_000);
      try {
        const conn = await store.getConnection(connectionId);
        if (!conn) throw ApplicationFailure.nonRetryable(`unknown connection ${connectionId}`, 'CONNECTION_NOT_ACTIVE');
        const c = urgent(await clients.forConnection(connectionId));
        const o = await c.tiki.getOrder(tikiCode);
        const prev = await store.getOrder(connectionId, tikiCode);
        const status = ourStatus(o.status, itemStatuses(o));
        if ((TIKI_PRE_ACCEPTANCE_STATUSES as readonly string[]).includes(o.status)) {
          return { state: 'not-accepted', status, tikiStatus: o.status, terminal: false };
        }
        if (!prev && !isImportable(asInput(o), await since(connectionId))) {
          return { state: 'skipped-old', status, tikiStatus: o.status, terminal: true };
        }
        const hours = conn.config.atRiskHoursBeforeDeadline;
        if (prev?.haravanOrderId) {
          // Already in Haravan (a new workflow run after the previous one closed, a reset, or a re-delivered event):
          // never create again; bring the status up to date and mirror what changed meanwhile (e.g. a return).
          if (prev.tikiStatus !== o.status) await applyMirror(connectionId, c, tikiCode, prev.haravanOrderId, prev.tikiStatus, o, conn.config.processOrdersInHaravan, conn.config.restockOnCancel);
          const rec = await store.upsertOrder(connectionId, { ...toRecord(o, null, prev, hours), haravanOrderId: prev.haravanOrderId });
          return { state: 'imported', haravanOrderId: prev.haravanOrderId, status: rec.status, tikiStatus: rec.tikiStatus, terminal: isTerminal(rec.status as OurOrderStatus), deadlineAt: rec.deadlineAt, riskAt: riskAtOf(rec.deadlineAt, hours) };
        }

        const links = await store.getLinksByTikiKeys(connectionId, o.items.flatMap((i) => [String(i.product.sku ?? ''), String(i.product.seller_product_code ?? '')]).filter(Boolean));
        const index = buildOrderLinkIndex(links);
        const locationId = conn.config.orderLocationId ?? undefined;
        const draft = mapTikiOrderToHaravan({ order: asInput(o), links: index, locationId, connectionId });
        const customerId = await findOrCreateCustomer(c, draft.customer.phone, draft.customer.email, {
          first_name: draft.customer.firstName,
          last_name: draft.customer.lastName,
          phone: draft.customer.phone ?? undefined,
          email: draft.customer.email ?? undefined,
          addresses: [draft.customer.address],
          tags: 'Tiki',
        });
        const mapped = customerId ? mapTikiOrderToHaravan({ order: asInput(o), links: index, locationId, customerId, connectionId }) : draft;

        // Record the attempt *before* calling Haravan: a retry then knows to look for a committed order.
        const attemptAt = prev?.createAttemptedAt ?? new Date().toISOString();
        await store.upsertOrder(connectionId, { ...toRecord(o, mapped, prev, hours), createAttemptedAt: attemptAt });

        // An earlier attempt may have created it (the answer was lost): look it up by its Tiki reference first.
        let haravanOrder = prev?.createAttemptedAt
          ? await c.haravan.findOrderByReference({ tikiCode, createdAtMin: new Date(Date.parse(prev.createAttemptedAt) - LOOKUP_SLACK_MS).toISOString() })
          : null;
        const createdNow = !haravanOrder;
        if (!haravanOrder) {
          // Start the create only while enough of the attempt remains: then it has been answered or abandoned before
          // any later attempt (which can only start once this one has ended) looks the order up.
          const info = Context.current().info;
          const late = Date.now() - attemptStartedAt > Math.max(info.startToCloseTimeoutMs - CREATE_FINISH_RESERVE_MS, info.startToCloseTimeoutMs / 4);
          if (late || Context.current().cancellationSignal.aborted) {
            throw ApplicationFailure.retryable('the create call would start too late in this attempt; the next attempt looks the order up first', 'ORDER_CREATE_DEFERRED');
          }
          haravanOrder = await c.haravan.createOrder(mapped.body as never);
        }
        // The order may have moved on Tiki before it reached Haravan (e.g. already cancelled): mirror it before the
        // mapping is recorded, so a failure here is completed by the retry (which finds the order by reference).
        // A fresh order only needs it when there is more to do than the status note it was created with.
        const mirrorOpts = { processOrdersInHaravan: conn.config.processOrdersInHaravan, restockOnCancel: conn.config.restockOnCancel };
        if (!createdNow || mirrorActions(null, o.status, mirrorOpts).some((a) => a !== 'note')) {
          await applyMirror(connectionId, c, tikiCode, Number(haravanOrder.id), null, o, mirrorOpts.processOrdersInHaravan, mirrorOpts.restockOnCancel);
        }

        await store.patchOrder(connectionId, tikiCode, { haravanOrderId: Number(haravanOrder.id), importedAt: new Date().toISOString() });
        await store.resolveFailures(connectionId, 'order-import', tikiCode);
        await store.audit(connectionId, 'order-imported', { tikiCode, haravanOrderId: haravanOrder.id, warnings: mapped.warnings });
        ordersImportedCounter.inc();
        const placedAt = parseTikiDateTime(o.created_at);
        if (placedAt) orderIntakeHistogram.observe(Math.max(0, Date.now() - placedAt.getTime()) / 1000);

        const rec = (await store.getOrder(connectionId, tikiCode))!;
        return { state: 'imported', haravanOrderId: Number(haravanOrder.id), status, tikiStatus: o.status, terminal: isTerminal(status), deadlineAt: rec.deadlineAt, riskAt: riskAtOf(rec.deadlineAt, hours) };
      } catch (err) {
        const failure = toFailure(err);
        if (failure instanceof ApplicationFailure && failure.nonRetryable) {
          const m = messageFor('ORDER_IMPORT_FAILED');
          await store.recordFailure({
            connectionId,
            kind: 'order-import',
            ref: tikiCode,
            code: failure.type ?? 'ORDER_IMPORT_FAILED',
            message: `${m.en}: ${failure.message}`,
            messageVi: `${m.vi}: ${failure.message}`,
            details: { tikiCode },
          });
        }
        throw failure;
      } finally {
        clearInterval(beat);
      }
    },

    /** Re-read the Tiki order, mirror its change into Haravan, update the read model. */
    async syncOrderStatus(connectionId: string, tikiCode: string): Promise<StatusResult> {
      try {
        const conn = await store.getConnection(connectionId);
        const c = await clients.forConnection(connectionId);
        const o = await c.tiki.getOrder(tikiCode);
        const prev = await store.getOrder(connectionId, tikiCode);
        const hours = conn?.config.atRiskHoursBeforeDeadline ?? 2;
        // Mirror first, then record: a failed mirror leaves the change pending for the retry.
        if (prev?.haravanOrderId && prev.tikiStatus !== o.status) {
          await applyMirror(connectionId, c, tikiCode, prev.haravanOrderId, prev.tikiStatus, o, conn?.config.processOrdersInHaravan ?? true, conn?.config.restockOnCancel ?? true);
        }
        const rec = await store.upsertOrder(connectionId, { ...toRecord(o, null, prev, hours), haravanOrderId: prev?.haravanOrderId ?? null });
        return {
          status: rec.status,
          tikiStatus: rec.tikiStatus,
          terminal: isTerminal(rec.status as OurOrderStatus),
          deadlineAt: rec.deadlineAt,
          riskAt: riskAtOf(rec.deadlineAt, hours),
          atRisk: !!rec.atRisk,
          autoConfirm: !!conn?.config.autoConfirmBeforeDeadline && !!conn?.config.processOrdersInHaravan,
        };
      } catch (err) {
        throw toFailure(err);
      }
    },

    async markAtRisk(connectionId: string, tikiCode: string, atRisk: boolean): Promise<void> {
      await store.patchOrder(connectionId, tikiCode, { atRisk });
      if (atRisk) await store.audit(connectionId, 'order-at-risk', { tikiCode });
    },

    /** The import failed for good (non-retryable, or retries exhausted): make sure it is in the failure inbox. */
    async recordImportFailure(connectionId: string, tikiCode: string, code: string, detail: string): Promise<void> {
      const m = messageFor('ORDER_IMPORT_FAILED');
      await store.recordFailure({
        connectionId,
        kind: 'order-import',
        ref: tikiCode,
        code,
        message: `${m.en}: ${detail}`,
        messageVi: `${m.vi}: ${detail}`,
        details: { tikiCode },
      });
    },

    /**
     * A merchant action (print label, ready to ship, cancel): the Tiki call(s), then the Haravan order, so
     * both agree. Retry-safe: a state transition that already landed on Tiki (the previous attempt timed
     * out after Tiki applied it) is detected by re-reading the order and not repeated.
     */
    async runOrderAction(connectionId: string, tikiCode: string, action: OrderAction, reason?: string): Promise<OrderActionResult> {
      try {
        const conn = await store.getConnection(connectionId);
        if (!conn) throw ApplicationFailure.nonRetryable('unknown connection', 'CONNECTION_NOT_ACTIVE');
        if (!conn.config.processOrdersInHaravan) {
          throw ApplicationFailure.nonRetryable(messageFor('PROCESSED_ON_TIKI').en, 'PROCESSED_ON_TIKI');
        }
        const c = urgent(await clients.forConnection(connectionId));
        let o = await c.tiki.getOrder(tikiCode);
        const attempt = Context.current().info.attempt;
        const decision = allowedAction(action, { fulfillmentType: o.fulfillment_type ?? '', status: o.status, itemConfirmationStatuses: itemStatuses(o) });
        let labelUrl: string | undefined;
        if (!decision.ok) {
          if (!(attempt > 1 && alreadyApplied(action, o))) {
            throw ApplicationFailure.create({ message: messageFor('INVALID_ORDER_STATE').en + ` (Tiki status ${o.status})`, type: 'INVALID_ORDER_STATE', nonRetryable: true });
          }
        } else {
          for (const call of decision.calls) {
            const url = await performTikiCall(c, o, call);
            if (url) labelUrl = url;
            if (call !== 'label') o = await c.tiki.getOrder(tikiCode);
          }
        }
        o = await c.tiki.getOrder(tikiCode);
        const prev = await store.getOrder(connectionId, tikiCode);

        // Then Haravan, so both sides agree — before the new status is recorded, so that if Haravan keeps failing,
        // the status change stays pending and the order workflow's next sync mirrors it (cancellations included).
        const haravanOrderId = prev?.haravanOrderId;
        if (haravanOrderId) {
          const h = await c.haravan.getOrder(haravanOrderId);
          if (action === 'ready-to-ship' && h.confirmed_status !== 'confirmed') await c.haravan.confirmOrder(haravanOrderId);
          if (action === 'print-label') {
            if (h.confirmed_status !== 'confirmed') await c.haravan.confirmOrder(haravanOrderId);
            const attrs = (h.note_attributes ?? []).filter((x) => x.name !== 'tiki_label_url').map((x) => ({ name: String(x.name), value: String(x.value ?? '') }));
            if (labelUrl) await c.haravan.updateOrder(haravanOrderId, { note_attributes: [...attrs, { name: 'tiki_label_url', value: labelUrl }] });
          }
          if (action === 'cancel' && h.cancelled_status !== 'cancelled') {
            await c.haravan.cancelOrder(haravanOrderId, { reason: 'other', restock: conn.config.restockOnCancel, note: reason ? `Hủy trên Tiki: ${reason}` : 'Hủy trên Tiki' });
          }
        }
        const rec = await store.upsertOrder(connectionId, { ...toRecord(o, null, prev, conn.config.atRiskHoursBeforeDeadline), labelUrl: labelUrl ?? prev?.labelUrl ?? null });
        await store.audit(connectionId, 'order-action', { tikiCode, action, reason, tikiStatus: o.status });
        return { action, tikiStatus: o.status, status: rec.status, labelUrl: labelUrl ?? rec.labelUrl ?? undefined };
      } catch (err) {
        throw toFailure(err);
      }
    },
  };

  async function performTikiCall(c: ConnectionClients, o: TikiOrder, call: TikiCall): Promise<string | undefined> {
    const code = String(o.code);
    const sellerInventoryId = async () => {
      const wh = o.tiki_warehouse?.code;
      if (wh) {
        const inv = await c.tiki.getSellerInventories([wh]);
        const id = inv.seller_inventories?.[0]?.id;
        if (id) return Number(id);
      }
      const warehouses = await c.tiki.listWarehouses();
      if (!warehouses[0]) throw ApplicationFailure.nonRetryable('the Tiki seller has no warehouse', 'INVALID_ORDER_STATE');
      return Number(warehouses[0].id);
    };
    const waitingItemIds = o.items.filter((i) => (i.confirmation?.status ?? 'waiting') !== 'seller_canceled').map((i) => Number(i.id));
    switch (call) {
      case 'confirm-available':
        await c.tiki.confirmAvailable(code, { availableItemIds: waitingItemIds, sellerInventoryId: await sellerInventoryId() });
        return undefined;
      case 'dropship-confirm': {
        const slots = await c.tiki.getPickupSlots();
        const slot = slots.pickup_slots?.[0]?.expected_pickup_time ?? toTikiDateTime(new Date(Date.now() + 24 * 3600_000));
        await c.tiki.dropshipConfirmAvailable(code, { confirmationStatus: 'seller_confirmed', sellerInventoryId: await sellerInventoryId(), expectedPickupTime: slot });
        return undefined;
      }
      case 'label':
        return (await c.tiki.getLabel(code, o.fulfillment_type ?? 'tiki_delivery')).url;
      case 'decline-all':
        if (o.fulfillment_type === 'dropship') {
          await c.tiki.dropshipConfirmAvailable(code, { confirmationStatus: 'seller_canceled', sellerInventoryId: await sellerInventoryId(), expectedPickupTime: toTikiDateTime(new Date()) });
        } else {
          await c.tiki.confirmAvailable(code, { availableItemIds: [], sellerInventoryId: await sellerInventoryId() });
        }
        return undefined;
      case 'failed-delivery':
        await c.tiki.updateSellerDelivery(code, { status: 'failed_delivery', failureCause: 'out_of_stock' });
        return undefined;
    }
  }
}

/** After a timed-out attempt, did the action's effect already land on Tiki? */
function alreadyApplied(action: OrderAction, o: TikiOrder): boolean {
  const statuses = itemStatuses(o);
  if (action === 'cancel') return o.status === 'canceled' || statuses.every((s) => s === 'seller_canceled');
  if (action === 'ready-to-ship') return statuses.some((s) => s === 'seller_confirmed' || s === 'ready_to_pick' || s === 'confirmed');
  return false;
}

function normalizeDigits(v: unknown): string {
  return String(v ?? '').replace(/\D/g, '').replace(/^84/, '0');
}

/** The same buyer: same phone (digits, `84` read as `0`) or same email (case-insensitive). */
function sameCustomer(x: { phone?: unknown; email?: unknown }, phone: string | null, email: string | null): boolean {
  if (phone && normalizeDigits(x.phone) === normalizeDigits(phone)) return true;
  return !!email && typeof x.email === 'string' && x.email.toLowerCase() === email.toLowerCase();
}

/** Order imports and merchant actions go ahead of background stock reads in the shop's Haravan call budget. */
function urgent(c: ConnectionClients): ConnectionClients {
  return { ...c, haravan: c.haravan.withPriority('high') };
}

function riskAtOf(deadlineAt: string | null | undefined, hoursBefore: number): string | null {
  if (!deadlineAt) return null;
  return new Date(Date.parse(deadlineAt) - hoursBefore * 3600_000).toISOString();
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
