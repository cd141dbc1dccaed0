/** Mirroring Tiki's status changes into the Haravan order, and the status read of the order workflow. */
import type { TikiOrder } from '../../connectors/tiki/schemas';
import { haravanOrderState, pendingMirrorSteps } from '../../domain/order-effects';
import { mirrorActions } from '../../domain/order-mirror';
import { isTerminal } from '../../domain/terms';
import type { ActivityDeps, ConnectionClients } from '../context';
import { riskAtOf, toRecord } from './records';
import { nudgeStock } from './stock-nudge';
import type { StatusResult } from './types';

export function createMirror({ store }: Pick<ActivityDeps, 'store'>) {
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
    const steps = pendingMirrorSteps(actions, haravanOrderState(current), next.status);
    for (const a of steps) {
      if (a === 'confirm') await c.haravan.confirmOrder(haravanOrderId);
      if (a === 'fulfill') {
        const locationId = current.location_id ?? (await store.getConnection(connectionId))?.config.orderLocationId ?? undefined;
        await c.haravan.createFulfillment(haravanOrderId, { locationId });
      }
      if (a === 'close') await c.haravan.closeOrder(haravanOrderId);
      if (a === 'cancel' || a === 'restock-cancel') {
        await c.haravan.cancelOrder(haravanOrderId, { reason: 'customer', restock: a === 'restock-cancel', note: `Tiki: ${next.cancel_info?.reason_text ?? next.status}` });
      }
      if (a === 'note') {
        const attrs = (current.note_attributes ?? []).filter((x) => x.name !== 'tiki_status').map((x) => ({ name: String(x.name), value: String(x.value ?? '') }));
        await c.haravan.updateOrder(haravanOrderId, { note_attributes: [...attrs, { name: 'tiki_status', value: next.status }] });
      }
    }
    if (steps.length > 0) await store.recordOrderStep(connectionId, tikiCode, 'order-mirrored', { from, to: next.status, actions: steps });
  }
  return { applyMirror };
}

export type Mirror = ReturnType<typeof createMirror>;

export function createStatusActivities(deps: ActivityDeps, { applyMirror }: Mirror) {
  const { store, clients } = deps;
  return {
    /** Re-read the Tiki order, mirror its change into Haravan, update the read model. */
    async syncOrderStatus(connectionId: string, tikiCode: string): Promise<StatusResult> {
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
      if (prev && prev.tikiStatus !== o.status) await store.recordOrderStep(connectionId, tikiCode, 'order-status-changed', { from: prev.tikiStatus, to: o.status, status: rec.status });
      if (conn && prev?.haravanOrderId) await nudgeStock(deps, connectionId, conn.shopId, tikiCode, prev, rec);
      return {
        status: rec.status,
        tikiStatus: rec.tikiStatus,
        terminal: isTerminal(rec.status),
        deadlineAt: rec.deadlineAt,
        riskAt: riskAtOf(rec.deadlineAt, hours),
        atRisk: !!rec.atRisk,
        autoConfirm: !!conn?.config.autoConfirmBeforeDeadline && !!conn?.config.processOrdersInHaravan,
      };
    },

    async markAtRisk(connectionId: string, tikiCode: string, atRisk: boolean): Promise<void> {
      await store.patchOrder(connectionId, tikiCode, { atRisk });
      if (atRisk) await store.recordOrderStep(connectionId, tikiCode, 'order-at-risk');
    },
  };
}
