/**
 * What one execution of planned pushes records in the audit trail (domain/audit.ts): each planned push gets one
 * outcome — pushed (with what was written and when Tiki confirmed it), unchanged, skipped, superseded, failed, or
 * interrupted when the push stopped before it — and all of them go to the store in one call at the end.
 */
import type { Logger } from 'pino';
import { stockFingerprint, type StockAuditDetails, type StockAuditKind } from '../../domain/audit';
import type { WarehouseQuantity } from '../../domain/stock';
import type { AuditRecord, Store } from '../../store/store';
import { failureCode } from '../errors';
import type { PlannedPush } from './types';

/** Kinds whose repeats are left out while nothing changed (domain/audit.ts AUDIT_REPEAT_MS). */
const REPEATING: ReadonlySet<StockAuditKind> = new Set(['stock-unchanged', 'stock-skipped-refused']);

const pairs = <K>(m: ReadonlyMap<K, number> | undefined): [K, number][] => [...(m ?? new Map<K, number>()).entries()];

export function detailsOf(p: PlannedPush, extra: Partial<StockAuditDetails> = {}): StockAuditDetails {
  const { read } = p;
  return {
    tikiSku: p.link.tikiSku,
    barcode: p.link.barcode,
    tikiProductId: p.link.tikiProductId,
    haravan: { readAt: new Date(p.readAt).toISOString(), tracked: read.tracked, policy: read.policy, inventoryQuantity: read.inventoryQuantity, price: read.price, locations: read.locations },
    explanation: p.explanation,
    reservations: { held: pairs(p.held), addBack: pairs(p.addBack) },
    target: p.target,
    reference: p.reference,
    verified: p.current !== undefined,
    ...extra,
  };
}

export function stockAudit(planned: readonly PlannedPush[]) {
  // Keyed by link: the write queue holds copies of the planned pushes (a read-back may change their target).
  const outcomes = new Map<PlannedPush['link'], { p: PlannedPush; kind: StockAuditKind; extra?: Partial<StockAuditDetails> }>();
  const sent = new Map<PlannedPush['link'], WarehouseQuantity[] | undefined>();
  return {
    /** The outcome of one planned push (the last one set wins). */
    mark(p: PlannedPush, kind: StockAuditKind, extra?: Partial<StockAuditDetails>) {
      outcomes.set(p.link, { p, kind, extra });
    },
    /** What is about to be sent for `p` (its warehouse rows). */
    sending(p: PlannedPush, warehouses: WarehouseQuantity[] | undefined) {
      sent.set(p.link, warehouses);
    },
    /** Tiki confirmed the write of `p` just now. */
    confirmed(p: PlannedPush) {
      const w = sent.get(p.link);
      outcomes.set(p.link, {
        p,
        kind: 'stock-pushed',
        extra: { written: { quantity: p.change.quantity, price: p.change.price, warehouses: w?.map((r) => [r.warehouseId, r.qtyAvailable]) }, confirmedAt: new Date().toISOString() },
      });
    },
    /** Record every planned push's outcome in one store call; a push without one was interrupted by `error`. */
    async flush(store: Store, logger: Logger, connectionId: string, error?: unknown) {
      const records: AuditRecord[] = planned.map((planned) => {
        const o = outcomes.get(planned.link) ?? { p: planned, kind: 'stock-interrupted' as const, extra: { code: failureCode(error) ?? 'PUSH_INTERRUPTED' } };
        const { p } = o;
        const details = detailsOf(p, o.extra);
        return { subjectType: 'variant', subjectId: String(p.link.haravanVariantId), kind: o.kind, details, fingerprint: REPEATING.has(o.kind) ? stockFingerprint(o.kind, details) : undefined };
      });
      // The trail explains the pushes; a failure to write it must not undo or repeat them.
      await store.recordAudit(connectionId, records).catch((err: unknown) => logger.warn({ connectionId, err: String(err) }, 'could not record the stock audit'));
    },
  };
}

export type StockAudit = ReturnType<typeof stockAudit>;
