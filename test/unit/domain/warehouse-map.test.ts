import { DEFAULT_CONFIG, mergeConfig, stockConfigChanged, validateConfigPatch, type Config } from '../../../domain/config';
import type { HeldUnits } from '../../../domain/reservations';
import { classifyPriority, diffPush, warehouseQuantities, type PushValues, type VariantStockState } from '../../../domain/stock';
import { heldAfterWrite, isSuperseded, mergeConfirmed, referenceValues, sameChange } from '../../../domain/stock-writes';
import {
  orderLocationFor,
  regionalAddBack,
  regionalSplit,
  regionalTarget,
  stockSourceLocationIds,
  stockTargetWarehouses,
  warehouseMapIssues,
  warehouseMapSourceIssues,
  type RegionalQuantity,
} from '../../../domain/warehouse-map';

const HCM = 1034; // Tiki warehouse in Hồ Chí Minh
const HN = 1015; // Tiki warehouse in Hà Nội
const OTHER = 77; // a warehouse of the SKU we do not write
const Q1 = 11; // Haravan locations in HCM
const Q7 = 12;
const HK = 21; // Haravan location in Hà Nội

const MAP = [
  { tikiWarehouseId: HCM, inventoryLocationIds: [Q1, Q7] },
  { tikiWarehouseId: HN, inventoryLocationIds: [HK] },
];
const cfg = (patch: Partial<Config> = {}) => mergeConfig(DEFAULT_CONFIG, { warehouseMap: MAP, ...patch });
const variant = (rows: [number, number, number][], over: Partial<VariantStockState> = {}): VariantStockState => ({
  tracked: true,
  policy: 'deny',
  inventoryQuantity: rows.reduce((a, [, on, c]) => a + on - c, 0),
  price: 100_000,
  locations: rows.map(([locationId, onHand, committed]) => ({ locationId, onHand, committed })),
  ...over,
});
const tiki = { marketPrice: 200_000 };
const region = (warehouseId: number, quantity: number, marker = false): RegionalQuantity => ({ warehouseId, quantity, marker, notes: [] });

describe('regionalTarget — each mapped warehouse gets the §4 rule over its own locations', () => {
  const cases: { name: string; v: VariantStockState; config?: Partial<Config>; want: [number, number, boolean][]; total: number; notes?: string[] }[] = [
    { name: 'two regions, on hand − committed per location', v: variant([[Q1, 6, 1], [Q7, 3, 0], [HK, 4, 2]]), want: [[HCM, 8, false], [HN, 2, false]], total: 10 },
    { name: 'a location mapped nowhere is not sold', v: variant([[Q1, 5, 0], [99, 40, 0], [HK, 1, 0]]), want: [[HCM, 5, false], [HN, 1, false]], total: 6 },
    { name: 'deny: a region below zero holds 0, the other keeps its own', v: variant([[Q1, 1, 4], [HK, 7, 0]]), want: [[HCM, 0, false], [HN, 7, false]], total: 7 },
    {
      name: 'continue: an empty region keeps selling (marker), the other sells its stock',
      v: variant([[Q1, 0, 0], [HK, 3, 0]], { policy: 'continue' }),
      want: [[HCM, 1_000_000, true], [HN, 3, false]],
      total: 1_000_003,
      notes: ['OVERSELL_UNLIMITED'],
    },
    { name: 'untracked: every region holds the untracked quantity', v: variant([[Q1, 5, 0]], { tracked: false }), want: [[HCM, 1_000_000, true], [HN, 1_000_000, true]], total: 2_000_000, notes: ['INVENTORY_NOT_TRACKED'] },
    { name: 'ratio and safety stock per warehouse', v: variant([[Q1, 10, 0], [HK, 5, 0]]), config: { stockRatioPercent: 50, safetyStock: 1 }, want: [[HCM, 4, false], [HN, 1, false]], total: 5 },
  ];
  it.each(cases)('$name', ({ v, config, want, total, notes }) => {
    const { target, regional } = regionalTarget({ variant: v, tiki, config: cfg(config) });
    expect(regional!.map((r) => [r.warehouseId, r.quantity, r.marker])).toEqual(want);
    expect(target.quantity).toBe(total);
    expect(target.price).toBe(100_000);
    expect(target.notes).toEqual(notes ?? []);
  });

  it('without a mapping it is computeTarget as it is (no regional part)', () => {
    const out = regionalTarget({ variant: variant([[Q1, 6, 1], [HK, 4, 0]]), tiki, config: mergeConfig(DEFAULT_CONFIG, { inventoryLocationIds: [Q1] }) });
    expect(out.regional).toBeUndefined();
    expect(out.target.quantity).toBe(5);
  });

  it('quantity sync off: no regional quantities, price only', () => {
    const out = regionalTarget({ variant: variant([[Q1, 6, 0]]), tiki, config: cfg({ syncQuantity: false }) });
    expect(out.regional).toBeUndefined();
    expect(out.target).toEqual({ price: 100_000, notes: [] });
  });
});

describe('regionalAddBack and regionalSplit — each warehouse holds its own add-back of Tiki reservations', () => {
  const held = (...rows: [number | null, number][]): HeldUnits => new Map(rows);
  const cases: { name: string; regional: RegionalQuantity[]; held?: HeldUnits; reserved?: Map<number, number>; want: [number, number][] }[] = [
    { name: 'no reservations', regional: [region(HCM, 8), region(HN, 2)], want: [[HCM, 8], [HN, 2]] },
    { name: 'a reservation in HN adds back in HN only', regional: [region(HCM, 8), region(HN, 2)], held: held([HN, 3]), want: [[HCM, 8], [HN, 5]] },
    { name: 'one in each', regional: [region(HCM, 8), region(HN, 2)], held: held([HCM, 1], [HN, 3]), want: [[HCM, 9], [HN, 5]] },
    { name: 'capped by what Tiki reports reserved there', regional: [region(HCM, 8), region(HN, 2)], held: held([HN, 3]), reserved: new Map([[HN, 1]]), want: [[HCM, 8], [HN, 3]] },
    { name: 'unknown warehouse → the first mapped one', regional: [region(HCM, 8), region(HN, 2)], held: held([null, 2]), want: [[HCM, 10], [HN, 2]] },
    { name: 'a warehouse we do not write gets nothing', regional: [region(HCM, 8), region(HN, 2)], held: held([OTHER, 4]), want: [[HCM, 8], [HN, 2]] },
    { name: 'a warehouse holding a marker gets no add-back', regional: [region(HCM, 1_000_000, true), region(HN, 2)], held: held([HCM, 3], [HN, 1]), want: [[HCM, 1_000_000], [HN, 3]] },
  ];
  it.each(cases)('$name', ({ regional, held: h, reserved, want }) => {
    const split = regionalSplit(regional, regionalAddBack(regional, h, reserved));
    expect(split.map((s) => [s.warehouseId, s.qtyAvailable])).toEqual(want);
  });
});

describe('what the push compares and writes under a mapping', () => {
  const split = (hcm: number, hn: number) => [
    { warehouseId: HCM, qtyAvailable: hcm },
    { warehouseId: HN, qtyAvailable: hn },
  ];
  const values = (hcm: number, hn: number, price?: number): PushValues => ({ quantity: hcm + hn, price, split: split(hcm, hn) });

  it.each<{ name: string; target: PushValues; last: PushValues; want: PushValues | null; priority?: string }>([
    { name: 'same split: nothing to write', target: values(8, 2), last: values(8, 2), want: null },
    { name: 'one unit moved from HN to HCM: same total, still written', target: values(9, 1), last: values(8, 2), want: values(9, 1), priority: 'decrease' },
    { name: 'HN went down', target: values(8, 1), last: values(8, 2), want: values(8, 1), priority: 'decrease' },
    { name: 'HCM went up', target: values(9, 2), last: values(8, 2), want: values(9, 2), priority: 'increase' },
    { name: 'never written per warehouse (no split held): written', target: values(8, 2), last: { quantity: 10 }, want: values(8, 2), priority: 'decrease' },
    { name: 'mapping cleared: a total over a split is written again', target: { quantity: 10 }, last: values(8, 2), want: { quantity: 10 }, priority: 'decrease' },
    { name: 'without a mapping, the total decides as before', target: { quantity: 10, price: 5 }, last: { quantity: 10, price: 5 }, want: null },
    { name: 'price only', target: values(8, 2, 6), last: values(8, 2, 5), want: { price: 6 }, priority: 'price' },
  ])('diffPush / classifyPriority: $name', ({ target, last, want, priority }) => {
    const change = diffPush(target, last);
    expect(change).toEqual(want);
    if (change && priority) expect(classifyPriority(change, last)).toBe(priority);
  });

  it('warehouseQuantities writes the split, carries warehouses not ours, zeroes a target the split leaves out', () => {
    const current = [{ warehouseId: OTHER, qtyAvailable: 4 }, { warehouseId: HN, qtyAvailable: 9 }];
    expect(warehouseQuantities(10, [HCM, HN], current, new Map([[HN, 3]]), split(7, 3))).toEqual([
      { warehouseId: HCM, qtyAvailable: 7 },
      { warehouseId: HN, qtyAvailable: 3 },
      { warehouseId: OTHER, qtyAvailable: 4 },
    ]);
    expect(warehouseQuantities(7, [HCM, HN], [], new Map(), [{ warehouseId: HCM, qtyAvailable: 7 }])).toEqual([
      { warehouseId: HCM, qtyAvailable: 7 },
      { warehouseId: HN, qtyAvailable: 0 },
    ]);
  });

  it('referenceValues (regional): Tiki’s rows per target warehouse, others ignored', () => {
    const actual = { price: 5, stocks: [{ warehouseId: HCM, qtyAvailable: 8 }, { warehouseId: OTHER, qtyAvailable: 40 }, { warehouseId: HN, qtyAvailable: 2 }] };
    expect(referenceValues({ actual, lastConfirmed: {}, targetWarehouseIds: [HCM, HN], addBack: new Map([[HN, 2]]), regional: true })).toEqual({ quantity: 10, price: 5, split: split(8, 2) });
    // a warehouse Tiki does not list yet holds 0
    expect(referenceValues({ actual: { price: 5, stocks: [{ warehouseId: HCM, qtyAvailable: 3 }] }, lastConfirmed: {}, targetWarehouseIds: [HCM, HN], regional: true })).toEqual({ quantity: 3, price: 5, split: split(3, 0) });
    // not read: the last confirmed values, split included
    expect(referenceValues({ lastConfirmed: values(8, 2, 5), targetWarehouseIds: [HCM, HN], regional: true })).toEqual(values(8, 2, 5));
  });

  it('confirmed values keep their split; a superseded check compares it too', () => {
    const held = heldAfterWrite(values(9, 1), values(9, 1, 5), true);
    expect(held).toEqual(values(9, 1, 5));
    expect(mergeConfirmed(values(8, 2, 4), { price: 6 })).toEqual(values(8, 2, 6));
    expect(mergeConfirmed(values(8, 2, 4), { quantity: 10 })).toEqual({ quantity: 10, price: 4 });
    expect(sameChange(values(9, 1), values(8, 2))).toBe(false);
    expect(isSuperseded({ change: values(9, 1), readAt: 2, verified: false, lastConfirmed: values(8, 2) })).toBe(false);
    expect(isSuperseded({ change: values(9, 1), readAt: 2, verified: false, lastConfirmed: values(9, 1) })).toBe(true);
  });
});

describe('sources and targets of the push', () => {
  it.each<{ name: string; config: Partial<Config>; sources: number[]; targets: number[] }>([
    { name: 'no mapping, all locations, the primary warehouse', config: {}, sources: [], targets: [HN] },
    { name: 'no mapping, chosen locations and warehouses', config: { inventoryLocationIds: [HK], tikiWarehouseIds: [HCM, HN] }, sources: [HK], targets: [HCM, HN] },
    { name: 'a mapping: its locations and its warehouses, in its order', config: { warehouseMap: MAP, inventoryLocationIds: [99], tikiWarehouseIds: [OTHER] }, sources: [Q1, Q7, HK], targets: [HCM, HN] },
    { name: 'an empty mapping is no mapping', config: { warehouseMap: [], tikiWarehouseIds: [OTHER] }, sources: [], targets: [OTHER] },
  ])('$name', ({ config, sources, targets }) => {
    const c = mergeConfig(DEFAULT_CONFIG, config);
    expect(stockSourceLocationIds(c)).toEqual(sources);
    expect(stockTargetWarehouses(c, [{ id: HCM }, { id: HN, isPrimary: true }])).toEqual(targets);
  });

  it.each<[string, Partial<Config>, number | null | undefined, number | undefined]>([
    ['mapped warehouse → its first location', { warehouseMap: MAP, orderLocationId: 5 }, HN, HK],
    ['unmapped warehouse → the order location', { warehouseMap: MAP, orderLocationId: 5 }, OTHER, 5],
    ['unknown warehouse, no order location → the shop’s primary', { warehouseMap: MAP }, null, undefined],
    ['no mapping → the order location', { orderLocationId: 5 }, HN, 5],
  ])('orderLocationFor: %s', (_n, config, warehouse, want) => {
    expect(orderLocationFor(mergeConfig(DEFAULT_CONFIG, config), warehouse)).toBe(want);
  });

  it('a mapping change is stock-affecting', () => {
    expect(stockConfigChanged(DEFAULT_CONFIG, cfg())).toBe(true);
    expect(stockConfigChanged(cfg(), cfg())).toBe(false);
  });
});

describe('validation', () => {
  it.each<{ name: string; map: unknown; paths: string[] }>([
    { name: 'a good mapping', map: MAP, paths: [] },
    { name: 'empty = no mapping', map: [], paths: [] },
    { name: 'not a list', map: { a: 1 }, paths: ['warehouseMap'] },
    { name: 'a warehouse twice', map: [MAP[0], { tikiWarehouseId: HCM, inventoryLocationIds: [HK] }], paths: ['warehouseMap.1.tikiWarehouseId'] },
    { name: 'a location in two warehouses (sold twice)', map: [MAP[0], { tikiWarehouseId: HN, inventoryLocationIds: [Q7] }], paths: ['warehouseMap.1.inventoryLocationIds.0'] },
    { name: 'a location repeated in one entry', map: [{ tikiWarehouseId: HN, inventoryLocationIds: [HK, HK] }], paths: ['warehouseMap.0.inventoryLocationIds.1'] },
    { name: 'a warehouse with no location', map: [{ tikiWarehouseId: HN, inventoryLocationIds: [] }], paths: ['warehouseMap.0.inventoryLocationIds'] },
    { name: 'ids must be positive integers', map: [{ tikiWarehouseId: -1, inventoryLocationIds: [1.5] }], paths: ['warehouseMap.0.tikiWarehouseId', 'warehouseMap.0.inventoryLocationIds'] },
    { name: 'an entry that is not an object', map: [7], paths: ['warehouseMap.0'] },
  ])('warehouseMapIssues: $name', ({ map, paths }) => {
    expect(warehouseMapIssues(map).map((i) => i.path)).toEqual(paths);
    expect(validateConfigPatch({ warehouseMap: map as Config['warehouseMap'] }).map((i) => i.path)).toEqual(paths);
  });

  it('warehouseMapSourceIssues: ids the shop or the seller do not have, with their codes', () => {
    const issues = warehouseMapSourceIssues(
      [
        { tikiWarehouseId: HCM, inventoryLocationIds: [Q1, 404] },
        { tikiWarehouseId: 505, inventoryLocationIds: [HK] },
      ],
      { locationIds: [Q1, Q7, HK], warehouseIds: [HCM, HN] },
    );
    expect(issues.map((i) => [i.path, i.code, i.id])).toEqual([
      ['warehouseMap.0.inventoryLocationIds.1', 'WAREHOUSE_MAP_UNKNOWN_LOCATION', 404],
      ['warehouseMap.1.tikiWarehouseId', 'WAREHOUSE_MAP_UNKNOWN_WAREHOUSE', 505],
    ]);
    expect(warehouseMapSourceIssues(MAP, { locationIds: [Q1, Q7, HK], warehouseIds: [HCM, HN] })).toEqual([]);
  });
});
