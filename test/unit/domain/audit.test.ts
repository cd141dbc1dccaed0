import { AUDIT_RETENTION_DAYS_DEFAULT, ORDER_AUDIT_KINDS, STOCK_AUDIT_KINDS, auditCutoff, isRetained, retentionDaysFrom, stockFingerprint, type StockAuditDetails } from '../../../domain/audit';
import { explainQuantity, QUANTITY_RULE_WORDS, summarizeAudit } from '../../../domain/audit-summary';
import { DEFAULT_CONFIG, mergeConfig, type Config } from '../../../domain/config';
import { computeTarget, explainTarget, QUANTITY_RULES, quantityRuleRow, type QuantityRule, type VariantStockState } from '../../../domain/stock';

const L1 = 11;
const L2 = 22;
const cfg = (patch: Partial<Config> = {}) => mergeConfig(DEFAULT_CONFIG, patch);
const v = (over: Partial<VariantStockState>): VariantStockState => ({ tracked: true, policy: 'deny', inventoryQuantity: 0, price: 100_000, locations: [], ...over });
const rows = [
  { locationId: L1, onHand: 6, committed: 1 },
  { locationId: L2, onHand: 2, committed: 0 },
];
const negative = [{ locationId: L1, onHand: 1, committed: 4 }];

describe('explainTarget — which row of product.md §4 applied, one case per row (and per q sign)', () => {
  const cases: { variant: Partial<VariantStockState>; chosen?: number[]; rule: QuantityRule; row: number; q?: number; quantity: number }[] = [
    { variant: { policy: 'continue', inventoryQuantity: 7 }, rule: 'continue-all-positive', row: 1, q: 7, quantity: 7 },
    { variant: { policy: 'continue', inventoryQuantity: 0 }, rule: 'continue-all-oversell', row: 2, q: 0, quantity: 1_000_000 },
    { variant: { policy: 'continue', inventoryQuantity: -3 }, rule: 'continue-all-oversell', row: 2, q: -3, quantity: 1_000_000 },
    { variant: { inventoryQuantity: 12 }, rule: 'deny-all', row: 3, q: 12, quantity: 12 },
    { variant: { inventoryQuantity: 0 }, rule: 'deny-all', row: 3, q: 0, quantity: 0 },
    { variant: { inventoryQuantity: -2 }, rule: 'deny-all-negative', row: 4, q: -2, quantity: 0 },
    { variant: { policy: 'continue', locations: rows }, chosen: [L1, L2], rule: 'continue-chosen-positive', row: 5, q: 7, quantity: 7 },
    { variant: { policy: 'continue', locations: negative }, chosen: [L1], rule: 'continue-chosen-oversell', row: 6, q: -3, quantity: 1_000_000 },
    { variant: { locations: rows }, chosen: [L1], rule: 'deny-chosen', row: 7, q: 5, quantity: 5 },
    { variant: { locations: negative }, chosen: [L1], rule: 'deny-chosen', row: 7, q: -3, quantity: 0 },
    { variant: { tracked: false, inventoryQuantity: 4 }, rule: 'untracked', row: 8, quantity: 1_000_000 },
  ];
  it.each(cases)('$rule (row $row), q = $q → $quantity', ({ variant, chosen, rule, row, q, quantity }) => {
    const input = { variant: v(variant), tiki: { marketPrice: 0 }, config: cfg({ inventoryLocationIds: chosen ?? [] }) };
    const { target, explanation } = explainTarget(input);
    expect(explanation.quantity).toEqual(expect.objectContaining({ rule, row, quantity }));
    expect(explanation.quantity?.q).toBe(q);
    expect(target.quantity).toBe(quantity);
    // The explanation is the rule's own: computeTarget gives the same target.
    expect(computeTarget(input)).toEqual(target);
  });

  it('numbers the rules in the table order, every rule covered above', () => {
    expect(QUANTITY_RULES.map(quantityRuleRow)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(QUANTITY_RULES));
  });

  it('states the ratio and safety stock applied to real stock, not to the oversell number', () => {
    const config = cfg({ stockRatioPercent: 50, safetyStock: 1 });
    const real = explainTarget({ variant: v({ inventoryQuantity: 9 }), tiki: { marketPrice: 0 }, config }).explanation.quantity!;
    expect(real).toEqual({ rule: 'deny-all', row: 3, source: 'all', q: 9, tableQuantity: 9, allocation: { stockRatioPercent: 50, afterRatio: 4, safetyStock: 1 }, quantity: 3 });
    const oversell = explainTarget({ variant: v({ policy: 'continue', inventoryQuantity: 0 }), tiki: { marketPrice: 0 }, config }).explanation.quantity!;
    expect(oversell.allocation).toBeUndefined();
  });

  it('explains a blocked price and leaves the quantity side out when its sync is off', () => {
    const { explanation } = explainTarget({ variant: v({ price: 300_000 }), tiki: { marketPrice: 200_000 }, config: cfg({ syncQuantity: false }) });
    expect(explanation.quantity).toBeUndefined();
    expect(explanation.price).toEqual({ haravanPrice: 300_000, marketPrice: 200_000, blocked: 'PRICE_ABOVE_LIST_PRICE' });
  });
});

describe('summaries in both languages', () => {
  const details = (over: Partial<StockAuditDetails> = {}): StockAuditDetails => ({
    tikiSku: 'T1',
    barcode: 'B1',
    tikiProductId: 1,
    haravan: { readAt: '2026-01-01T00:00:00.000Z', tracked: true, policy: 'deny', inventoryQuantity: 10, price: 100, locations: [] },
    explanation: explainTarget({ variant: v({ inventoryQuantity: 10 }), tiki: { marketPrice: 0 }, config: cfg({ syncPrice: false }) }).explanation,
    reservations: { held: [[7, 3]], addBack: [[7, 3]] },
    target: { quantity: 13 },
    reference: { quantity: 10 },
    verified: false,
    written: { quantity: 13, warehouses: [[7, 13]] },
    confirmedAt: '2026-01-01T00:00:01.000Z',
    ...over,
  });

  it('a push names what was written, the rule row, q and the add-back', () => {
    const s = summarizeAudit('stock-pushed', details());
    expect(s.vi).toBe('Đã ghi lên Tiki: số lượng 13 — dòng 3 (không cho bán khi hết hàng, Kho tổng, q ≥ 0 → q), q = 10, cộng lại 3 đang giữ cho đơn Tiki');
    expect(s.en).toBe('Written to Tiki: quantity 13 — row 3 (no oversell, all locations, q ≥ 0 → q), q = 10, plus 3 reserved by Tiki orders');
  });

  it('says why nothing was pushed, and a failure with its code and message', () => {
    expect(summarizeAudit('stock-unchanged', details({ written: undefined })).en).toMatch(/^Not pushed: Tiki already holds quantity 13 — row 3/);
    const failed = summarizeAudit('stock-failed', details({ written: undefined, code: 'TIKI_SKU_REJECTED' }));
    expect(failed.vi).toMatch(/^Lỗi TIKI_SKU_REJECTED: Tiki từ chối cập nhật SKU/);
    expect(failed.en).toMatch(/^Failed TIKI_SKU_REJECTED: Tiki rejected the SKU update/);
  });

  it('ratio and safety stock appear when they changed the number', () => {
    const e = explainTarget({ variant: v({ inventoryQuantity: 9 }), tiki: { marketPrice: 0 }, config: cfg({ stockRatioPercent: 50, safetyStock: 1 }) }).explanation.quantity!;
    expect(explainQuantity(e)).toEqual({
      vi: 'dòng 3 (không cho bán khi hết hàng, Kho tổng, q ≥ 0 → q), q = 9, tỉ lệ 50% → 4, tồn kho an toàn 1 → 3',
      en: 'row 3 (no oversell, all locations, q ≥ 0 → q), q = 9, ratio 50% → 4, safety stock 1 → 3',
    });
  });

  it('every rule row has words in both languages', () => {
    for (const rule of QUANTITY_RULES) {
      expect(QUANTITY_RULE_WORDS[rule].vi.length).toBeGreaterThan(0);
      expect(QUANTITY_RULE_WORDS[rule].en.length).toBeGreaterThan(0);
      expect(QUANTITY_RULE_WORDS[rule].vi).not.toBe(QUANTITY_RULE_WORDS[rule].en);
    }
  });

  it.each([
    ['order-seen', { tikiStatus: 'queueing' }, 'Dịch vụ thấy đơn trên Tiki (trạng thái queueing)', 'The service saw the order on Tiki (status queueing)'],
    ['order-imported', { haravanOrderId: 42 }, 'Đã nhập vào Haravan (đơn 42)', 'Imported into Haravan (order 42)'],
    ['order-create-settled', { found: true, haravanOrderId: 42 }, 'Sau thời gian chờ: tìm thấy đơn Haravan 42 đã được tạo, không tạo lại', 'After the settle window: Haravan order 42 was found, not created again'],
    ['order-duplicate-cancelled', { keptHaravanOrderId: 1, cancelledHaravanOrderId: 2 }, 'Sửa trùng: hủy đơn Haravan 2, giữ đơn 1', 'Duplicate repaired: Haravan order 2 cancelled, 1 kept'],
    ['order-action', { action: 'cancel', tikiStatus: 'canceled', batchId: 'b1' }, 'Thao tác cancel (thao tác hàng loạt b1): Tiki canceled', 'Action cancel (bulk run b1): Tiki canceled'],
    ['order-status-changed', { from: 'queueing', to: 'shipping' }, 'Trạng thái Tiki: queueing → shipping', 'Tiki status: queueing → shipping'],
  ])('%s', (kind, d, vi, en) => {
    expect(summarizeAudit(kind, d)).toEqual({ vi, en });
  });

  // Every kind the activities write has its own words in both languages (a new kind without wording fails here).
  it.each([...STOCK_AUDIT_KINDS.map((k) => [k, details({ code: 'TIKI_SKU_REJECTED' })] as const), ...ORDER_AUDIT_KINDS.map((k) => [k, { tikiCode: 'T1', code: 'HARAVAN_UNAVAILABLE' }] as const)])(
    '%s has its own sentence in vi and en',
    (kind, d) => {
      const s = summarizeAudit(kind, d);
      expect(s.vi).not.toBe(kind);
      expect(s.en).not.toBe(kind);
      expect(s.vi).not.toBe(s.en);
      expect(s.en).toMatch(/^[A-Z]/);
    },
  );

  it('an unknown kind falls back to the kind itself (never an empty line)', () => {
    expect(summarizeAudit('something-new', {})).toEqual({ vi: 'something-new', en: 'something-new' });
  });
});

describe('retention', () => {
  const now = Date.parse('2026-03-31T12:00:00.000Z');
  it('cuts off at now − retention days (default 30)', () => {
    expect(retentionDaysFrom(undefined)).toBe(AUDIT_RETENTION_DAYS_DEFAULT);
    expect(AUDIT_RETENTION_DAYS_DEFAULT).toBe(30);
    expect(auditCutoff(now, 30).toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(isRetained(Date.parse('2026-03-01T12:00:00.000Z'), now, 30)).toBe(true);
    expect(isRetained(Date.parse('2026-03-01T11:59:59.999Z'), now, 30)).toBe(false);
  });
  it.each([
    ['7', 7],
    ['0.5', 0.5],
    ['', 30],
    ['0', 30],
    ['-3', 30],
    ['abc', 30],
  ])('AUDIT_RETENTION_DAYS=%p → %p days', (raw, days) => {
    expect(retentionDaysFrom(raw)).toBe(days);
  });
});

describe('fingerprint of a stock entry', () => {
  const base: StockAuditDetails = {
    tikiSku: 'T1',
    barcode: 'B1',
    tikiProductId: 1,
    haravan: { readAt: '2026-01-01T00:00:00.000Z', tracked: true, policy: 'deny', inventoryQuantity: 10, price: 100, locations: [] },
    explanation: {},
    reservations: { held: [], addBack: [] },
    target: { quantity: 10 },
    reference: { quantity: 10 },
    verified: true,
  };
  it('ignores the times, not the values', () => {
    expect(stockFingerprint('stock-unchanged', { ...base, haravan: { ...base.haravan, readAt: '2026-02-02T00:00:00.000Z' } })).toBe(stockFingerprint('stock-unchanged', base));
    expect(stockFingerprint('stock-unchanged', { ...base, haravan: { ...base.haravan, inventoryQuantity: 11 } })).not.toBe(stockFingerprint('stock-unchanged', base));
    expect(stockFingerprint('stock-pushed', base)).not.toBe(stockFingerprint('stock-unchanged', base));
  });
});
