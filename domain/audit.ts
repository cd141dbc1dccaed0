/**
 * The audit trail per linked variant and per Tiki order ("Vì sao Tiki hiển thị số này?"): the kinds of entries,
 * what a stock entry holds, how long entries are kept, and when an entry repeating its subject's last one is left out.
 *
 * - A stock entry is written for each planned push of a variant: what was read from Haravan (per location), the §4
 *   rule row with q, ratio and safety stock (`explainTarget`, domain/stock.ts), the add-back of Tiki's reservations
 *   (domain/reservations.ts), what was written to Tiki and when Tiki confirmed it, or why nothing was written.
 * - An order entry is one step of the order's life: seen, the safe create's settle and look-ups, imported, a
 *   duplicate repaired, mirrored, a status change, an action, at risk, a failed import.
 * - Entries are append-only and kept `AUDIT_RETENTION_DAYS` (default 30) days; one periodic prune per task queue
 *   (workflows/audit-prune.ts, a durable timer) removes older ones for every connection at once.
 * - An "unchanged" entry identical to its subject's latest entry (same fingerprint) within `AUDIT_REPEAT_MS` is not
 *   written again, so each reconciliation does not add one row per linked variant.
 */
import type { PushValues, TargetExplanation } from './stock';

export const AUDIT_SUBJECTS = ['variant', 'order'] as const;
export type AuditSubject = (typeof AUDIT_SUBJECTS)[number];

/** What happened to one planned push of a variant. */
export const STOCK_AUDIT_KINDS = [
  /** Written to Tiki and confirmed. */
  'stock-pushed',
  /** Tiki already holds the target (nothing to write). */
  'stock-unchanged',
  /** Tiki refused this very change the last time: not sent again until it changes. */
  'stock-skipped-refused',
  /** A fresher value of the same SKU was already confirmed: this older one was dropped. */
  'stock-superseded',
  /** Tiki refused the write (a stable code). */
  'stock-failed',
  /** The push stopped before this write (an error of the connection, retried by the next push). */
  'stock-interrupted',
] as const;
export type StockAuditKind = (typeof STOCK_AUDIT_KINDS)[number];

/** The steps of an order's life. */
export const ORDER_AUDIT_KINDS = [
  'order-seen',
  'order-skipped-old',
  'order-create-unknown',
  'order-create-settled',
  'order-imported',
  'order-duplicate-cancelled',
  'order-mirrored',
  'order-status-changed',
  'order-action',
  'order-at-risk',
  'order-import-failed',
] as const;
export type OrderAuditKind = (typeof ORDER_AUDIT_KINDS)[number];

export type AuditKind = StockAuditKind | OrderAuditKind;

/** One Haravan location row as read (`qty_onhand`, `qty_commited`). */
export interface AuditLocation {
  locationId: number;
  onHand: number;
  committed: number;
}

/** The details of a stock entry. Warehouse maps are lists of `[warehouseId, units]` (JSON has no maps). */
export interface StockAuditDetails {
  tikiSku: string;
  barcode: string;
  tikiProductId: number;
  /** What was read from Haravan, and when (ISO). */
  haravan: { readAt: string; tracked: boolean; policy: string; inventoryQuantity: number; price: number; locations: AuditLocation[] };
  explanation: TargetExplanation;
  /** Units Tiki still reserves for imported orders (`null` warehouse = unknown), and what was added back per warehouse. */
  reservations: { held: [number | null, number][]; addBack: [number, number][] };
  target: PushValues;
  /** What the target was compared with: Tiki's values as read (verified) or the last confirmed push. */
  reference: PushValues;
  /** Tiki's values were read in this push (a full pass or a read-back). */
  verified: boolean;
  /** What was sent to Tiki (only the changed values), per warehouse for the quantity. */
  written?: { quantity?: number; price?: number; warehouses?: [number, number][] };
  /** When Tiki confirmed the write (ISO). */
  confirmedAt?: string;
  /** Our stable code of a failure (domain/messages.ts). */
  code?: string;
}

export const AUDIT_RETENTION_DAYS_DEFAULT = 30;
const DAY_MS = 86_400_000;
/** The prune runs this often (workflows/audit-prune.ts; one statement set for every connection). */
export const AUDIT_PRUNE_EVERY_MS = 3_600_000;
/** An unchanged entry identical to its subject's latest one is written again only after this long. */
export const AUDIT_REPEAT_MS = DAY_MS;

/** `AUDIT_RETENTION_DAYS`: a positive number of days (fractions allowed); unset or invalid → the default. */
export function retentionDaysFrom(raw: string | undefined): number {
  const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : AUDIT_RETENTION_DAYS_DEFAULT;
}

/** Entries recorded before this moment are pruned. */
export function auditCutoff(now: number, retentionDays: number): Date {
  return new Date(now - retentionDays * DAY_MS);
}

/** Whether an entry recorded at `at` is still kept at `now`. */
export function isRetained(at: number, now: number, retentionDays: number): boolean {
  return at >= auditCutoff(now, retentionDays).getTime();
}

/**
 * What makes two stock entries "the same answer": kind, rule explanation, reservations, target, reference and what
 * was written — not the times. Keys in a stable order.
 */
export function stockFingerprint(kind: StockAuditKind, d: StockAuditDetails): string {
  const { haravan, confirmedAt: _c, ...rest } = d;
  const { readAt: _r, ...read } = haravan;
  return stableJson({ kind, read, ...rest });
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
