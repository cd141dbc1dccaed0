/**
 * One line per audit entry for the merchant, in Vietnamese and English (domain/audit.ts holds the entries). Built
 * when an entry is read, from its details, so the words follow the code, not the day the entry was written.
 */
import type { StockAuditDetails } from './audit';
import { messageFor } from './messages';
import type { QuantityExplanation, QuantityRule } from './stock';

export interface Summary {
  vi: string;
  en: string;
}

/** Each row of product.md §4's quantity table in words. */
export const QUANTITY_RULE_WORDS: Readonly<Record<QuantityRule, Summary>> = {
  'continue-all-positive': { vi: 'cho phép bán khi hết hàng, Kho tổng, q > 0 → q', en: 'oversell allowed, all locations, q > 0 → q' },
  'continue-all-oversell': { vi: 'cho phép bán khi hết hàng, Kho tổng, q ≤ 0 → số lượng bán không giới hạn', en: 'oversell allowed, all locations, q ≤ 0 → the oversell quantity' },
  'deny-all': { vi: 'không cho bán khi hết hàng, Kho tổng, q ≥ 0 → q', en: 'no oversell, all locations, q ≥ 0 → q' },
  'deny-all-negative': { vi: 'không cho bán khi hết hàng, Kho tổng, q < 0 → 0', en: 'no oversell, all locations, q < 0 → 0' },
  'continue-chosen-positive': { vi: 'cho phép bán khi hết hàng, kho đã chọn, q > 0 → q', en: 'oversell allowed, chosen locations, q > 0 → q' },
  'continue-chosen-oversell': { vi: 'cho phép bán khi hết hàng, kho đã chọn, q ≤ 0 → số lượng bán không giới hạn', en: 'oversell allowed, chosen locations, q ≤ 0 → the oversell quantity' },
  'deny-chosen': { vi: 'không cho bán khi hết hàng, kho đã chọn → max(0, Σ tồn − đang giữ)', en: 'no oversell, chosen locations → max(0, Σ on hand − committed)' },
  untracked: { vi: 'không quản lý tồn kho → số lượng mặc định', en: 'inventory not tracked → the default quantity' },
};

/** "row 3 (…), q = 10, ratio 50 % → 5, safety stock 1 → 4" in both languages. */
export function explainQuantity(e: QuantityExplanation): Summary {
  const words = QUANTITY_RULE_WORDS[e.rule];
  const q = e.q === undefined ? '' : `, q = ${e.q}`;
  const a = e.allocation;
  const allocVi = a && (a.stockRatioPercent !== 100 || a.safetyStock > 0) ? `, tỉ lệ ${a.stockRatioPercent}% → ${a.afterRatio}, tồn kho an toàn ${a.safetyStock} → ${e.quantity}` : '';
  const allocEn = a && (a.stockRatioPercent !== 100 || a.safetyStock > 0) ? `, ratio ${a.stockRatioPercent}% → ${a.afterRatio}, safety stock ${a.safetyStock} → ${e.quantity}` : '';
  return { vi: `dòng ${e.row} (${words.vi})${q}${allocVi}`, en: `row ${e.row} (${words.en})${q}${allocEn}` };
}

const sum = (pairs: readonly [unknown, number][]) => pairs.reduce((n, [, u]) => n + u, 0);

function stockSummary(kind: string, d: StockAuditDetails): Summary {
  const qty = d.explanation.quantity;
  const rule = qty ? explainQuantity(qty) : { vi: 'không đồng bộ tồn kho', en: 'quantity sync off' };
  const added = sum(d.reservations.addBack);
  const addVi = added > 0 ? `, cộng lại ${added} đang giữ cho đơn Tiki` : '';
  const addEn = added > 0 ? `, plus ${added} reserved by Tiki orders` : '';
  const price = d.explanation.price;
  const priceVi = price?.blocked ? `; giá không gửi (${price.blocked})` : '';
  const priceEn = price?.blocked ? `; price not sent (${price.blocked})` : '';
  const why = { vi: `${rule.vi}${addVi}${priceVi}`, en: `${rule.en}${addEn}${priceEn}` };
  const values = (v: { quantity?: number; price?: number } | undefined, vi: boolean) =>
    [v?.quantity !== undefined ? `${vi ? 'số lượng' : 'quantity'} ${v.quantity}` : '', v?.price !== undefined ? `${vi ? 'giá' : 'price'} ${v.price}` : ''].filter(Boolean).join(', ') || '—';
  switch (kind) {
    case 'stock-pushed':
      return { vi: `Đã ghi lên Tiki: ${values(d.written, true)} — ${why.vi}`, en: `Written to Tiki: ${values(d.written, false)} — ${why.en}` };
    case 'stock-unchanged':
      return { vi: `Không đẩy: Tiki đã có ${values(d.target, true)} — ${why.vi}`, en: `Not pushed: Tiki already holds ${values(d.target, false)} — ${why.en}` };
    case 'stock-skipped-refused':
      return { vi: `Không đẩy: Tiki đã từ chối đúng thay đổi này lần trước (${values(d.target, true)})`, en: `Not pushed: Tiki refused this same change last time (${values(d.target, false)})` };
    case 'stock-superseded':
      return { vi: `Bỏ qua: một giá trị mới hơn của SKU này đã được Tiki xác nhận`, en: `Dropped: a fresher value of this SKU was already confirmed by Tiki` };
    case 'stock-failed': {
      const m = messageFor(d.code ?? 'TIKI_SKU_REJECTED');
      return { vi: `Lỗi ${d.code ?? ''}: ${m.vi} — ${why.vi}`, en: `Failed ${d.code ?? ''}: ${m.en} — ${why.en}` };
    }
    default:
      return { vi: `Chưa ghi: lần đẩy bị dừng (${d.code ?? 'lỗi kết nối'}), lần đẩy sau sẽ thử lại`, en: `Not written: the push stopped (${d.code ?? 'connection error'}); the next push tries again` };
  }
}

type OrderDetails = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function orderSummary(kind: string, d: OrderDetails): Summary {
  switch (kind) {
    case 'order-seen':
      return { vi: `Dịch vụ thấy đơn trên Tiki (trạng thái ${str(d.tikiStatus)})`, en: `The service saw the order on Tiki (status ${str(d.tikiStatus)})` };
    case 'order-skipped-old':
      return { vi: 'Không nhập: đơn đặt trước mốc nhập đơn của kết nối', en: "Not imported: placed before the connection's import start" };
    case 'order-create-unknown':
      return { vi: `Tạo đơn Haravan không rõ kết quả (${str(d.code)}): chờ rồi tra cứu trước khi tạo lại`, en: `Haravan create outcome unknown (${str(d.code)}): waiting, then looking it up before any new create` };
    case 'order-create-settled':
      return d.found
        ? { vi: `Sau thời gian chờ: tìm thấy đơn Haravan ${str(d.haravanOrderId)} đã được tạo, không tạo lại`, en: `After the settle window: Haravan order ${str(d.haravanOrderId)} was found, not created again` }
        : { vi: `Sau thời gian chờ và ${str(d.lookups)} lần tra cứu: chưa có đơn, tạo lại`, en: `After the settle window and ${str(d.lookups)} look-ups: no order, creating again` };
    case 'order-imported':
      return { vi: `Đã nhập vào Haravan (đơn ${str(d.haravanOrderId)})`, en: `Imported into Haravan (order ${str(d.haravanOrderId)})` };
    case 'order-duplicate-cancelled':
      return { vi: `Sửa trùng: hủy đơn Haravan ${str(d.cancelledHaravanOrderId)}, giữ đơn ${str(d.keptHaravanOrderId)}`, en: `Duplicate repaired: Haravan order ${str(d.cancelledHaravanOrderId)} cancelled, ${str(d.keptHaravanOrderId)} kept` };
    case 'order-mirrored': {
      const steps = Array.isArray(d.actions) ? d.actions.join(', ') : '';
      return { vi: `Cập nhật Haravan theo Tiki ${str(d.from) || '—'} → ${str(d.to)}: ${steps}`, en: `Haravan brought in line with Tiki ${str(d.from) || '—'} → ${str(d.to)}: ${steps}` };
    }
    case 'order-status-changed':
      return { vi: `Trạng thái Tiki: ${str(d.from) || '—'} → ${str(d.to)}`, en: `Tiki status: ${str(d.from) || '—'} → ${str(d.to)}` };
    case 'order-action': {
      const by = d.batchId ? { vi: ` (thao tác hàng loạt ${str(d.batchId)})`, en: ` (bulk run ${str(d.batchId)})` } : { vi: '', en: '' };
      if (d.code) {
        const m = messageFor(str(d.code));
        return { vi: `Thao tác ${str(d.action)}${by.vi} bị từ chối: ${m.vi} (Tiki ${str(d.tikiStatus)})`, en: `Action ${str(d.action)}${by.en} refused: ${m.en} (Tiki ${str(d.tikiStatus)})` };
      }
      return { vi: `Thao tác ${str(d.action)}${by.vi}: Tiki ${str(d.tikiStatus)}`, en: `Action ${str(d.action)}${by.en}: Tiki ${str(d.tikiStatus)}` };
    }
    case 'order-at-risk':
      return { vi: 'Sắp quá hạn xác nhận của Tiki', en: "Close to Tiki's confirmation deadline" };
    case 'order-import-failed': {
      const m = messageFor('ORDER_IMPORT_FAILED');
      return { vi: `${m.vi} (${str(d.code)})`, en: `${m.en} (${str(d.code)})` };
    }
    default:
      return { vi: kind, en: kind };
  }
}

/** The merchant's line for an entry: Vietnamese and English. */
export function summarizeAudit(kind: string, details: unknown): Summary {
  const d = (details ?? {}) as Record<string, unknown>;
  if (kind.startsWith('stock-') && d.explanation && d.reservations) return stockSummary(kind, d as unknown as StockAuditDetails);
  return orderSummary(kind, d);
}
