/** A link run's outcomes as store rows: the links it made and the sync errors it found. */
import { isPriceBlocked, type LinkOutcome } from '../../domain/linking';
import type { LinkRecord, SyncErrorRecord } from '../../store/types';

export function toLinkRecord(o: LinkOutcome & Required<Pick<LinkOutcome, 'link'>>, marketPrice: ReadonlyMap<number, number>): LinkRecord {
  return {
    haravanProductId: o.haravanProductId,
    haravanVariantId: o.haravanVariantId,
    barcode: o.link.barcode,
    tikiSku: o.link.tikiSku,
    tikiProductId: o.link.tikiProductId,
    tikiMarketPrice: marketPrice.get(o.link.tikiProductId) ?? null,
    priceBlocked: isPriceBlocked(o),
  };
}

export function toSyncErrors(o: LinkOutcome): SyncErrorRecord[] {
  return o.issues.map((i) => ({
    code: i.code,
    severity: i.severity,
    haravanProductId: o.haravanProductId,
    haravanVariantId: o.haravanVariantId,
    barcode: o.barcode,
    message: i.message,
    messageVi: i.messageVi,
  }));
}
