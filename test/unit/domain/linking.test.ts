import { computeLinks, indexTikiSkus, isLaterProduct, linkIssue, normalizeBarcode, summarizeLinks, type LinkOutcome } from '../../../domain/linking';
import { MESSAGES } from '../../../domain/messages';
import type { HaravanProductInput, HaravanVariantInput, TikiSkuInput } from '../../../domain/types';

// ---- builders -------------------------------------------------------------------------------

let nextVariantId = 1000;
function variant(barcode: string | null, over: Partial<HaravanVariantInput> = {}): HaravanVariantInput {
  return { id: nextVariantId++, barcode, price: 100_000, inventoryManagement: 'haravan', inventoryPolicy: 'deny', ...over };
}
function product(id: number, updatedAt: string, variants: HaravanVariantInput[]): HaravanProductInput {
  return { id, title: `P${id}`, updatedAt, variants };
}
function tiki(originalSku: string | null, over: Partial<TikiSkuInput> = {}): TikiSkuInput {
  const productId = over.productId ?? 50_000 + (originalSku ? [...originalSku].reduce((a, c) => a + c.charCodeAt(0), 0) : 0);
  return { productId, sku: `T${productId}`, originalSku, price: 90_000, marketPrice: 150_000, active: true, ...over };
}
const T1 = '2024-01-01T00:00:00Z';
const T2 = '2024-06-01T00:00:00Z';

function codes(o: LinkOutcome): string[] {
  return o.issues.map((i) => i.code);
}
function byVariant(outcomes: LinkOutcome[], id: number): LinkOutcome {
  const o = outcomes.find((x) => x.haravanVariantId === id);
  if (!o) throw new Error(`no outcome for variant ${id}`);
  return o;
}
const syncOn = { syncPrice: true };

// ---- single-variant rules -------------------------------------------------------------------

describe('computeLinks — one variant, one rule per row', () => {
  const cases: {
    name: string;
    v: Partial<HaravanVariantInput> & { barcode: string | null };
    sku?: Partial<TikiSkuInput> & { originalSku: string | null };
    syncPrice?: boolean;
    status: 'linked' | 'error' | 'warning';
    linked: boolean;
    codes: string[];
    barcode: string | null;
  }[] = [
    { name: 'exact match → linked, no issues', v: { barcode: 'A1' }, sku: { originalSku: 'A1' }, status: 'linked', linked: true, codes: [], barcode: 'A1' },
    { name: 'barcode with spaces is trimmed before matching', v: { barcode: '  A1 ' }, sku: { originalSku: 'A1' }, status: 'linked', linked: true, codes: [], barcode: 'A1' },
    { name: 'Tiki original_sku with spaces is trimmed too', v: { barcode: 'A1' }, sku: { originalSku: ' A1  ' }, status: 'linked', linked: true, codes: [], barcode: 'A1' },
    { name: 'comparison is exact (case-sensitive) apart from spaces', v: { barcode: 'a1' }, sku: { originalSku: 'A1' }, status: 'error', linked: false, codes: ['NOT_FOUND_ON_TIKI'], barcode: 'a1' },
    { name: 'null barcode → MISSING_BARCODE', v: { barcode: null }, sku: { originalSku: 'A1' }, status: 'error', linked: false, codes: ['MISSING_BARCODE'], barcode: null },
    { name: 'empty barcode → MISSING_BARCODE', v: { barcode: '' }, sku: { originalSku: 'A1' }, status: 'error', linked: false, codes: ['MISSING_BARCODE'], barcode: null },
    { name: 'blank barcode → MISSING_BARCODE', v: { barcode: '   ' }, sku: { originalSku: '' }, status: 'error', linked: false, codes: ['MISSING_BARCODE'], barcode: null },
    { name: 'no Tiki SKU with the code → NOT_FOUND_ON_TIKI', v: { barcode: 'A1' }, sku: { originalSku: 'B2' }, status: 'error', linked: false, codes: ['NOT_FOUND_ON_TIKI'], barcode: 'A1' },
    { name: 'Tiki SKU without original_sku never matches', v: { barcode: 'A1' }, sku: { originalSku: null }, status: 'error', linked: false, codes: ['NOT_FOUND_ON_TIKI'], barcode: 'A1' },
    { name: 'price above list price, sync on → error but linked', v: { barcode: 'A1', price: 200_000 }, sku: { originalSku: 'A1', marketPrice: 150_000 }, status: 'error', linked: true, codes: ['PRICE_ABOVE_LIST_PRICE'], barcode: 'A1' },
    { name: 'price above list price, sync off → linked', v: { barcode: 'A1', price: 200_000 }, sku: { originalSku: 'A1', marketPrice: 150_000 }, syncPrice: false, status: 'linked', linked: true, codes: [], barcode: 'A1' },
    { name: 'price equal to list price → linked', v: { barcode: 'A1', price: 150_000 }, sku: { originalSku: 'A1', marketPrice: 150_000 }, status: 'linked', linked: true, codes: [], barcode: 'A1' },
    { name: 'list price 0 (unset) never blocks', v: { barcode: 'A1', price: 200_000 }, sku: { originalSku: 'A1', marketPrice: 0 }, status: 'linked', linked: true, codes: [], barcode: 'A1' },
    { name: 'untracked → INVENTORY_NOT_TRACKED info', v: { barcode: 'A1', inventoryManagement: null }, sku: { originalSku: 'A1' }, status: 'linked', linked: true, codes: ['INVENTORY_NOT_TRACKED'], barcode: 'A1' },
    { name: 'inventory_management "" is untracked', v: { barcode: 'A1', inventoryManagement: '' }, sku: { originalSku: 'A1' }, status: 'linked', linked: true, codes: ['INVENTORY_NOT_TRACKED'], barcode: 'A1' },
    { name: 'tracked + continue → OVERSELL_UNLIMITED info', v: { barcode: 'A1', inventoryPolicy: 'continue' }, sku: { originalSku: 'A1' }, status: 'linked', linked: true, codes: ['OVERSELL_UNLIMITED'], barcode: 'A1' },
    { name: 'untracked + continue → only INVENTORY_NOT_TRACKED (policy is moot)', v: { barcode: 'A1', inventoryManagement: null, inventoryPolicy: 'continue' }, sku: { originalSku: 'A1' }, status: 'linked', linked: true, codes: ['INVENTORY_NOT_TRACKED'], barcode: 'A1' },
    { name: 'price blocked + untracked → error, linked, both issues', v: { barcode: 'A1', price: 200_000, inventoryManagement: null }, sku: { originalSku: 'A1', marketPrice: 150_000 }, status: 'error', linked: true, codes: ['PRICE_ABOVE_LIST_PRICE', 'INVENTORY_NOT_TRACKED'], barcode: 'A1' },
    { name: 'info notes only on linked variants', v: { barcode: 'ZZ', inventoryManagement: null, inventoryPolicy: 'continue' }, sku: { originalSku: 'A1' }, status: 'error', linked: false, codes: ['NOT_FOUND_ON_TIKI'], barcode: 'ZZ' },
    { name: 'inactive Tiki SKU still links', v: { barcode: 'A1' }, sku: { originalSku: 'A1', active: false }, status: 'linked', linked: true, codes: [], barcode: 'A1' },
  ];

  it.each(cases)('$name', (c) => {
    const v = variant(c.v.barcode, c.v);
    const skus = c.sku ? [tiki(c.sku.originalSku, c.sku)] : [];
    const [out] = computeLinks({ products: [product(1, T1, [v])], tikiSkus: skus, config: { syncPrice: c.syncPrice ?? true } });
    expect(out.haravanProductId).toBe(1);
    expect(out.haravanVariantId).toBe(v.id);
    expect(out.barcode).toBe(c.barcode);
    expect(out.status).toBe(c.status);
    expect(codes(out)).toEqual(c.codes);
    if (c.linked) expect(out.link).toEqual({ tikiProductId: skus[0].productId, tikiSku: skus[0].sku, barcode: c.barcode });
    else expect(out.link).toBeUndefined();
  });
});

// ---- issues carry the catalogue text ---------------------------------------------------------

describe('linkIssue', () => {
  it.each(['MISSING_BARCODE', 'DUPLICATE_BARCODE_IN_PRODUCT', 'SUPERSEDED_BY_LATER_PRODUCT', 'NOT_FOUND_ON_TIKI', 'PRICE_ABOVE_LIST_PRICE', 'INVENTORY_NOT_TRACKED', 'OVERSELL_UNLIMITED'] as const)(
    '%s has severity and both languages from the catalogue',
    (code) => {
      expect(linkIssue(code)).toEqual({ code, severity: MESSAGES[code].severity, messageVi: MESSAGES[code].vi, message: MESSAGES[code].en });
    },
  );
  it.each([
    ['MISSING_BARCODE', 'error'],
    ['DUPLICATE_BARCODE_IN_PRODUCT', 'error'],
    ['SUPERSEDED_BY_LATER_PRODUCT', 'warning'],
    ['NOT_FOUND_ON_TIKI', 'error'],
    ['PRICE_ABOVE_LIST_PRICE', 'error'],
    ['INVENTORY_NOT_TRACKED', 'info'],
    ['OVERSELL_UNLIMITED', 'info'],
  ] as const)('%s is an %s (domain/linking.ts)', (code, severity) => {
    expect(linkIssue(code).severity).toBe(severity);
  });
});

// ---- duplicates inside one product -----------------------------------------------------------

describe('computeLinks — duplicate barcode inside one product', () => {
  it('errors on each variant sharing the barcode and links neither; other variants are unaffected', () => {
    const a = variant('D1');
    const b = variant(' D1 ');
    const c = variant('C1');
    const out = computeLinks({ products: [product(1, T1, [a, b, c])], tikiSkus: [tiki('D1'), tiki('C1')], config: syncOn });
    for (const id of [a.id, b.id]) {
      expect(codes(byVariant(out, id))).toEqual(['DUPLICATE_BARCODE_IN_PRODUCT']);
      expect(byVariant(out, id).status).toBe('error');
      expect(byVariant(out, id).link).toBeUndefined();
    }
    expect(byVariant(out, c.id).status).toBe('linked');
  });

  it('three variants sharing a barcode all get the error', () => {
    const vs = [variant('D1'), variant('D1'), variant('D1')];
    const out = computeLinks({ products: [product(1, T1, vs)], tikiSkus: [tiki('D1')], config: syncOn });
    expect(out.map(codes)).toEqual([['DUPLICATE_BARCODE_IN_PRODUCT'], ['DUPLICATE_BARCODE_IN_PRODUCT'], ['DUPLICATE_BARCODE_IN_PRODUCT']]);
  });

  it('several variants without barcode are MISSING_BARCODE, not duplicates', () => {
    const out = computeLinks({ products: [product(1, T1, [variant(null), variant(''), variant('  ')])], tikiSkus: [], config: syncOn });
    expect(out.map(codes)).toEqual([['MISSING_BARCODE'], ['MISSING_BARCODE'], ['MISSING_BARCODE']]);
  });

  it('a duplicate is reported even when the code is not on Tiki (duplicate takes precedence)', () => {
    const out = computeLinks({ products: [product(1, T1, [variant('X'), variant('X')])], tikiSkus: [], config: syncOn });
    expect(out.map(codes)).toEqual([['DUPLICATE_BARCODE_IN_PRODUCT'], ['DUPLICATE_BARCODE_IN_PRODUCT']]);
  });
});

// ---- the same barcode on different products ----------------------------------------------------

describe('computeLinks — same barcode on two products (later product wins)', () => {
  const cases: { name: string; a: [number, string]; b: [number, string]; winner: 'a' | 'b' }[] = [
    { name: 'more recently updated wins (later listed)', a: [1, T1], b: [2, T2], winner: 'b' },
    { name: 'more recently updated wins (earlier listed)', a: [1, T2], b: [2, T1], winner: 'a' },
    { name: 'more recently updated wins even with a smaller id', a: [9, T1], b: [2, T2], winner: 'b' },
    { name: 'tie on updatedAt → larger id wins', a: [5, T1], b: [7, T1], winner: 'b' },
    { name: 'tie on updatedAt → larger id wins (order independent)', a: [7, T1], b: [5, T1], winner: 'a' },
    { name: 'same instant written with different offsets is a tie', a: [8, '2024-01-01T07:00:00+07:00'], b: [3, '2024-01-01T00:00:00Z'], winner: 'a' },
    { name: 'an unparsable updatedAt counts as oldest', a: [9, 'not a date'], b: [1, T1], winner: 'b' },
  ];
  it.each(cases)('$name', ({ a, b, winner }) => {
    const va = variant('S1');
    const vb = variant('S1');
    const out = computeLinks({ products: [product(a[0], a[1], [va]), product(b[0], b[1], [vb])], tikiSkus: [tiki('S1')], config: syncOn });
    const [win, lose] = winner === 'a' ? [va, vb] : [vb, va];
    expect(byVariant(out, win.id).status).toBe('linked');
    expect(byVariant(out, win.id).link?.barcode).toBe('S1');
    expect(byVariant(out, lose.id).status).toBe('warning');
    expect(codes(byVariant(out, lose.id))).toEqual(['SUPERSEDED_BY_LATER_PRODUCT']);
    expect(byVariant(out, lose.id).link).toBeUndefined();
  });

  it('three products: only the latest links, the two others are superseded', () => {
    const vs = [variant('S1'), variant('S1'), variant('S1')];
    const out = computeLinks({
      products: [product(1, '2024-03-01T00:00:00Z', [vs[0]]), product(2, '2024-05-01T00:00:00Z', [vs[1]]), product(3, '2024-04-01T00:00:00Z', [vs[2]])],
      tikiSkus: [tiki('S1')],
      config: syncOn,
    });
    expect(out.map(codes)).toEqual([['SUPERSEDED_BY_LATER_PRODUCT'], [], ['SUPERSEDED_BY_LATER_PRODUCT']]);
  });

  it('the loser is superseded even when the code is not on Tiki; the winner gets NOT_FOUND_ON_TIKI', () => {
    const va = variant('S9');
    const vb = variant('S9');
    const out = computeLinks({ products: [product(1, T1, [va]), product(2, T2, [vb])], tikiSkus: [], config: syncOn });
    expect(codes(byVariant(out, va.id))).toEqual(['SUPERSEDED_BY_LATER_PRODUCT']);
    expect(codes(byVariant(out, vb.id))).toEqual(['NOT_FOUND_ON_TIKI']);
  });

  it('superseding is per barcode: other variants of the losing product still link', () => {
    const shared = variant('S1');
    const own = variant('OWN');
    const winner = variant('S1');
    const out = computeLinks({ products: [product(1, T1, [shared, own]), product(2, T2, [winner])], tikiSkus: [tiki('S1'), tiki('OWN')], config: syncOn });
    expect(codes(byVariant(out, shared.id))).toEqual(['SUPERSEDED_BY_LATER_PRODUCT']);
    expect(byVariant(out, own.id).status).toBe('linked');
    expect(byVariant(out, winner.id).status).toBe('linked');
  });

  it('the winner may still be price-blocked (error + link), the loser stays a warning', () => {
    const va = variant('S1');
    const vb = variant('S1', { price: 999_000 });
    const out = computeLinks({ products: [product(1, T1, [va]), product(2, T2, [vb])], tikiSkus: [tiki('S1', { marketPrice: 150_000 })], config: syncOn });
    expect(byVariant(out, vb.id)).toMatchObject({ status: 'error', link: { barcode: 'S1' } });
    expect(codes(byVariant(out, vb.id))).toEqual(['PRICE_ABOVE_LIST_PRICE']);
    expect(byVariant(out, va.id).status).toBe('warning');
  });
});

describe('computeLinks — duplicate inside a product combined with another product carrying the barcode', () => {
  // Rule: a product whose own variants collide on a barcode does not compete for it; the barcode goes to the
  // latest product carrying it exactly once, whatever the colliding product's updatedAt.
  const cases: { name: string; dupUpdated: string; cleanUpdated: string[] }[] = [
    { name: 'colliding product is the later one', dupUpdated: T2, cleanUpdated: [T1] },
    { name: 'colliding product is the earlier one', dupUpdated: T1, cleanUpdated: [T2] },
    { name: 'two clean products and a later colliding one: the later clean product wins', dupUpdated: '2025-01-01T00:00:00Z', cleanUpdated: [T1, T2] },
  ];
  it.each(cases)('$name', ({ dupUpdated, cleanUpdated }) => {
    const dup = [variant('X'), variant('X')];
    const clean = cleanUpdated.map(() => variant('X'));
    const products = [product(100, dupUpdated, dup), ...clean.map((v, i) => product(200 + i, cleanUpdated[i], [v]))];
    const out = computeLinks({ products, tikiSkus: [tiki('X')], config: syncOn });
    for (const v of dup) expect(codes(byVariant(out, v.id))).toEqual(['DUPLICATE_BARCODE_IN_PRODUCT']);
    const latestClean = clean[clean.length - 1];
    expect(byVariant(out, latestClean.id).status).toBe('linked');
    for (const v of clean.slice(0, -1)) expect(codes(byVariant(out, v.id))).toEqual(['SUPERSEDED_BY_LATER_PRODUCT']);
  });

  it('two products that both collide internally: nobody links, each variant gets the duplicate error', () => {
    const p1 = [variant('X'), variant('X')];
    const p2 = [variant('X'), variant('X')];
    const out = computeLinks({ products: [product(1, T1, p1), product(2, T2, p2)], tikiSkus: [tiki('X')], config: syncOn });
    expect(out.every((o) => codes(o).join() === 'DUPLICATE_BARCODE_IN_PRODUCT')).toBe(true);
    expect(out.some((o) => o.link)).toBe(false);
  });
});

// ---- several Tiki SKUs with one original_sku -------------------------------------------------

describe('computeLinks — several Tiki SKUs share one original_sku', () => {
  const cases: { name: string; skus: Partial<TikiSkuInput>[]; chosen: number }[] = [
    { name: 'lowest productId among active', skus: [{ productId: 30 }, { productId: 10 }, { productId: 20 }], chosen: 10 },
    { name: 'active beats a lower inactive productId', skus: [{ productId: 10, active: false }, { productId: 20, active: true }], chosen: 20 },
    { name: 'active undefined counts as active', skus: [{ productId: 10, active: false }, { productId: 20, active: undefined }], chosen: 20 },
    { name: 'all inactive → lowest productId', skus: [{ productId: 30, active: false }, { productId: 20, active: false }], chosen: 20 },
    { name: 'trimmed codes are the same code', skus: [{ productId: 30, originalSku: 'M1' }, { productId: 20, originalSku: ' M1 ' }], chosen: 20 },
  ];
  it.each(cases)('$name', ({ skus, chosen }) => {
    const v = variant('M1');
    const tikiSkus = skus.map((s) => tiki('M1', s));
    const [out] = computeLinks({ products: [product(1, T1, [v])], tikiSkus, config: syncOn });
    expect(out.link?.tikiProductId).toBe(chosen);
    // input order must not matter
    const [rev] = computeLinks({ products: [product(1, T1, [v])], tikiSkus: [...tikiSkus].reverse(), config: syncOn });
    expect(rev.link?.tikiProductId).toBe(chosen);
  });

  it('uses the chosen SKU’s list price for the price rule', () => {
    const v = variant('M1', { price: 120_000 });
    const [out] = computeLinks({
      products: [product(1, T1, [v])],
      tikiSkus: [tiki('M1', { productId: 2, marketPrice: 100_000 }), tiki('M1', { productId: 1, marketPrice: 200_000 })],
      config: syncOn,
    });
    expect(out.link?.tikiProductId).toBe(1);
    expect(out.status).toBe('linked');
  });
});

// ---- global properties ------------------------------------------------------------------------

describe('computeLinks — global properties', () => {
  function catalogue(): HaravanProductInput[] {
    return [
      product(1, T1, [variant('A'), variant('B'), variant(null)]),
      product(2, T2, [variant('A'), variant('C'), variant('C')]),
      product(3, T1, [variant('D'), variant('E', { price: 1e9 })]),
    ];
  }
  const skus = ['A', 'B', 'C', 'E', 'Z'].map((c, i) => tiki(c, { productId: i + 1 }));

  it('one outcome per variant, in input order', () => {
    const products = catalogue();
    const out = computeLinks({ products, tikiSkus: skus, config: syncOn });
    expect(out.map((o) => o.haravanVariantId)).toEqual(products.flatMap((p) => p.variants.map((v) => v.id)));
  });

  it('a Tiki SKU is linked to at most one variant', () => {
    const out = computeLinks({ products: catalogue(), tikiSkus: skus, config: syncOn });
    const linked = out.filter((o) => o.link).map((o) => o.link!.tikiSku);
    expect(new Set(linked).size).toBe(linked.length);
  });

  it('is deterministic and independent of product order', () => {
    const products = catalogue();
    const a = computeLinks({ products, tikiSkus: skus, config: syncOn });
    const b = computeLinks({ products: [...products].reverse(), tikiSkus: [...skus].reverse(), config: syncOn });
    const key = (o: LinkOutcome) => o.haravanVariantId;
    expect([...b].sort((x, y) => key(x) - key(y))).toEqual([...a].sort((x, y) => key(x) - key(y)));
  });

  it('status is error ⇔ an error issue, warning ⇔ only warnings, linked otherwise', () => {
    for (const o of computeLinks({ products: catalogue(), tikiSkus: skus, config: syncOn })) {
      const sev = o.issues.map((i) => i.severity);
      const expected = sev.includes('error') ? 'error' : sev.includes('warning') ? 'warning' : 'linked';
      expect(o.status).toBe(expected);
    }
  });

  it('empty input → no outcomes', () => {
    expect(computeLinks({ products: [], tikiSkus: skus, config: syncOn })).toEqual([]);
    expect(computeLinks({ products: [product(1, T1, [])], tikiSkus: [], config: syncOn })).toEqual([]);
  });

  it('handles 20,000 variants quickly', () => {
    const products: HaravanProductInput[] = [];
    const tikiSkus: TikiSkuInput[] = [];
    for (let p = 0; p < 5000; p++) {
      const vs = [0, 1, 2, 3].map((k) => variant(`B${p}-${k}`));
      products.push(product(p + 1, T1, vs));
      for (const v of vs) tikiSkus.push(tiki(v.barcode, { productId: v.id }));
    }
    const started = performance.now();
    const out = computeLinks({ products, tikiSkus, config: syncOn });
    expect(performance.now() - started).toBeLessThan(5000); // generous: guards against quadratic behaviour, not a benchmark
    expect(summarizeLinks(out).linkedVariants).toBe(20_000);
  });
});

describe('summarizeLinks', () => {
  it('counts linked variants/products and issues by severity', () => {
    const products = [
      product(1, T1, [variant('A'), variant('B', { inventoryManagement: null }), variant(null)]), // linked, linked+info, error
      product(2, T1, [variant('S'), variant('P', { price: 999_999 })]), // superseded (warning), linked+error
      product(3, T2, [variant('S', { inventoryPolicy: 'continue' }), variant('NF')]), // linked+info, error
      product(4, T1, [variant(null)]), // error
    ];
    const skus = ['A', 'B', 'S', 'P'].map((c, i) => tiki(c, { productId: i + 1, marketPrice: 500_000 }));
    const summary = summarizeLinks(computeLinks({ products, tikiSkus: skus, config: syncOn }));
    expect(summary).toEqual({ linkedVariants: 4, linkedProducts: 3, errors: 4, warnings: 1, infos: 2 });
  });

  it('empty → zeros', () => {
    expect(summarizeLinks([])).toEqual({ linkedVariants: 0, linkedProducts: 0, errors: 0, warnings: 0, infos: 0 });
  });
});

describe('helpers', () => {
  it.each([
    [null, null],
    [undefined, null],
    ['', null],
    ['   ', null],
    [' 8934567890123 ', '8934567890123'],
    ['\t89345\n', '89345'],
    ['A B', 'A B'],
  ])('normalizeBarcode(%p) = %p', (raw, expected) => {
    expect(normalizeBarcode(raw as string | null | undefined)).toBe(expected);
  });

  it.each([
    [{ id: 1, updatedAt: T2 }, { id: 2, updatedAt: T1 }, true],
    [{ id: 2, updatedAt: T1 }, { id: 1, updatedAt: T2 }, false],
    [{ id: 2, updatedAt: T1 }, { id: 1, updatedAt: T1 }, true],
    [{ id: 1, updatedAt: T1 }, { id: 2, updatedAt: T1 }, false],
    [{ id: 1, updatedAt: T1 }, { id: 1, updatedAt: T1 }, false],
  ])('isLaterProduct(%o, %o) = %p', (a, b, expected) => {
    expect(isLaterProduct(a, b)).toBe(expected);
  });

  it('indexTikiSkus skips SKUs without original_sku', () => {
    const index = indexTikiSkus([tiki(null, { productId: 1 }), tiki('', { productId: 2 }), tiki('  ', { productId: 3 }), tiki('X', { productId: 4 })]);
    expect([...index.keys()]).toEqual(['X']);
  });
});

describe('computeLinks — a product listed twice', () => {
  it('is evaluated once, from its most recently updated copy', () => {
    const old = product(1, T1, [variant('R1')]);
    const fresh = product(1, T2, [variant('R2')]);
    const out = computeLinks({ products: [old, product(2, T1, [variant('R3')]), fresh], tikiSkus: [tiki('R1'), tiki('R2'), tiki('R3')], config: syncOn });
    expect(out.map((o) => [o.haravanProductId, o.barcode])).toEqual([
      [1, 'R2'],
      [2, 'R3'],
    ]);
    expect(out.every((o) => o.status === 'linked')).toBe(true);
  });

  it('an identical duplicate row does not link one Tiki SKU twice', () => {
    const p = product(1, T1, [variant('R1')]);
    const out = computeLinks({ products: [p, { ...p }], tikiSkus: [tiki('R1')], config: syncOn });
    expect(out).toHaveLength(1);
    expect(out[0].status).toBe('linked');
  });
});
