import { PRIORITY_RANK, sortByPriority, type PushValues } from '../../../domain/stock';
import { hasChange, heldAfterWrite, isSuperseded, mergeConfirmed, readBackPays, referenceValues, sameChange } from '../../../domain/stock-writes';

const W1 = 1;
const W2 = 2;
const OTHER = 9;
const stocks = (...rows: [number, number][]) => rows.map(([warehouseId, qtyAvailable]) => ({ warehouseId, qtyAvailable }));

describe('referenceValues — what a planned value is compared with', () => {
  const cases: { name: string; input: Parameters<typeof referenceValues>[0]; want: PushValues }[] = [
    {
      name: 'no Tiki read → the last confirmed push',
      input: { lastConfirmed: { quantity: 4, price: 90_000 }, targetWarehouseIds: [W1] },
      want: { quantity: 4, price: 90_000 },
    },
    {
      name: 'no Tiki read, never confirmed → unknown',
      input: { lastConfirmed: {}, targetWarehouseIds: [W1] },
      want: { quantity: undefined, price: undefined },
    },
    {
      name: 'Tiki read, one target → its quantity and price (not the last push)',
      input: { actual: { stocks: stocks([W1, 7], [OTHER, 50]), price: 80_000 }, lastConfirmed: { quantity: 4, price: 90_000 }, targetWarehouseIds: [W1] },
      want: { quantity: 7, price: 80_000 },
    },
    {
      name: 'Tiki read, target warehouse missing from the SKU → 0',
      input: { actual: { stocks: stocks([OTHER, 50]), price: 80_000 }, lastConfirmed: {}, targetWarehouseIds: [W1] },
      want: { quantity: 0, price: 80_000 },
    },
    {
      name: 'several targets, all in the first (the first-warehouse rule holds) → the sum',
      input: { actual: { stocks: stocks([W1, 7], [W2, 0], [OTHER, 50]), price: 80_000 }, lastConfirmed: {}, targetWarehouseIds: [W1, W2] },
      want: { quantity: 7, price: 80_000 },
    },
    {
      name: 'several targets, quantity split over them → unknown (rewritten into the first)',
      input: { actual: { stocks: stocks([W1, 4], [W2, 3]), price: 80_000 }, lastConfirmed: { quantity: 7 }, targetWarehouseIds: [W1, W2] },
      want: { quantity: undefined, price: 80_000 },
    },
    {
      name: 'several targets, all in the second → unknown',
      input: { actual: { stocks: stocks([W1, 0], [W2, 7]), price: 80_000 }, lastConfirmed: {}, targetWarehouseIds: [W1, W2] },
      want: { quantity: undefined, price: 80_000 },
    },
  ];
  test.each(cases)('$name', ({ input, want }) => expect(referenceValues(input)).toEqual(want));
});

describe('heldAfterWrite — what Tiki holds once a write is confirmed', () => {
  const cases: { name: string; change: PushValues; target: PushValues; read: boolean; want: PushValues }[] = [
    { name: 'incremental: only the written fields', change: { quantity: 3 }, target: { quantity: 3, price: 100 }, read: false, want: { quantity: 3, price: undefined } },
    { name: 'Tiki read: the written fields and the target fields found in place', change: { quantity: 3 }, target: { quantity: 3, price: 100 }, read: true, want: { quantity: 3, price: 100 } },
    { name: 'Tiki read, price written', change: { price: 120 }, target: { quantity: 5, price: 120 }, read: true, want: { quantity: 5, price: 120 } },
    { name: 'Tiki read, target without price (sync off)', change: { quantity: 1 }, target: { quantity: 1 }, read: true, want: { quantity: 1, price: undefined } },
  ];
  test.each(cases)('$name', ({ change, target, read, want }) => expect(heldAfterWrite(change, target, read)).toEqual(want));
});

describe('mergeConfirmed — the last confirmed values after a write', () => {
  const cases: { name: string; previous?: PushValues; held: PushValues; want: PushValues }[] = [
    { name: 'nothing before', held: { quantity: 2 }, want: { quantity: 2, price: undefined } },
    { name: 'new quantity keeps the earlier price', previous: { quantity: 5, price: 100 }, held: { quantity: 2 }, want: { quantity: 2, price: 100 } },
    { name: 'new price keeps the earlier quantity', previous: { quantity: 5, price: 100 }, held: { price: 90 }, want: { quantity: 5, price: 90 } },
  ];
  test.each(cases)('$name', ({ previous, held, want }) => expect(mergeConfirmed(previous, held)).toEqual(want));
});

describe('isSuperseded — a planned write is dropped', () => {
  const base = { change: { quantity: 3 } as PushValues, readAt: 1_000, verified: false };
  const cases: { name: string; input: Parameters<typeof isSuperseded>[0]; want: boolean }[] = [
    { name: 'nothing confirmed yet → sent', input: base, want: false },
    { name: 'a later Haravan read already confirmed → dropped', input: { ...base, confirmedReadAt: 1_001 }, want: true },
    { name: 'an older read confirmed → sent', input: { ...base, confirmedReadAt: 999 }, want: false },
    { name: 'same read time confirmed → sent', input: { ...base, confirmedReadAt: 1_000 }, want: false },
    { name: 'incremental, the same quantity just confirmed → dropped', input: { ...base, lastConfirmed: { quantity: 3, price: 5 } }, want: true },
    { name: 'incremental, another quantity confirmed → sent', input: { ...base, lastConfirmed: { quantity: 4 } }, want: false },
    { name: 'incremental, price change with that price confirmed → dropped', input: { ...base, change: { price: 5 }, lastConfirmed: { quantity: 1, price: 5 } }, want: true },
    { name: 'incremental, quantity and price, only the quantity confirmed → sent', input: { ...base, change: { quantity: 3, price: 5 }, lastConfirmed: { quantity: 3 } }, want: false },
    { name: 'verified pass ignores the last confirmed values (Tiki was read)', input: { ...base, verified: true, lastConfirmed: { quantity: 3 } }, want: false },
    { name: 'verified pass still yields to a fresher read', input: { ...base, verified: true, confirmedReadAt: 2_000 }, want: true },
  ];
  test.each(cases)('$name', ({ input, want }) => expect(isSuperseded(input)).toBe(want));
});

describe('hasChange / sameChange', () => {
  test.each([
    [{}, false],
    [{ quantity: 0 }, true],
    [{ price: 1 }, true],
    [{ quantity: undefined, price: undefined }, false],
  ] as [PushValues, boolean][])('hasChange(%j) = %s', (change, want) => expect(hasChange(change)).toBe(want));

  test.each([
    [{ quantity: 1 }, { quantity: 1 }, true],
    [{ quantity: 1 }, { quantity: 1, price: 2 }, false],
    [{ quantity: 1, price: 2 }, { quantity: 1, price: 2 }, true],
    [{ price: 2 }, { quantity: 0, price: 2 }, false],
    [{}, {}, true],
  ] as [PushValues, PushValues, boolean][])('sameChange(%j, %j) = %s', (a, b, want) => expect(sameChange(a, b)).toBe(want));
});

describe('readBackPays — read Tiki back to batch, or write one by one', () => {
  test.each([
    // changes, listing pages, batch size, pays
    [50, 1, 50, true], // 1 read + 1 batch < 50
    [50, 48, 50, true], // 48 + 1 = 49 < 50
    [50, 49, 50, false], // 49 + 1 = 50, not fewer
    [2, 1, 50, false], // 1 + 1 = 2
    [120, 100, 50, true], // 100 + 3 = 103 < 120
  ])('%i changes, %i pages, batches of %i → %s', (changes, pages, size, want) => expect(readBackPays(changes, pages, size)).toBe(want));
});

describe('PRIORITY_RANK — the write queues', () => {
  test('decreases before increases before price, the order sortByPriority uses', () => {
    expect(Object.entries(PRIORITY_RANK).sort((a, b) => a[1] - b[1]).map(([p]) => p)).toEqual(['decrease', 'increase', 'price']);
    const items = [
      { change: { price: 1 }, lastPushed: {} },
      { change: { quantity: 9 }, lastPushed: { quantity: 1 } },
      { change: { quantity: 0 }, lastPushed: { quantity: 1 } },
    ];
    expect(sortByPriority(items).map((i) => i.change)).toEqual([{ quantity: 0 }, { quantity: 9 }, { price: 1 }]);
  });
});
