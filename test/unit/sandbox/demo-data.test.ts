import { DEFAULT_CONFIG } from '../../../domain/config';
import { normalizePhone } from '../../../domain/customer';
import { computeLinks, type LinkOutcome } from '../../../domain/linking';
import { computeTarget } from '../../../domain/stock';
import {
  createRng,
  demoBuyers,
  ean13CheckDigit,
  generateCatalogue,
  generateDemoShop,
  isValidEan13,
  SCENARIO_PRODUCT_COUNT,
  toLinkInput,
  type DemoShop,
  type DemoShopOptions,
  type HaravanSeedProduct,
  type TikiSeedProduct,
} from '../../../sandbox/demo-data';
import { ShopSeedSchema } from '../../../sandbox/haravan/seed';

const OPTIONS: DemoShopOptions = {
  seed: 42,
  shopId: 200000244883,
  products: 40,
  accessToken: 'demo-access-token-0001',
  tiki: { sellerId: 58765, clientId: 'demo-client', clientSecret: 'demo-secret' },
};

const shop = generateDemoShop(OPTIONS);
const haravanVariants = shop.haravan.products.flatMap((p) => p.variants);

/** Everything the rules derive from the demo shop (default config). */
function evaluate(products: HaravanSeedProduct[], tikiProducts: TikiSeedProduct[]) {
  const input = toLinkInput(products, tikiProducts);
  const outcomes = computeLinks({ ...input, config: { syncPrice: true } });
  const variantById = new Map(products.flatMap((p) => p.variants).map((v) => [v.id as number, v]));
  const tikiById = new Map(tikiProducts.map((t) => [t.product_id as number, t]));
  const targets = outcomes
    .filter((o): o is LinkOutcome & { link: NonNullable<LinkOutcome['link']> } => o.link !== undefined)
    .map((o) => {
      const v = variantById.get(o.haravanVariantId)!;
      const rows = v.inventory ?? [];
      const q = rows.reduce((s, r) => s + r.qty_onhand - (r.qty_commited ?? 0), 0);
      const tracked = v.inventory_management === 'haravan';
      const target = computeTarget({
        variant: { tracked, policy: v.inventory_policy, inventoryQuantity: q, price: v.price, locations: rows.map((r) => ({ locationId: r.location_id, onHand: r.qty_onhand, committed: r.qty_commited ?? 0 })) },
        tiki: { marketPrice: tikiById.get(o.link.tikiProductId)!.market_price },
        config: DEFAULT_CONFIG,
      });
      return { outcome: o, variant: v, q, tracked, target };
    });
  return { outcomes, targets, codes: new Set<string>(outcomes.flatMap((o) => o.issues.map((i) => i.code))), notes: new Set<string>(targets.flatMap((t) => t.target.notes)) };
}

describe('PRNG and EAN-13', () => {
  it('createRng is deterministic per seed and in [0, 1)', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs).not.toEqual(Array.from({ length: 1000 }, () => c()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it.each([
    ['400638133393', 1],
    ['590123412345', 7],
    ['893604527001', 1],
    ['000000000000', 0],
  ])('check digit of %s is %i', (first12, digit) => {
    expect(ean13CheckDigit(first12)).toBe(digit);
  });

  it.each([
    ['4006381333931', true],
    ['5901234123457', true],
    ['5901234123458', false],
    ['590123412345', false],
    ['59012341234570', false],
    ['59012341234a7', false],
  ])('isValidEan13(%s) = %p', (code, ok) => {
    expect(isValidEan13(code)).toBe(ok);
  });

  it('rejects a malformed prefix', () => {
    expect(() => ean13CheckDigit('12345')).toThrow();
  });
});

describe('generateDemoShop — determinism and shape', () => {
  it('same options → identical output', () => {
    expect(JSON.stringify(generateDemoShop(OPTIONS))).toBe(JSON.stringify(shop));
  });

  it.each([
    ['seed', { ...OPTIONS, seed: 43 }],
    ['shop id', { ...OPTIONS, shopId: 200000244884 }],
  ])('a different %s → different data', (_name, other) => {
    expect(JSON.stringify(generateDemoShop(other).haravan.products)).not.toBe(JSON.stringify(shop.haravan.products));
  });

  it('passes the credentials through', () => {
    expect(shop.haravan.accessToken).toBe(OPTIONS.accessToken);
    expect(shop.haravan.shop.id).toBe(OPTIONS.shopId);
    expect(shop.tiki.seller.id).toBe(OPTIONS.tiki.sellerId);
    expect(shop.tiki).toMatchObject({ clientId: 'demo-client', clientSecret: 'demo-secret' });
    expect(shop.tiki).not.toHaveProperty('apiKey');
    expect(generateDemoShop({ ...OPTIONS, tiki: { ...OPTIONS.tiki, apiKey: 'k-123' } }).tiki.apiKey).toBe('k-123');
  });

  it.each([
    [1, SCENARIO_PRODUCT_COUNT],
    [SCENARIO_PRODUCT_COUNT, SCENARIO_PRODUCT_COUNT],
    [40, 40],
    [150, 150],
  ])('products: %i → %i Haravan products (the scenario set is always there)', (n, expected) => {
    expect(generateDemoShop({ ...OPTIONS, products: n }).haravan.products).toHaveLength(expected);
  });

  it('the Haravan body satisfies the Haravan sandbox seed schema', () => {
    const parsed = ShopSeedSchema.safeParse(shop.haravan);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('2–3 Haravan locations with Vietnamese names, exactly one primary', () => {
    const names = shop.haravan.locations.map((l) => l.name);
    expect(names).toEqual(['Kho Quận 1', 'Kho Thủ Đức', 'Kho Hà Nội']);
    expect(shop.haravan.locations.filter((l) => l.is_primary)).toHaveLength(1);
  });

  it('1–2 Tiki warehouses, one primary; a valid sid', () => {
    expect(shop.tiki.warehouses.length).toBeGreaterThanOrEqual(1);
    expect(shop.tiki.warehouses.length).toBeLessThanOrEqual(2);
    expect(shop.tiki.warehouses.filter((w) => w.is_primary)).toHaveLength(1);
    expect(shop.tiki.seller.sid).toMatch(/^[0-9A-F]{40}$/);
  });

  it('ids are unique (Haravan products and variants share one id space; Tiki product ids and SKUs)', () => {
    const haravanIds = [...shop.haravan.products.map((p) => p.id), ...haravanVariants.map((v) => v.id)];
    expect(haravanIds.every((id) => Number.isSafeInteger(id))).toBe(true);
    expect(new Set(haravanIds).size).toBe(haravanIds.length);
    const tikiIds = shop.tiki.products.map((p) => p.product_id);
    expect(new Set(tikiIds).size).toBe(tikiIds.length);
    const skus = shop.tiki.products.map((p) => p.sku);
    expect(skus.every((s) => /^[1-9]\d{12}$/.test(s ?? ''))).toBe(true);
    expect(new Set(skus).size).toBe(skus.length);
  });

  it('two shops with different ids get disjoint Haravan and Tiki ids', () => {
    const other = generateDemoShop({ ...OPTIONS, shopId: OPTIONS.shopId + 1, tiki: { ...OPTIONS.tiki, sellerId: OPTIONS.tiki.sellerId + 1 } });
    const ids = (s: DemoShop) => [...s.haravan.products.map((p) => p.id), ...s.haravan.products.flatMap((p) => p.variants.map((v) => v.id)), ...s.haravan.locations.map((l) => l.id)];
    const mine = new Set(ids(shop));
    expect(ids(other).some((id) => mine.has(id))).toBe(false);
    const tikiMine = new Set([...shop.tiki.products.map((p) => p.product_id), ...shop.tiki.warehouses.map((w) => w.id)]);
    expect([...other.tiki.products.map((p) => p.product_id), ...other.tiki.warehouses.map((w) => w.id)].some((id) => tikiMine.has(id))).toBe(false);
  });

  it('every non-empty barcode (trimmed) and every Tiki original_sku is a valid 893… EAN-13', () => {
    const codes = [...haravanVariants.map((v) => v.barcode?.trim()).filter((b): b is string => !!b), ...shop.tiki.products.map((p) => p.original_sku).filter((c): c is string => !!c)];
    expect(codes.length).toBeGreaterThan(50);
    for (const code of codes) {
      expect(isValidEan13(code)).toBe(true);
      expect(code.startsWith('893')).toBe(true);
    }
  });

  it('prices are whole VND rounded to 1,000; Tiki prices are positive and within the list price', () => {
    for (const v of haravanVariants) {
      expect(v.price % 1000).toBe(0);
      if (v.compare_at_price !== undefined) expect(v.compare_at_price % 1000).toBe(0);
    }
    for (const p of shop.tiki.products) {
      expect(p.price).toBeGreaterThan(0);
      expect(p.price % 1000).toBe(0);
      expect(p.market_price % 1000).toBe(0);
      if (p.market_price > 0) expect(p.price).toBeLessThanOrEqual(p.market_price);
    }
  });

  it('inventory rows reference the shop’s locations; tracked variants have rows, untracked have none', () => {
    const locationIds = new Set(shop.haravan.locations.map((l) => l.id));
    for (const v of haravanVariants) {
      if (v.inventory_management === 'haravan') {
        expect(v.inventory?.length).toBe(locationIds.size);
        for (const row of v.inventory ?? []) {
          expect(locationIds.has(row.location_id)).toBe(true);
          expect(Number.isInteger(row.qty_onhand) && Number.isInteger(row.qty_commited ?? 0)).toBe(true);
        }
      } else {
        expect(v.inventory).toBeUndefined();
      }
    }
  });

  it('Tiki stocks reference the seller’s warehouses with non-negative integers; active flags are 0/1', () => {
    const warehouseIds = new Set(shop.tiki.warehouses.map((w) => w.id));
    for (const p of shop.tiki.products) {
      expect([0, 1]).toContain(p.active);
      for (const s of p.stocks ?? []) {
        expect(warehouseIds.has(s.warehouse_id)).toBe(true);
        expect(Number.isInteger(s.quantity_available) && s.quantity_available >= 0).toBe(true);
      }
    }
  });

  it('product titles and vendors are Vietnamese and carry no brand placeholders', () => {
    const titles = shop.haravan.products.map((p) => p.title).join(' ');
    for (const word of ['Áo thun', 'Nón lá', 'Cà phê', 'Nước mắm', 'Bánh tráng']) expect(titles).toContain(word);
    expect(shop.haravan.products.every((p) => p.vendor && p.product_type)).toBe(true);
  });
});

describe('generateDemoShop — every linking and stock rule is represented', () => {
  const { outcomes, targets, codes, notes } = evaluate(shop.haravan.products, shop.tiki.products);

  it.each(['MISSING_BARCODE', 'DUPLICATE_BARCODE_IN_PRODUCT', 'SUPERSEDED_BY_LATER_PRODUCT', 'NOT_FOUND_ON_TIKI', 'PRICE_ABOVE_LIST_PRICE', 'INVENTORY_NOT_TRACKED', 'OVERSELL_UNLIMITED'])(
    'link code %s occurs',
    (code) => {
      expect(codes.has(code)).toBe(true);
    },
  );

  it('most variants link', () => {
    expect(outcomes.filter((o) => o.link).length / outcomes.length).toBeGreaterThan(0.6);
  });

  it.each(['INVENTORY_NOT_TRACKED', 'OVERSELL_UNLIMITED', 'PRICE_ABOVE_LIST_PRICE', 'PRICE_BELOW_TIKI_MINIMUM'])('stock/price note %s occurs', (note) => {
    expect(notes.has(note)).toBe(true);
  });

  const quantityRows: [string, (t: (typeof targets)[number]) => boolean][] = [
    ['tracked · continue · q > 0 → q', (t) => t.tracked && t.variant.inventory_policy === 'continue' && t.q > 0 && t.target.quantity === t.q],
    ['tracked · continue · q = 0 → oversell', (t) => t.tracked && t.variant.inventory_policy === 'continue' && t.q === 0 && t.target.quantity === DEFAULT_CONFIG.oversellQuantity],
    ['tracked · continue · q < 0 → oversell', (t) => t.tracked && t.variant.inventory_policy === 'continue' && t.q < 0 && t.target.quantity === DEFAULT_CONFIG.oversellQuantity],
    ['tracked · deny · q > 0 → q', (t) => t.tracked && t.variant.inventory_policy === 'deny' && t.q > 0 && t.target.quantity === t.q],
    ['tracked · deny · q = 0 → 0', (t) => t.tracked && t.variant.inventory_policy === 'deny' && t.q === 0 && t.target.quantity === 0],
    ['tracked · deny · q < 0 → 0', (t) => t.tracked && t.variant.inventory_policy === 'deny' && t.q < 0 && t.target.quantity === 0],
    ['untracked → untrackedQuantity', (t) => !t.tracked && t.target.quantity === DEFAULT_CONFIG.untrackedQuantity],
    ['a location with negative availability netted against another', (t) => t.tracked && (t.variant.inventory ?? []).some((r) => r.qty_onhand - (r.qty_commited ?? 0) < 0) && t.q > 0],
    ['Tiki list price 0 → price still pushed', (t) => t.target.price !== undefined && shop.tiki.products.some((p) => p.product_id === t.outcome.link.tikiProductId && p.market_price === 0)],
  ];
  it.each(quantityRows)('linked variant for row: %s', (_name, predicate) => {
    expect(targets.some(predicate)).toBe(true);
  });

  it('a barcode typed with spaces links (trimmed)', () => {
    const padded = haravanVariants.filter((v) => v.barcode && v.barcode !== v.barcode.trim()).map((v) => v.id);
    expect(padded.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => padded.includes(o.haravanVariantId)).every((o) => o.link)).toBe(true);
  });

  it('a barcode shared by two products with the same updated_at: the larger id wins', () => {
    const byCode = new Map<string, HaravanSeedProduct[]>();
    for (const p of shop.haravan.products) for (const v of p.variants) if (v.barcode?.trim()) byCode.set(v.barcode.trim(), [...(byCode.get(v.barcode.trim()) ?? []), p]);
    const tie = [...byCode.values()].find((ps) => ps.length === 2 && ps[0].id !== ps[1].id && ps[0].updated_at === ps[1].updated_at);
    expect(tie).toBeDefined();
    const winner = tie!.reduce((a, b) => ((a.id ?? 0) > (b.id ?? 0) ? a : b));
    expect(outcomes.find((o) => o.haravanProductId === winner.id)?.link).toBeDefined();
  });

  it('a product with duplicated barcodes does not block the other product carrying that code', () => {
    const dupOutcomes = outcomes.filter((o) => o.issues.some((i) => i.code === 'DUPLICATE_BARCODE_IN_PRODUCT'));
    const codesWithDup = new Set(dupOutcomes.map((o) => o.barcode));
    expect(outcomes.some((o) => o.link && codesWithDup.has(o.barcode))).toBe(true);
  });

  it('two Tiki SKUs share an original_sku; the active one is linked', () => {
    const byCode = new Map<string, TikiSeedProduct[]>();
    for (const p of shop.tiki.products) if (p.original_sku) byCode.set(p.original_sku, [...(byCode.get(p.original_sku) ?? []), p]);
    const shared = [...byCode.values()].find((ps) => ps.length > 1);
    expect(shared?.map((p) => p.active).sort()).toEqual([0, 1]);
    const active = shared!.find((p) => p.active === 1)!;
    expect(outcomes.find((o) => o.link?.barcode === active.original_sku)?.link?.tikiProductId).toBe(active.product_id);
  });

  it('Tiki-only SKUs exist, including one without a product code', () => {
    const haravanCodes = new Set(haravanVariants.map((v) => v.barcode?.trim()).filter(Boolean));
    expect(shop.tiki.products.some((p) => p.original_sku && !haravanCodes.has(p.original_sku))).toBe(true);
    expect(shop.tiki.products.some((p) => p.original_sku === null)).toBe(true);
  });

  it('variants carry size / colour / weight options', () => {
    const titles = new Set(haravanVariants.map((v) => v.title));
    for (const t of ['Trắng / S', '250g', '500ml']) expect(titles.has(t)).toBe(true);
  });
});

describe('demoBuyers', () => {
  it('has a dozen buyers across several provinces', () => {
    expect(demoBuyers.length).toBeGreaterThanOrEqual(10);
    expect(new Set(demoBuyers.map((b) => b.province)).size).toBeGreaterThanOrEqual(5);
  });
  it.each(demoBuyers.map((b) => [b.fullName, b] as const))('%s has a full address and a phone that normalises', (_name, buyer) => {
    for (const key of ['fullName', 'street', 'ward', 'district', 'province'] as const) expect(buyer[key].trim()).not.toBe('');
    expect(buyer.fullName.split(' ').length).toBeGreaterThanOrEqual(2);
    expect(normalizePhone(buyer.phone)).toMatch(/^0\d{9}$/);
  });
  it('phones come in several formats', () => {
    expect(demoBuyers.some((b) => b.phone.startsWith('+84'))).toBe(true);
    expect(demoBuyers.some((b) => /^84/.test(b.phone))).toBe(true);
    expect(demoBuyers.some((b) => /[.()-]/.test(b.phone))).toBe(true);
  });
  it('is frozen', () => {
    expect(Object.isFrozen(demoBuyers)).toBe(true);
  });
});

describe('generateCatalogue', () => {
  it.each([1, 7, 1000])('produces exactly %i variants', (n) => {
    expect(generateCatalogue(n, 3).haravanProducts.flatMap((p) => p.variants)).toHaveLength(n);
  });

  it('is deterministic per seed', () => {
    expect(JSON.stringify(generateCatalogue(500, 9))).toBe(JSON.stringify(generateCatalogue(500, 9)));
    expect(JSON.stringify(generateCatalogue(500, 9))).not.toBe(JSON.stringify(generateCatalogue(500, 10)));
  });

  it('honours the location / warehouse ids and first ids', () => {
    const c = generateCatalogue(50, 1, { locationIds: [7, 8], warehouseIds: [70], firstIds: { product: 10, variant: 100_000, tikiProduct: 900 } });
    expect(c.haravanProducts[0].id).toBe(10);
    expect(c.haravanProducts[0].variants[0].id).toBe(100_000);
    expect(c.tikiProducts[0].product_id).toBe(900);
    for (const v of c.haravanProducts.flatMap((p) => p.variants)) for (const r of v.inventory ?? []) expect([7, 8]).toContain(r.location_id);
    for (const t of c.tikiProducts) expect(t.stocks?.map((s) => s.warehouse_id)).toEqual([70]);
  });

  it('20,000 variants: fast, valid codes, unique ids, every link rule present', () => {
    const started = performance.now();
    const c = generateCatalogue(20_000, 2024);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(10_000); // a guard against pathological slowness only: ~0.3 s on an idle machine
    const variants = c.haravanProducts.flatMap((p) => p.variants);
    expect(variants).toHaveLength(20_000);
    expect(new Set(variants.map((v) => v.id)).size).toBe(20_000);
    expect(new Set(c.tikiProducts.map((t) => t.product_id)).size).toBe(c.tikiProducts.length);
    expect(c.tikiProducts.every((t) => t.original_sku === null || isValidEan13(t.original_sku))).toBe(true);
    const { codes, notes } = evaluate(c.haravanProducts, c.tikiProducts);
    for (const code of ['MISSING_BARCODE', 'DUPLICATE_BARCODE_IN_PRODUCT', 'SUPERSEDED_BY_LATER_PRODUCT', 'NOT_FOUND_ON_TIKI', 'PRICE_ABOVE_LIST_PRICE', 'INVENTORY_NOT_TRACKED', 'OVERSELL_UNLIMITED']) {
      expect(codes.has(code)).toBe(true);
    }
    expect(notes.has('OVERSELL_UNLIMITED')).toBe(true);
  });
});

describe('toLinkInput', () => {
  it('maps seed bodies to link-rule inputs', () => {
    const input = toLinkInput(
      [{ id: 1, title: 'P', updated_at: '2024-01-01T00:00:00.000Z', variants: [{ id: 2, title: 'S', barcode: ' 1 ', price: 5000, inventory_management: null, inventory_policy: 'continue' }] }],
      [{ product_id: 3, sku: '9', name: 'T', original_sku: '1', price: 4000, market_price: 6000, active: 0 }],
    );
    expect(input).toEqual({
      products: [{ id: 1, title: 'P', updatedAt: '2024-01-01T00:00:00.000Z', variants: [{ id: 2, title: 'S', barcode: ' 1 ', price: 5000, inventoryManagement: null, inventoryPolicy: 'continue' }] }],
      tikiSkus: [{ productId: 3, sku: '9', originalSku: '1', price: 4000, marketPrice: 6000, active: false }],
    });
  });
});
