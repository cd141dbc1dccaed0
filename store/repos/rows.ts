/** Row mappers: database rows (snake_case, BIGINT, timestamptz) to the store's records. */
import type { ConnectionRecord, FailureRecord, LinkRecord, LinkRunRecord, OrderRecord, SyncErrorRecord } from '../types';

export type Row = Record<string, any>;

export const iso = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

export function toConnection(r: Row): ConnectionRecord {
  return {
    id: r.id,
    shopId: Number(r.shop_id),
    state: r.state,
    workflowId: r.workflow_id,
    config: r.config,
    attention: r.attention ?? null,
    tikiSeller: r.tiki_seller ?? null,
    counters: r.counters ?? {},
    lastStockPush: r.last_stock_push ?? null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    connectedAt: iso(r.connected_at),
    disconnectedAt: iso(r.disconnected_at),
  };
}

export function toLink(r: Row): LinkRecord {
  return {
    haravanProductId: Number(r.haravan_product_id),
    haravanVariantId: Number(r.haravan_variant_id),
    barcode: r.barcode,
    tikiSku: r.tiki_sku,
    tikiProductId: Number(r.tiki_product_id),
    tikiMarketPrice: r.tiki_market_price == null ? null : Number(r.tiki_market_price),
    priceBlocked: r.price_blocked,
    lastPushedQuantity: r.last_pushed_quantity == null ? null : Number(r.last_pushed_quantity),
    lastPushedPrice: r.last_pushed_price == null ? null : Number(r.last_pushed_price),
    lastPushedSplit: Array.isArray(r.last_pushed_split) ? r.last_pushed_split.map((x: { w: unknown; q: unknown }) => ({ warehouseId: Number(x.w), qtyAvailable: Number(x.q) })) : null,
    lastPushedAt: iso(r.last_pushed_at),
    converged: r.converged,
    lastVerifiedAt: iso(r.last_verified_at),
  };
}

export function toSyncError(r: Row): SyncErrorRecord {
  return {
    code: r.code,
    severity: r.severity,
    haravanProductId: r.haravan_product_id == null ? null : Number(r.haravan_product_id),
    haravanVariantId: Number(r.haravan_variant_id) || null,
    barcode: r.barcode,
    message: r.message,
    messageVi: r.message_vi,
    at: iso(r.at)!,
  };
}

export function toLinkRun(r: Row): LinkRunRecord {
  return {
    runId: r.run_id,
    connectionId: r.connection_id,
    state: r.state,
    dryRun: r.dry_run,
    scope: r.scope,
    processed: r.processed,
    total: r.total,
    linked: r.linked,
    errors: r.errors,
    warnings: r.warnings,
    outcomes: r.outcomes,
    error: r.error,
    startedAt: iso(r.started_at)!,
    finishedAt: iso(r.finished_at),
  };
}

export function toOrder(r: Row): OrderRecord {
  return {
    tikiCode: r.tiki_code,
    haravanOrderId: r.haravan_order_id == null ? null : Number(r.haravan_order_id),
    status: r.status,
    tikiStatus: r.tiki_status,
    fulfillmentType: r.fulfillment_type,
    items: r.items,
    customer: r.customer,
    warnings: r.warnings,
    deadlineAt: iso(r.deadline_at),
    atRisk: r.at_risk,
    labelUrl: r.label_url,
    tikiCreatedAt: iso(r.tiki_created_at),
    createAttemptedAt: iso(r.create_attempted_at),
    createSentAt: iso(r.create_sent_at),
    importedAt: iso(r.imported_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export function toFailure(r: Row): FailureRecord {
  return {
    id: r.id,
    connectionId: r.connection_id,
    kind: r.kind,
    ref: r.ref,
    code: r.code,
    message: r.message,
    messageVi: r.message_vi,
    attempts: r.attempts,
    firstAt: iso(r.first_at)!,
    lastAt: iso(r.last_at)!,
    resolvedAt: iso(r.resolved_at),
    details: r.details,
  };
}
