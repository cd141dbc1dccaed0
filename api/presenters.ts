/** Store records → the API's shapes (the response schemas of api/schemas.ts, served as /openapi.json). Never any credential. */
import type { ConnectionRecord, FailureRecord, LinkRecord, LinkRunRecord, OrderRecord, SyncErrorRecord } from '../store/types';
import type { ConnectionStatus } from '../workflows/definitions';

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export function presentConnection(
  c: ConnectionRecord,
  counts: { linkedVariants: number; linkedProducts: number; syncErrors: number; ordersImported: number },
  live?: ConnectionStatus | null,
) {
  const state = live?.state ?? c.state;
  const attention = live?.attention ?? c.attention ?? undefined;
  const k = c.counters ?? {};
  return {
    id: c.id,
    shopId: c.shopId,
    state,
    attention: state === 'attention' || state === 'failed' ? attention && { code: attention.code, message: attention.message, messageVi: attention.messageVi } : undefined,
    config: live?.config ?? c.config,
    counts: state === 'disconnected' ? { ...counts, linkedVariants: 0, linkedProducts: 0, syncErrors: 0 } : counts,
    lastStockPush: opt(c.lastStockPush),
    latency:
      k.stockLatencyP50Ms !== undefined
        ? {
            // Haravan change seen by the poll → Tiki write confirmed.
            stockP50Ms: Number(k.stockLatencyP50Ms),
            stockP95Ms: Number(k.stockLatencyP95Ms),
            samples: Number(k.stockLatencySamples ?? 0),
            // Haravan's updated_at of the change → Tiki write confirmed (includes the polling delay).
            stockFromChangeP50Ms: k.stockChangeLatencyP50Ms !== undefined ? Number(k.stockChangeLatencyP50Ms) : undefined,
            stockFromChangeP95Ms: k.stockChangeLatencyP95Ms !== undefined ? Number(k.stockChangeLatencyP95Ms) : undefined,
          }
        : undefined,
    reconcile: k.lastReconcileAt ? { lastAt: k.lastReconcileAt, drifted: k.lastReconcileDrifted } : undefined,
    orderCompleteness: k.completenessCheckedAt
      ? {
          checkedAt: k.completenessCheckedAt,
          from: k.completenessFrom,
          seen: k.completenessSeen,
          imported: k.completenessImported,
          pending: k.completenessPending ?? 0,
          missing: k.completenessMissing,
          repaired: k.completenessRepaired ?? 0,
          repairedTotal: k.completenessRepairedTotal ?? 0,
        }
      : undefined,
    activeLinkRunId: live?.activeLinkRunId,
    tikiSeller: c.tikiSeller ? { id: c.tikiSeller.id, name: c.tikiSeller.name, warehouseIds: c.tikiSeller.warehouseIds } : undefined,
    workflowId: c.workflowId,
    createdAt: c.createdAt,
    connectedAt: opt(c.connectedAt),
    disconnectedAt: opt(c.disconnectedAt),
  };
}

export function presentLinkRun(r: LinkRunRecord) {
  return {
    runId: r.runId,
    state: r.state,
    dryRun: r.dryRun,
    processed: r.processed,
    total: r.total,
    linked: r.linked,
    errors: r.errors,
    warnings: r.warnings,
    startedAt: r.startedAt,
    finishedAt: opt(r.finishedAt),
    error: opt(r.error as object | null),
    outcomes: r.dryRun ? opt(r.outcomes) : undefined,
  };
}

export function presentLink(l: LinkRecord) {
  return {
    haravanProductId: l.haravanProductId,
    haravanVariantId: l.haravanVariantId,
    barcode: l.barcode,
    tikiSku: l.tikiSku,
    tikiProductId: l.tikiProductId,
    lastPushedQuantity: opt(l.lastPushedQuantity),
    lastPushedPrice: opt(l.lastPushedPrice),
    lastPushedAt: opt(l.lastPushedAt),
    converged: opt(l.converged),
    lastVerifiedAt: opt(l.lastVerifiedAt),
    priceBlocked: l.priceBlocked || undefined,
  };
}

export function presentSyncError(e: SyncErrorRecord) {
  return {
    code: e.code,
    severity: e.severity,
    haravanProductId: opt(e.haravanProductId),
    haravanVariantId: opt(e.haravanVariantId),
    barcode: opt(e.barcode),
    message: e.message,
    messageVi: e.messageVi,
    at: e.at,
  };
}

export function presentOrder(o: OrderRecord) {
  return {
    tikiCode: o.tikiCode,
    haravanOrderId: opt(o.haravanOrderId),
    status: o.status,
    tikiStatus: o.tikiStatus,
    fulfillmentType: opt(o.fulfillmentType),
    items: o.items.map((i) => ({ tikiSku: i.tikiSku, originalSku: opt(i.originalSku), haravanVariantId: opt(i.haravanVariantId), quantity: i.quantity, price: i.price, name: i.name })),
    customer: { name: o.customer.name ?? null, phone: o.customer.phone ?? null, email: o.customer.email ?? null },
    warnings: o.warnings,
    atRisk: !!o.atRisk,
    deadlineAt: opt(o.deadlineAt),
    labelUrl: opt(o.labelUrl),
    tikiCreatedAt: opt(o.tikiCreatedAt),
    importedAt: opt(o.importedAt),
  };
}

export function presentFailure(f: FailureRecord) {
  return { id: f.id, kind: f.kind, code: f.code, message: f.message, messageVi: f.messageVi, attempts: f.attempts, firstAt: f.firstAt, lastAt: f.lastAt, ref: f.ref };
}
