/**
 * Exactly-once import of a Tiki order into Haravan.
 *
 * The store mapping is checked first; the create attempt is recorded *before* the Haravan call. The create call
 * itself follows the protocol of create.ts (rules in domain/order-create.ts): an earlier create whose outcome is
 * unknown (a timeout, a connection broken after the body was sent, a 5xx) is never followed by a new one until the
 * settle window — longer than Haravan's own request deadline — has passed and several look-ups by the Tiki
 * reference have not found it. A later attempt can only start once the previous one has ended: it failed, it
 * passed its start-to-close timeout, or its worker died (heartbeat timeout — a live attempt heartbeats on a timer,
 * so only a dead process misses it, and a dead process sends nothing more). The create call is only *sent* while at
 * least CREATE_FINISH_RESERVE_MS of the start-to-close timeout remain (domain/order-import.ts; the deadline also
 * bounds its wait in the shop's rate limiter), so it has been answered or abandoned before any later attempt looks
 * the order up. After an ambiguous create the duplicate repair (duplicates.ts) runs. One workflow per Tiki order
 * (fixed id) makes concurrent imports of the same order impossible; the store mapping outlives workflow retention.
 */
import { heartbeat, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { messageWithFacts, type RefusalFacts } from '../../domain/messages';
import { createSettingsFrom } from '../../domain/order-create';
import { createSendDeadline } from '../../domain/order-import';
import { mirrorActions } from '../../domain/order-mirror';
import { TIKI_PRE_ACCEPTANCE_STATUSES, ourStatus } from '../../domain/order-status';
import { buildOrderLinkIndex, isImportable, mapTikiOrderToHaravan } from '../../domain/orders';
import { redactVendorText } from '../../domain/redact';
import { parseTikiDateTime } from '../../domain/tiki-time';
import { orderIntakeLatencyMs } from '../../domain/overview-charts';
import { isTerminal } from '../../domain/terms';
import { orderLocationFor } from '../../domain/warehouse-map';
import type { ActivityDeps } from '../context';
import { failureCode, isPermanent, refusalFacts } from '../errors';
import { orderIntakeHistogram, ordersImportedCounter } from '../metrics';
import { createExactlyOnce } from './create';
import { withCustomer } from './customers';
import { LOOKUP_SLACK_MS, repairDuplicates } from './duplicates';
import type { Mirror } from './mirror';
import { asInput, importStart, itemStatuses, riskAtOf, toRecord, urgent } from './records';
import { nudgeStock } from './stock-nudge';
import type { ImportResult } from './types';

/** Time a create call may need to be answered or abandoned: HTTP timeouts and 429 retries (see the module comment). */
const CREATE_FINISH_RESERVE_MS = 180_000;

export function createImportActivities(deps: ActivityDeps, { applyMirror }: Mirror) {
  const { store, clients } = deps;

  /**
   * The inbox entry carries our words, the code and at most the HTTP status and the vendor's error code (`facts`);
   * `detail` (the vendor's or the socket's text) only goes to the log, redacted.
   */
  async function recordImportFailure(connectionId: string, tikiCode: string, code: string, detail: string, facts: RefusalFacts = {}): Promise<void> {
    deps.logger.warn({ connectionId, tikiCode, code, detail: redactVendorText(detail) }, 'order import failed');
    await store.recordOrderStep(connectionId, tikiCode, 'order-import-failed', { code, ...facts });
    await store.recordFailure({
      connectionId,
      kind: 'order-import',
      ref: tikiCode,
      code,
      ...messageWithFacts('ORDER_IMPORT_FAILED', { ...facts, code }),
      details: { tikiCode },
    });
  }

  return {
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
        await store.recordOrderStep(connectionId, tikiCode, 'order-seen', { tikiStatus: o.status, placedAt: o.created_at }, { once: true });
        if ((TIKI_PRE_ACCEPTANCE_STATUSES as readonly string[]).includes(o.status)) {
          return { state: 'not-accepted', status, tikiStatus: o.status, terminal: false };
        }
        if (!prev && !isImportable(asInput(o), importStart(conn))) {
          await store.recordOrderStep(connectionId, tikiCode, 'order-skipped-old', { placedAt: o.created_at, importStart: importStart(conn) }, { once: true });
          return { state: 'skipped-old', status, tikiStatus: o.status, terminal: true };
        }
        const hours = conn.config.atRiskHoursBeforeDeadline;
        if (prev?.haravanOrderId) {
          // Already in Haravan (a new workflow run after the previous one closed, a reset, or a re-delivered event):
          // never create again; bring the status up to date and mirror what changed meanwhile (e.g. a return).
          if (prev.tikiStatus !== o.status) await applyMirror(connectionId, c, tikiCode, prev.haravanOrderId, prev.tikiStatus, o, conn.config.processOrdersInHaravan, conn.config.restockOnCancel);
          const rec = await store.upsertOrder(connectionId, { ...toRecord(o, null, prev, hours), haravanOrderId: prev.haravanOrderId });
          if (prev.tikiStatus !== o.status) await store.recordOrderStep(connectionId, tikiCode, 'order-status-changed', { from: prev.tikiStatus, to: o.status, status: rec.status });
          await nudgeStock(deps, connectionId, conn.shopId, tikiCode, prev, rec);
          return { state: 'imported', haravanOrderId: prev.haravanOrderId, status: rec.status, tikiStatus: rec.tikiStatus, terminal: isTerminal(rec.status), deadlineAt: rec.deadlineAt, riskAt: riskAtOf(rec.deadlineAt, hours) };
        }

        const links = await store.getLinksByTikiKeys(connectionId, o.items.flatMap((i) => [String(i.product.sku ?? ''), String(i.product.seller_product_code ?? '')]).filter(Boolean));
        const index = buildOrderLinkIndex(links);
        // Under a warehouse mapping, the region of the warehouse Tiki reserved the units in (domain/warehouse-map.ts).
        const locationId = orderLocationFor(conn.config, o.items[0]?.seller_inventory_id ?? o.seller_warehouse?.id);
        const draft = mapTikiOrderToHaravan({ order: asInput(o), links: index, locationId, connectionId });
        const attemptAt = prev?.createAttemptedAt ?? new Date().toISOString();
        const buyer = {
          phone: draft.customer.phone,
          email: draft.customer.email,
          body: { first_name: draft.customer.firstName, last_name: draft.customer.lastName, phone: draft.customer.phone ?? undefined, email: draft.customer.email ?? undefined, addresses: [draft.customer.address], tags: 'Tiki' },
        };
        const info = Context.current().info;
        // A remembered customer id that Haravan refuses (gone since) is replaced once (customers.ts); a refused
        // create did not commit, so creating again with the new id is safe.
        const { created, mapped } = await withCustomer(store, connectionId, c, buyer, async (customerId) => {
          const mapped = customerId ? mapTikiOrderToHaravan({ order: asInput(o), links: index, locationId, customerId, connectionId }) : draft;
          // Record the attempt *before* calling Haravan: a retry then knows to look for a committed order.
          await store.upsertOrder(connectionId, { ...toRecord(o, mapped, prev, hours), createAttemptedAt: attemptAt });
          // The create protocol (create.ts): an earlier create whose outcome is unknown is waited out and looked up first.
          const created = await createExactlyOnce({
            store,
            haravan: c.haravan,
            connectionId,
            tikiCode,
            body: mapped.body as never,
            attemptedAt: attemptAt,
            earlierAttempt: !!prev?.createAttemptedAt,
            sendBy: createSendDeadline(attemptStartedAt, info.startToCloseTimeoutMs, CREATE_FINISH_RESERVE_MS),
            settings: createSettingsFrom(process.env),
          });
          return { created, mapped };
        });
        let haravanOrder = created.order;
        const createdNow = created.createdNow;
        if (created.ambiguous) {
          // Haravan may have performed the unanswered create after all, besides the one found or made now.
          const all = await c.haravan.findOrdersByReference({ tikiCode, createdAtMin: new Date(Date.parse(attemptAt) - LOOKUP_SLACK_MS).toISOString() });
          const { kept } = await repairDuplicates(store, c.haravan, connectionId, tikiCode, all.some((x) => x.id === haravanOrder.id) ? all : [...all, haravanOrder]);
          if (kept) haravanOrder = kept;
        }
        // The order may have moved on Tiki before it reached Haravan (e.g. already cancelled): mirror it before the
        // mapping is recorded, so a failure here is completed by the retry (which finds the order by reference).
        // A fresh order only needs it when there is more to do than the status note it was created with.
        const mirrorOpts = { processOrdersInHaravan: conn.config.processOrdersInHaravan, restockOnCancel: conn.config.restockOnCancel };
        if (!createdNow || mirrorActions(null, o.status, mirrorOpts).some((a) => a !== 'note')) {
          await applyMirror(connectionId, c, tikiCode, Number(haravanOrder.id), null, o, mirrorOpts.processOrdersInHaravan, mirrorOpts.restockOnCancel);
        }

        await store.patchOrder(connectionId, tikiCode, { haravanOrderId: Number(haravanOrder.id), importedAt: new Date().toISOString() });
        await store.markCreateSent(connectionId, tikiCode, null);
        await store.resolveFailures(connectionId, 'order-import', tikiCode);
        await store.recordOrderStep(connectionId, tikiCode, 'order-imported', { haravanOrderId: haravanOrder.id, createdNow, ambiguous: created.ambiguous, warnings: mapped.warnings });
        ordersImportedCounter.inc();
        const placedAt = parseTikiDateTime(o.created_at);
        if (placedAt) orderIntakeHistogram.observe(orderIntakeLatencyMs(placedAt.getTime(), Date.now()) / 1000);

        const rec = (await store.getOrder(connectionId, tikiCode))!;
        // Haravan now commits the order's units: the stock target adds back what Tiki still reserves for it.
        await nudgeStock(deps, connectionId, conn.shopId, tikiCode, null, rec);
        return { state: 'imported', haravanOrderId: Number(haravanOrder.id), status, tikiStatus: o.status, terminal: isTerminal(status), deadlineAt: rec.deadlineAt, riskAt: riskAtOf(rec.deadlineAt, hours) };
      } catch (err) {
        // A permanent failure goes to the failure inbox at once (the worker's interceptor types it on the way out).
        if (isPermanent(err)) await recordImportFailure(connectionId, tikiCode, failureCode(err) ?? 'ORDER_IMPORT_FAILED', String((err as Error).message), refusalFacts(err));
        throw err;
      } finally {
        clearInterval(beat);
      }
    },

    /** The import failed for good (non-retryable, or retries exhausted): make sure it is in the failure inbox. */
    recordImportFailure,
  };
}
