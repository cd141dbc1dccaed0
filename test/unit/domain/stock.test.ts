import { DEFAULT_CONFIG, mergeConfig, type Config } from '../../../domain/config';
import {
  classifyPriority,
  computeTarget,
  diffPush,
  resolveTargetWarehouses,
  sortByPriority,
  sourceQuantity,
  warehouseQuantities,
  type LocationStock,
  type PushItem,
  type VariantStockState,
} from '../../../domain/stock';

const L1 = 11;
const L2 = 22;
const L3 = 33;
const BIG = 1_000_000;

function cfg(patch: Partial<Config> = {}): Config {
  return mergeConfig(DEFAULT_CONFIG, patch);
}
function loc(locationId: number, onHand: number, committed: number): LocationStock {
  return { locationId, onHand, committed };
}
function v(over: Partial<VariantStockState>): VariantStockState {
  return { tracked: true, policy: 'deny', inventoryQuantity: 0, price: 100_000, locations: [], ...over };
}

describe('computeTarget — quantity table (domain/stock.ts), one row per table row and per q sign', () => {
  // chosen set = [L1, L2]; L3 exists but is not chosen. For the "all" rows the variant total is authoritative.
  const chosen = [L1, L2];
  const cases: { name: string; variant: Partial<VariantStockState>; locations?: number[]; qty: number; notes: string[] }[] = [
    // tracked, continue, all
    { name: 'tracked · continue · all · q > 0 → q', variant: { policy: 'continue', inventoryQuantity: 7 }, qty: 7, notes: [] },
    { name: 'tracked · continue · all · q = 0 → oversell', variant: { policy: 'continue', inventoryQuantity: 0 }, qty: BIG, notes: ['OVERSELL_UNLIMITED'] },
    { name: 'tracked · continue · all · q < 0 → oversell', variant: { policy: 'continue', inventoryQuantity: -4 }, qty: BIG, notes: ['OVERSELL_UNLIMITED'] },
    // tracked, deny, all
    { name: 'tracked · deny · all · q > 0 → q', variant: { inventoryQuantity: 12 }, qty: 12, notes: [] },
    { name: 'tracked · deny · all · q = 0 → 0', variant: { inventoryQuantity: 0 }, qty: 0, notes: [] },
    { name: 'tracked · deny · all · q < 0 → 0', variant: { inventoryQuantity: -3 }, qty: 0, notes: [] },
    { name: 'all locations uses the variant total, not the location rows', variant: { inventoryQuantity: 5, locations: [loc(L1, 100, 0)] }, qty: 5, notes: [] },
    // tracked, continue, chosen
    { name: 'tracked · continue · chosen · q > 0 → Σ(on hand − committed) of chosen', variant: { policy: 'continue', inventoryQuantity: 999, locations: [loc(L1, 5, 1), loc(L2, 3, 0), loc(L3, 50, 0)] }, locations: chosen, qty: 7, notes: [] },
    { name: 'tracked · continue · chosen · q = 0 → oversell', variant: { policy: 'continue', inventoryQuantity: 999, locations: [loc(L1, 2, 2), loc(L3, 50, 0)] }, locations: chosen, qty: BIG, notes: ['OVERSELL_UNLIMITED'] },
    { name: 'tracked · continue · chosen · q < 0 → oversell', variant: { policy: 'continue', inventoryQuantity: 999, locations: [loc(L1, 1, 4), loc(L2, 0, 0)] }, locations: chosen, qty: BIG, notes: ['OVERSELL_UNLIMITED'] },
    // tracked, deny, chosen
    { name: 'tracked · deny · chosen · q > 0 → Σ of chosen', variant: { inventoryQuantity: 999, locations: [loc(L1, 10, 3), loc(L2, 4, 1), loc(L3, 50, 0)] }, locations: chosen, qty: 10, notes: [] },
    { name: 'tracked · deny · chosen · one location negative is netted against the other', variant: { locations: [loc(L1, 10, 0), loc(L2, 2, 5)] }, locations: chosen, qty: 7, notes: [] },
    { name: 'tracked · deny · chosen · q = 0 → 0', variant: { inventoryQuantity: 999, locations: [loc(L1, 3, 3)] }, locations: chosen, qty: 0, notes: [] },
    { name: 'tracked · deny · chosen · q < 0 → 0', variant: { inventoryQuantity: 999, locations: [loc(L1, 1, 6), loc(L2, 0, 0)] }, locations: chosen, qty: 0, notes: [] },
    { name: 'tracked · deny · chosen · no row for the chosen locations → 0', variant: { inventoryQuantity: 999, locations: [loc(L3, 50, 0)] }, locations: chosen, qty: 0, notes: [] },
    // untracked
    { name: 'untracked · deny · all → untrackedQuantity', variant: { tracked: false, inventoryQuantity: 3 }, qty: BIG, notes: ['INVENTORY_NOT_TRACKED'] },
    { name: 'untracked · continue · all → untrackedQuantity', variant: { tracked: false, policy: 'continue', inventoryQuantity: -3 }, qty: BIG, notes: ['INVENTORY_NOT_TRACKED'] },
    { name: 'untracked · chosen → untrackedQuantity', variant: { tracked: false, locations: [loc(L1, 0, 0)] }, locations: chosen, qty: BIG, notes: ['INVENTORY_NOT_TRACKED'] },
  ];
  it.each(cases)('$name', ({ variant, locations, qty, notes }) => {
    const t = computeTarget({ variant: v(variant), tiki: { marketPrice: 0 }, config: cfg({ inventoryLocationIds: locations ?? [] }) });
    expect(t.quantity).toBe(qty);
    expect(t.notes).toEqual(notes);
  });
});

describe('computeTarget — configured big numbers', () => {
  it.each([
    ['oversell uses oversellQuantity', v({ policy: 'continue', inventoryQuantity: 0 }), { oversellQuantity: 5000, untrackedQuantity: 7 }, 5000],
    ['untracked uses untrackedQuantity', v({ tracked: false }), { oversellQuantity: 5000, untrackedQuantity: 7 }, 7],
  ] as const)('%s', (_name, variant, patch, expected) => {
    expect(computeTarget({ variant, tiki: { marketPrice: 0 }, config: cfg(patch) }).quantity).toBe(expected);
  });
});

describe('computeTarget — allocation ratio and safety stock', () => {
  const cases: { name: string; variant: Partial<VariantStockState>; ratio?: number; safety?: number; qty: number }[] = [
    { name: 'ratio 100 %, safety 0 → unchanged', variant: { inventoryQuantity: 9 }, qty: 9 },
    { name: 'ratio 80 % rounds down (9 → 7)', variant: { inventoryQuantity: 9 }, ratio: 80, qty: 7 },
    { name: 'ratio 50 % of 1 → 0', variant: { inventoryQuantity: 1 }, ratio: 50, qty: 0 },
    { name: 'ratio 33 % of 10 → 3', variant: { inventoryQuantity: 10 }, ratio: 33, qty: 3 },
    { name: 'ratio 0 % → 0', variant: { inventoryQuantity: 10 }, ratio: 0, qty: 0 },
    { name: 'safety subtracted (10 − 3)', variant: { inventoryQuantity: 10 }, safety: 3, qty: 7 },
    { name: 'safety floors at 0', variant: { inventoryQuantity: 2 }, safety: 5, qty: 0 },
    { name: 'ratio first, then safety (10 × 80 % = 8 − 3)', variant: { inventoryQuantity: 10 }, ratio: 80, safety: 3, qty: 5 },
    { name: 'deny with q < 0 stays 0 after ratio/safety', variant: { inventoryQuantity: -10 }, ratio: 80, safety: 3, qty: 0 },
    { name: 'chosen locations: ratio/safety apply to the sum', variant: { locations: [loc(L1, 20, 0), loc(L2, 5, 5)] }, ratio: 50, safety: 1, qty: 9 },
    { name: 'continue with q > 0 is finite: ratio/safety apply', variant: { policy: 'continue', inventoryQuantity: 10 }, ratio: 50, safety: 2, qty: 3 },
    { name: 'oversell big number is NOT reduced', variant: { policy: 'continue', inventoryQuantity: 0 }, ratio: 50, safety: 2, qty: BIG },
    { name: 'untracked big number is NOT reduced', variant: { tracked: false }, ratio: 50, safety: 2, qty: BIG },
    { name: 'negative safety stock is ignored', variant: { inventoryQuantity: 4 }, safety: -3, qty: 4 },
  ];
  it.each(cases)('$name', ({ variant, ratio, safety, qty }) => {
    const inventoryLocationIds = variant.locations ? [L1, L2] : [];
    const config = cfg({ stockRatioPercent: ratio ?? 100, safetyStock: safety ?? 0, inventoryLocationIds });
    expect(computeTarget({ variant: v(variant), tiki: { marketPrice: 0 }, config }).quantity).toBe(qty);
  });
});

describe('computeTarget — sync toggles and price', () => {
  const cases: {
    name: string;
    patch: Partial<Config>;
    price: number;
    marketPrice: number;
    expected: { quantity?: number; price?: number; priceBlocked?: string; notes: string[] };
  }[] = [
    { name: 'both on, price under list price', patch: {}, price: 90_000, marketPrice: 100_000, expected: { quantity: 5, price: 90_000, notes: [] } },
    { name: 'price equal to list price is pushed', patch: {}, price: 100_000, marketPrice: 100_000, expected: { quantity: 5, price: 100_000, notes: [] } },
    { name: 'list price 0 (unset) → price pushed', patch: {}, price: 90_000, marketPrice: 0, expected: { quantity: 5, price: 90_000, notes: [] } },
    { name: 'price above list price → no price, blocked, quantity still pushed', patch: {}, price: 120_000, marketPrice: 100_000, expected: { quantity: 5, priceBlocked: 'PRICE_ABOVE_LIST_PRICE', notes: ['PRICE_ABOVE_LIST_PRICE'] } },
    { name: 'price above list price with sync price off → nothing about price', patch: { syncPrice: false }, price: 120_000, marketPrice: 100_000, expected: { quantity: 5, notes: [] } },
    { name: 'syncQuantity off → no quantity', patch: { syncQuantity: false }, price: 90_000, marketPrice: 100_000, expected: { price: 90_000, notes: [] } },
    { name: 'syncPrice off → no price', patch: { syncPrice: false }, price: 90_000, marketPrice: 100_000, expected: { quantity: 5, notes: [] } },
    { name: 'both off → nothing', patch: { syncPrice: false, syncQuantity: false }, price: 90_000, marketPrice: 100_000, expected: { notes: [] } },
    { name: 'price below 10 % of list price → blocked (Tiki would reject the whole item)', patch: {}, price: 9_000, marketPrice: 100_000, expected: { quantity: 5, priceBlocked: 'PRICE_BELOW_TIKI_MINIMUM', notes: ['PRICE_BELOW_TIKI_MINIMUM'] } },
    { name: 'price exactly 10 % of list price is pushed', patch: {}, price: 10_000, marketPrice: 100_000, expected: { quantity: 5, price: 10_000, notes: [] } },
    { name: 'price 0 → blocked', patch: {}, price: 0, marketPrice: 0, expected: { quantity: 5, priceBlocked: 'PRICE_BELOW_TIKI_MINIMUM', notes: ['PRICE_BELOW_TIKI_MINIMUM'] } },
    { name: 'fractional price rounds to whole VND', patch: {}, price: 89_999.5, marketPrice: 100_000, expected: { quantity: 5, price: 90_000, notes: [] } },
  ];
  it.each(cases)('$name', ({ patch, price, marketPrice, expected }) => {
    const t = computeTarget({ variant: v({ inventoryQuantity: 5, price }), tiki: { marketPrice }, config: cfg(patch) });
    expect(t).toEqual(expected);
  });

  it('untracked with syncQuantity off carries no quantity note', () => {
    const t = computeTarget({ variant: v({ tracked: false }), tiki: { marketPrice: 0 }, config: cfg({ syncQuantity: false }) });
    expect(t).toEqual({ price: 100_000, notes: [] });
  });

  it('notes combine quantity and price codes', () => {
    const t = computeTarget({ variant: v({ tracked: false, price: 200_000 }), tiki: { marketPrice: 100_000 }, config: cfg() });
    expect(t.notes).toEqual(['INVENTORY_NOT_TRACKED', 'PRICE_ABOVE_LIST_PRICE']);
  });
});

describe('sourceQuantity', () => {
  it.each([
    ['all → variant total', [], 42],
    ['one chosen location', [L1], 4],
    ['two chosen locations', [L1, L2], 4 - 3],
    ['unknown location contributes nothing', [999], 0],
  ] as const)('%s', (_name, ids, expected) => {
    expect(sourceQuantity({ inventoryQuantity: 42, locations: [loc(L1, 5, 1), loc(L2, 0, 3), loc(L3, 100, 0)] }, ids)).toBe(expected);
  });
});

describe('diffPush', () => {
  const cases: { name: string; target: { quantity?: number; price?: number }; last: { quantity?: number; price?: number }; expected: object | null }[] = [
    { name: 'nothing pushed before → both', target: { quantity: 5, price: 10 }, last: {}, expected: { quantity: 5, price: 10 } },
    { name: 'unchanged → null', target: { quantity: 5, price: 10 }, last: { quantity: 5, price: 10 }, expected: null },
    { name: 'quantity changed only', target: { quantity: 4, price: 10 }, last: { quantity: 5, price: 10 }, expected: { quantity: 4 } },
    { name: 'price changed only', target: { quantity: 5, price: 11 }, last: { quantity: 5, price: 10 }, expected: { price: 11 } },
    { name: 'quantity 0 vs undefined is a change', target: { quantity: 0 }, last: {}, expected: { quantity: 0 } },
    { name: 'value absent from target (sync off / blocked) is never sent', target: { quantity: 5 }, last: { quantity: 5, price: 10 }, expected: null },
    { name: 'empty target → null', target: {}, last: { quantity: 1 }, expected: null },
  ];
  it.each(cases)('$name', ({ target, last, expected }) => {
    expect(diffPush(target, last)).toEqual(expected);
  });
});

describe('classifyPriority', () => {
  it.each([
    ['quantity lower → decrease', { quantity: 3 }, { quantity: 5 }, 'decrease'],
    ['quantity to 0 → decrease', { quantity: 0, price: 1 }, { quantity: 5, price: 2 }, 'decrease'],
    ['quantity never pushed → decrease (unknown Tiki value)', { quantity: 9 }, {}, 'decrease'],
    ['quantity higher → increase', { quantity: 8 }, { quantity: 5 }, 'increase'],
    ['quantity higher with a price change → increase', { quantity: 8, price: 1 }, { quantity: 5, price: 2 }, 'increase'],
    ['price only → price', { price: 10 }, { quantity: 5, price: 12 }, 'price'],
    ['quantity equal to last (no real change) → price', { quantity: 5, price: 1 }, { quantity: 5 }, 'price'],
  ] as const)('%s', (_name, change, last, expected) => {
    expect(classifyPriority(change, last)).toBe(expected);
  });
});

describe('sortByPriority', () => {
  it('decreases (lowest new quantity first), then increases, then price-only; stable; input untouched', () => {
    const items: (PushItem & { id: string })[] = [
      { id: 'price-1', change: { price: 1 }, lastPushed: { quantity: 1, price: 2 } },
      { id: 'inc-1', change: { quantity: 9 }, lastPushed: { quantity: 1 } },
      { id: 'dec-to-5', change: { quantity: 5 }, lastPushed: { quantity: 9 } },
      { id: 'price-2', change: { price: 3 }, lastPushed: {} },
      { id: 'dec-to-0', change: { quantity: 0 }, lastPushed: { quantity: 2 } },
      { id: 'inc-2', change: { quantity: 4, price: 1 }, lastPushed: { quantity: 3 } },
      { id: 'new-3', change: { quantity: 3 }, lastPushed: {} },
      { id: 'dec-to-5b', change: { quantity: 5 }, lastPushed: { quantity: 6 } },
    ];
    const copy = [...items];
    expect(sortByPriority(items).map((i) => i.id)).toEqual(['dec-to-0', 'new-3', 'dec-to-5', 'dec-to-5b', 'inc-1', 'inc-2', 'price-1', 'price-2']);
    expect(items).toEqual(copy);
  });
  it('empty → empty', () => {
    expect(sortByPriority([])).toEqual([]);
  });
});

describe('resolveTargetWarehouses', () => {
  it.each([
    ['configured ids win', [7, 8], [{ id: 1, isPrimary: true }], [7, 8]],
    ['configured ids are de-duplicated', [7, 7, 8], [], [7, 8]],
    ['none configured → the primary', [], [{ id: 1 }, { id: 2, isPrimary: true }], [2]],
    ['none configured, no primary → the first', [], [{ id: 3 }, { id: 4 }], [3]],
    ['no warehouse at all → []', [], [], []],
  ] as const)('%s', (_name, configured, seller, expected) => {
    expect(resolveTargetWarehouses(configured, seller)).toEqual(expected);
  });
});

describe('warehouseQuantities', () => {
  const cases: { name: string; qty: number; targets: number[]; current: { warehouseId: number; qtyAvailable: number }[]; expected: [number, number][] }[] = [
    { name: 'single target, no current stock', qty: 5, targets: [1], current: [], expected: [[1, 5]] },
    { name: 'single target overwrites its current value', qty: 5, targets: [1], current: [{ warehouseId: 1, qtyAvailable: 40 }], expected: [[1, 5]] },
    { name: 'other warehouses are carried unchanged (batch endpoint zeroes omitted ones)', qty: 5, targets: [1], current: [{ warehouseId: 2, qtyAvailable: 9 }, { warehouseId: 1, qtyAvailable: 3 }, { warehouseId: 3, qtyAvailable: 0 }], expected: [[1, 5], [2, 9], [3, 0]] },
    { name: 'several targets: all to the first, 0 to the other targets (no double counting)', qty: 5, targets: [1, 2], current: [{ warehouseId: 2, qtyAvailable: 7 }, { warehouseId: 3, qtyAvailable: 4 }], expected: [[1, 5], [2, 0], [3, 4]] },
    { name: 'target order follows the config', qty: 6, targets: [2, 1], current: [{ warehouseId: 1, qtyAvailable: 1 }, { warehouseId: 2, qtyAvailable: 1 }], expected: [[2, 6], [1, 0]] },
    { name: 'duplicate target ids collapse', qty: 6, targets: [1, 1], current: [], expected: [[1, 6]] },
    { name: 'duplicate current rows keep the first', qty: 6, targets: [1], current: [{ warehouseId: 2, qtyAvailable: 3 }, { warehouseId: 2, qtyAvailable: 8 }], expected: [[1, 6], [2, 3]] },
    { name: 'negative quantity is written as 0', qty: -4, targets: [1], current: [], expected: [[1, 0]] },
    { name: 'fractional quantity rounds down', qty: 4.9, targets: [1], current: [], expected: [[1, 4]] },
    { name: 'big oversell number is written as is', qty: BIG, targets: [1], current: [], expected: [[1, BIG]] },
  ];
  it.each(cases)('$name', ({ qty, targets, current, expected }) => {
    expect(warehouseQuantities(qty, targets, current)).toEqual(expected.map(([warehouseId, qtyAvailable]) => ({ warehouseId, qtyAvailable })));
  });

  it('the total written to the target warehouses equals the target quantity', () => {
    const out = warehouseQuantities(17, [1, 2, 3], [{ warehouseId: 2, qtyAvailable: 50 }, { warehouseId: 3, qtyAvailable: 50 }]);
    expect(out.filter((w) => [1, 2, 3].includes(w.warehouseId)).reduce((s, w) => s + w.qtyAvailable, 0)).toBe(17);
  });

  it('requires a target warehouse', () => {
    expect(() => warehouseQuantities(1, [], [])).toThrow(/target Tiki warehouse/);
  });
});
