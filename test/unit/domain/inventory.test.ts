import { inventoryPolicyOf, isInventoryTracked } from '../../../domain/inventory';
import { computeLinks } from '../../../domain/linking';
import { variantState } from '../../../activities/stock/read-haravan';

describe('isInventoryTracked — one definition for linking and the stock push', () => {
  test.each([
    ['haravan', true],
    [null, false],
    [undefined, false],
    ['', false],
    ['Haravan', false],
    ['shopify', false],
    [1, false],
  ] as [unknown, boolean][])('%j → %s', (raw, want) => expect(isInventoryTracked(raw)).toBe(want));
});

describe('inventoryPolicyOf', () => {
  test.each([
    ['continue', 'continue'],
    ['deny', 'deny'],
    [null, 'deny'],
    ['', 'deny'],
    ['CONTINUE', 'deny'],
  ] as [unknown, string][])('%j → %s', (raw, want) => expect(inventoryPolicyOf(raw)).toBe(want));
});

describe('linking and the stock push read "tracked" the same way', () => {
  test.each(['haravan', null, '', 'other'])('inventory_management %j', (management) => {
    const [outcome] = computeLinks({
      products: [{ id: 1, title: 'p', updatedAt: '2026-01-01T00:00:00Z', variants: [{ id: 2, barcode: 'B1', price: 100, inventoryManagement: management, inventoryPolicy: 'deny' }] }],
      tikiSkus: [{ productId: 3, sku: 'T3', originalSku: 'B1', price: 100, marketPrice: 0 }],
      config: { syncPrice: false },
    });
    const flaggedUntracked = outcome.issues.some((i) => i.code === 'INVENTORY_NOT_TRACKED');
    const state = variantState({ id: 1, variants: [{ id: 2, inventory_management: management }] } as never, { id: 2, inventory_management: management } as never, 0);
    expect(flaggedUntracked).toBe(!isInventoryTracked(management));
    expect(state.tracked).toBe(isInventoryTracked(management));
  });
});
