import { DEFAULT_CONFIG, mergeConfig } from '../../../domain/config';
import { addBack, addBackTotal, holdsReservation, reservationChanged, reservedByOrders, targetAddBack, type HeldUnits, type ReservingOrder } from '../../../domain/reservations';
import { computeTarget, warehouseQuantities } from '../../../domain/stock';
import { referenceValues } from '../../../domain/stock-writes';

const A = 1;
const B = 2;
const OTHER = 9;
const held = (...rows: [number | null, number][]): HeldUnits => new Map(rows);
const reserved = (...rows: [number, number][]) => new Map(rows);

describe('holdsReservation — which Tiki statuses still hold the order’s units', () => {
  const cases: [string | null | undefined, boolean][] = [
    ['queueing', true],
    ['packaging', true],
    ['finished_packing', true],
    ['ready_to_ship', true],
    ['picking', true],
    ['handover_to_partner', true],
    ['QUEUEING', true],
    ['shipping', false],
    ['successful_delivery', false],
    ['delivered', false],
    ['complete', false],
    ['closed', false],
    ['canceled', false],
    ['returned', false],
    ['something_new', false],
    ['', false],
    [null, false],
  ];
  it.each(cases)('%s → %s', (status, want) => expect(holdsReservation(status)).toBe(want));
});

describe('reservedByOrders — units per Tiki SKU and warehouse', () => {
  const cases: { name: string; orders: ReservingOrder[]; want: [string, [number | null, number][]][] }[] = [
    { name: 'an open order', orders: [{ tikiStatus: 'queueing', items: [{ tikiSku: 'S1', quantity: 3, tikiWarehouseId: A }] }], want: [['S1', [[A, 3]]]] },
    {
      name: 'several orders and warehouses add up per SKU and warehouse',
      orders: [
        { tikiStatus: 'queueing', items: [{ tikiSku: 'S1', quantity: 3, tikiWarehouseId: A }, { tikiSku: 'S2', quantity: 1 }] },
        { tikiStatus: 'picking', items: [{ tikiSku: 'S1', quantity: 2, tikiWarehouseId: A }, { tikiSku: 'S1', quantity: 4, tikiWarehouseId: B }] },
      ],
      want: [['S1', [[A, 5], [B, 4]]], ['S2', [[null, 1]]]],
    },
    { name: 'a shipped order holds nothing', orders: [{ tikiStatus: 'shipping', items: [{ tikiSku: 'S1', quantity: 3, tikiWarehouseId: A }] }], want: [] },
    { name: 'a cancelled order holds nothing', orders: [{ tikiStatus: 'canceled', items: [{ tikiSku: 'S1', quantity: 3 }] }], want: [] },
    {
      name: 'a declined item holds nothing, the others still do',
      orders: [{ tikiStatus: 'queueing', items: [{ tikiSku: 'S1', quantity: 3, tikiConfirmation: 'seller_canceled' }, { tikiSku: 'S2', quantity: 2, tikiConfirmation: 'seller_confirmed' }] }],
      want: [['S2', [[null, 2]]]],
    },
    { name: 'no SKU or no units: nothing', orders: [{ tikiStatus: 'queueing', items: [{ tikiSku: '', quantity: 3 }, { tikiSku: 'S1', quantity: 0 }] }], want: [] },
  ];
  it.each(cases)('$name', ({ orders, want }) => {
    expect([...reservedByOrders(orders)].map(([sku, m]) => [sku, [...m]])).toEqual(want);
  });
});

describe('addBack — units added back per target warehouse', () => {
  const cases: { name: string; held?: HeldUnits; targets: number[]; tiki?: Map<number, number>; want: [number, number][] }[] = [
    { name: 'nothing held', held: undefined, targets: [A], want: [] },
    { name: 'held in the target warehouse, Tiki not read → all of it', held: held([A, 3]), targets: [A], want: [[A, 3]] },
    { name: 'Tiki reports as many reserved → all of it', held: held([A, 3]), targets: [A], tiki: reserved([A, 3]), want: [[A, 3]] },
    { name: 'Tiki reports fewer reserved (an order left meanwhile) → capped', held: held([A, 3]), targets: [A], tiki: reserved([A, 1]), want: [[A, 1]] },
    { name: 'Tiki reports none reserved → nothing', held: held([A, 3]), targets: [A], tiki: reserved([A, 0]), want: [] },
    { name: 'Tiki reports more reserved (orders we did not import) → only ours', held: held([A, 3]), targets: [A], tiki: reserved([A, 10]), want: [[A, 3]] },
    { name: 'per warehouse, in target order', held: held([B, 2], [A, 3]), targets: [A, B], want: [[A, 3], [B, 2]] },
    { name: 'per warehouse, each capped by its own reservations', held: held([A, 3], [B, 2]), targets: [A, B], tiki: reserved([A, 1], [B, 5]), want: [[A, 1], [B, 2]] },
    { name: 'held in a warehouse we do not write → not ours', held: held([OTHER, 4]), targets: [A], want: [] },
    { name: 'unknown warehouse, Tiki not read → the first target', held: held([null, 3]), targets: [A, B], want: [[A, 3]] },
    { name: 'unknown warehouse, Tiki read → fills the reported reservations in target order', held: held([null, 4]), targets: [A, B], tiki: reserved([A, 1], [B, 5]), want: [[A, 1], [B, 3]] },
    { name: 'unknown warehouse after known ones share the room left', held: held([A, 1], [null, 2]), targets: [A, B], tiki: reserved([A, 2], [B, 0]), want: [[A, 2]] },
    { name: 'no target warehouse → nothing', held: held([A, 3]), targets: [], want: [] },
  ];
  it.each(cases)('$name', ({ held: h, targets, tiki, want }) => {
    const out = addBack(h, targets, tiki);
    expect([...out]).toEqual(want);
    if (tiki) for (const [w, n] of out) expect(n).toBeLessThanOrEqual(tiki.get(w) ?? 0);
  });
});

describe('the target with the add-back (issue: Haravan 10, a 3-unit Tiki order imported)', () => {
  const config = mergeConfig(DEFAULT_CONFIG, {});
  const variant = (q: number, patch: Partial<Parameters<typeof computeTarget>[0]['variant']> = {}) => ({ tracked: true, policy: 'deny' as const, inventoryQuantity: q, price: 100, locations: [], ...patch });
  const sellable = (out: { warehouseId: number; qtyAvailable: number }[], res: Map<number, number>) => out.reduce((s, w) => s + Math.max(0, w.qtyAvailable - (res.get(w.warehouseId) ?? 0)), 0);

  it('Haravan 7 after the import, Tiki reserves 3 → available 10, sellable 7', () => {
    const base = computeTarget({ variant: variant(7), tiki: { marketPrice: 0 }, config });
    const units = targetAddBack(base, held([A, 3]), [A], reserved([A, 3]));
    const quantity = base.quantity! + addBackTotal(units);
    expect(quantity).toBe(10);
    expect(sellable(warehouseQuantities(quantity, [A], [], units), reserved([A, 3]))).toBe(7);
  });

  it('several target warehouses: each holds its own reservations on top, sellable stays the free stock', () => {
    const base = computeTarget({ variant: variant(7), tiki: { marketPrice: 0 }, config });
    const res = reserved([A, 1], [B, 2]);
    const units = targetAddBack(base, held([A, 1], [B, 2]), [A, B], res);
    const out = warehouseQuantities(base.quantity! + addBackTotal(units), [A, B], [], units);
    expect(out).toEqual([{ warehouseId: A, qtyAvailable: 8 }, { warehouseId: B, qtyAvailable: 2 }]);
    expect(sellable(out, res)).toBe(7);
    // Read back as written, the reference is the same total (not "unknown"): nothing to rewrite.
    expect(referenceValues({ actual: { stocks: out, price: 100 }, lastConfirmed: {}, targetWarehouseIds: [A, B], addBack: units }).quantity).toBe(10);
    // Without the add-back in the second warehouse, that warehouse counts as drifted.
    expect(referenceValues({ actual: { stocks: out, price: 100 }, lastConfirmed: {}, targetWarehouseIds: [A, B] }).quantity).toBeUndefined();
  });

  it('the keep-selling markers get nothing added', () => {
    const untracked = computeTarget({ variant: variant(7, { tracked: false }), tiki: { marketPrice: 0 }, config });
    const oversell = computeTarget({ variant: variant(0, { policy: 'continue' }), tiki: { marketPrice: 0 }, config });
    expect([...targetAddBack(untracked, held([A, 3]), [A])]).toEqual([]);
    expect([...targetAddBack(oversell, held([A, 3]), [A])]).toEqual([]);
  });

  it('quantity sync off → no add-back', () => {
    const base = computeTarget({ variant: variant(7), tiki: { marketPrice: 0 }, config: mergeConfig(DEFAULT_CONFIG, { syncQuantity: false }) });
    expect([...targetAddBack(base, held([A, 3]), [A])]).toEqual([]);
  });

  it('ratio and safety stock apply to Haravan’s stock, the add-back is added after them', () => {
    const base = computeTarget({ variant: variant(8), tiki: { marketPrice: 0 }, config: mergeConfig(DEFAULT_CONFIG, { stockRatioPercent: 50, safetyStock: 1 }) });
    expect(base.quantity).toBe(3);
    expect(base.quantity! + addBackTotal(targetAddBack(base, held([A, 3]), [A]))).toBe(6);
  });
});

describe('reservationChanged — when an order change is worth a new push of its SKUs', () => {
  const open = (patch: Partial<ReservingOrder> = {}): ReservingOrder => ({ tikiStatus: 'queueing', items: [{ tikiSku: 'S1', quantity: 3, tikiWarehouseId: A }], ...patch });
  const cases: [string, ReservingOrder | null, ReservingOrder | null, boolean][] = [
    ['imported while Tiki reserves it', null, open(), true],
    ['imported after it already shipped', null, open({ tikiStatus: 'shipping' }), false],
    ['confirmed, same warehouse', open(), open({ tikiStatus: 'packaging' }), false],
    ['shipped', open({ tikiStatus: 'picking' }), open({ tikiStatus: 'shipping' }), true],
    ['cancelled on Tiki', open(), open({ tikiStatus: 'canceled' }), true],
    ['reservation moved to another warehouse', open(), open({ items: [{ tikiSku: 'S1', quantity: 3, tikiWarehouseId: B }] }), true],
    ['item declined', open(), open({ items: [{ tikiSku: 'S1', quantity: 3, tikiWarehouseId: A, tikiConfirmation: 'seller_canceled' }] }), true],
    ['delivered after shipping', open({ tikiStatus: 'shipping' }), open({ tikiStatus: 'delivered' }), false],
  ];
  it.each(cases)('%s → %s', (_name, before, after, want) => expect(reservationChanged(before, after)).toBe(want));
});
