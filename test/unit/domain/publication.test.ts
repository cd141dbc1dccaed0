import { DEFAULT_CONFIG } from '../../../domain/config';
import { MESSAGES } from '../../../domain/messages';
import { CategoryIndex, chooseCategory } from '../../../domain/publication/categories';
import { isTrackIdExpired, nextCheckDelayMs, parseRejectionReasons, publicationStateOf, TRACK_ID_LIFETIME_MS } from '../../../domain/publication/lifecycle';
import { buildProductRequest, PublishInput } from '../../../domain/publication/request';
import type { PublishProduct, PublishVariant, TikiAttributeDef } from '../../../domain/publication/types';

const stock = (q: number) => ({ tracked: true, policy: 'deny' as const, inventoryQuantity: q, price: 0, locations: [] });
const variant = (id: number, over: Partial<PublishVariant> = {}): PublishVariant => ({
  id,
  title: `V${id}`,
  barcode: `BC-${id}`,
  price: 200_000,
  compareAtPrice: 250_000,
  options: ['Đỏ', 'M', null],
  stock: stock(7),
  ...over,
});
const product = (over: Partial<PublishProduct> = {}): PublishProduct => ({
  id: 1001,
  title: 'Áo thun nam cổ tròn',
  bodyHtml: '<p>Cotton</p>',
  vendor: 'Coolmate',
  productType: 'Áo thun',
  optionNames: ['Màu', 'Size'],
  images: [{ src: 'https://img.example/a.jpg', width: 800, height: 1000, position: 1, variantIds: [] }],
  variants: [variant(1), variant(2, { options: ['Xanh', 'L', null] })],
  ...over,
});
const defs: TikiAttributeDef[] = [
  { code: 'brand', name: 'Brand', nameVi: 'Thương hiệu', required: true, type: 'select', values: [{ id: 1, value: 'Coolmate' }, { id: 2, value: 'OEM' }] },
  { code: 'origin', name: 'Origin', nameVi: 'Xuất xứ', required: true, type: 'select', values: [{ value: 'Việt Nam' }, { value: 'Trung Quốc' }] },
  { code: 'material', name: 'Material', nameVi: 'Chất liệu', required: false, type: 'text' },
  { code: 'product_weight_kg', name: 'Weight (kg)', nameVi: 'Khối lượng (kg)', required: false, type: 'number' },
];
const fashionLeaf = { id: 8371, name: 'Áo thun nam', path: ['Thời trang nam', 'Áo nam', 'Áo thun nam'], isLeaf: true };
const input = (over: Partial<PublishInput> = {}, attrs: PublishInput['choices']['attributes'] = { origin: 'viet nam' }): PublishInput => ({
  product: product(),
  category: fashionLeaf,
  attributeDefs: defs,
  choices: { attributes: attrs, activate: true },
  config: DEFAULT_CONFIG,
  warehouseIds: [11, 12],
  ...over,
});

describe('buildProductRequest — the request body', () => {
  it('maps a valid product to a Tiki v2.1 product request', () => {
    const { problems, request } = buildProductRequest(input());
    expect(problems).toEqual([]);
    expect(request).toMatchObject({
      category_id: 8371,
      name: 'Áo thun nam cổ tròn',
      description: '<p>Cotton</p>',
      market_price: 250_000,
      // brand from the Haravan vendor; origin resolved to Tiki's exact dictionary spelling
      attributes: { brand: 'Coolmate', origin: 'Việt Nam' },
      image: 'https://img.example/a.jpg',
      images: ['https://img.example/a.jpg'],
      option_attributes: ['Màu', 'Size'],
      meta_data: { is_auto_turn_on: true },
    });
    expect(request!.variants[0]).toEqual({
      sku: 'BC-1',
      price: 200_000,
      market_price: 250_000,
      option1: 'Đỏ',
      option2: 'M',
      inventory_type: 'instock',
      seller_warehouse: '11,12',
      // product.md §4 target, all of it in the first warehouse, the others 0
      warehouse_stocks: [
        { warehouseId: 11, qtyAvailable: 7 },
        { warehouseId: 12, qtyAvailable: 0 },
      ],
    });
  });

  it('applies the stock rules: ratio, safety stock, untracked, oversell', () => {
    const config = { ...DEFAULT_CONFIG, stockRatioPercent: 50, safetyStock: 1 };
    const p = product({
      variants: [
        variant(1, { stock: stock(9) }),
        variant(2, { stock: { ...stock(0), tracked: false } }),
        variant(3, { stock: { ...stock(-2), policy: 'continue' } }),
      ],
    });
    const { request } = buildProductRequest(input({ product: p, config, warehouseIds: [11] }));
    expect(request!.variants.map((v) => v.warehouse_stocks[0]!.qtyAvailable)).toEqual([3, 1_000_000, 1_000_000]);
  });

  it('a simple product (one "Title" option) sends option_attributes [] and no option values', () => {
    const p = product({ optionNames: ['Title'], variants: [variant(1, { options: ['Default Title', null, null] })] });
    const { request } = buildProductRequest(input({ product: p }));
    expect(request!.option_attributes).toEqual([]);
    expect(request!.variants[0]).not.toHaveProperty('option1');
  });

  it('merges options 2 and 3 when asked', () => {
    const p = product({ optionNames: ['Màu', 'Size', 'Chất liệu'], variants: [variant(1, { options: ['Đỏ', 'M', 'Cotton'] })] });
    const { problems, request } = buildProductRequest({ ...input({ product: p }), choices: { attributes: { origin: 'Việt Nam' }, activate: false, mergeOptions: true } });
    expect(problems).toEqual([]);
    expect(request!.option_attributes).toEqual(['Màu', 'Size / Chất liệu']);
    expect(request!.variants[0]).toMatchObject({ option1: 'Đỏ', option2: 'M / Cotton' });
    expect(request!.meta_data.is_auto_turn_on).toBe(false);
  });

  it('a variant image goes on its variant; the product market price is the highest', () => {
    const p = product({
      images: [
        { src: 'https://img.example/b.jpg', width: 900, height: 900, position: 2, variantIds: [2] },
        { src: 'https://img.example/a.jpg', width: 900, height: 900, position: 1, variantIds: [] },
      ],
      variants: [variant(1, { compareAtPrice: null }), variant(2, { compareAtPrice: 300_000 })],
    });
    const { request } = buildProductRequest(input({ product: p, category: { ...fashionLeaf, path: ['Nhà cửa', 'Áo'] } }));
    expect(request!.images).toEqual(['https://img.example/a.jpg', 'https://img.example/b.jpg']);
    expect(request!.variants[1]).toMatchObject({ image: 'https://img.example/b.jpg', market_price: 300_000 });
    expect(request!.variants[0]).toMatchObject({ market_price: 200_000 });
    expect(request!.market_price).toBe(300_000);
  });
});

describe('buildProductRequest — every problem, with its field and code', () => {
  const cases: { name: string; input: PublishInput; want: [string, string][] }[] = [
    { name: 'no category', input: input({ category: null }), want: [['categoryId', 'PUBLISH_CATEGORY_MISSING']] },
    { name: 'category with sub-categories', input: input({ category: { ...fashionLeaf, isLeaf: false } }), want: [['categoryId', 'PUBLISH_CATEGORY_NOT_LEAF']] },
    { name: 'missing required attribute', input: input({}, {}), want: [['attributes.origin', 'PUBLISH_ATTRIBUTE_REQUIRED']] },
    { name: 'blank required attribute', input: input({}, { origin: '  ' }), want: [['attributes.origin', 'PUBLISH_ATTRIBUTE_REQUIRED']] },
    {
      name: 'required brand missing when there is no vendor',
      input: input({ product: product({ vendor: '' }) }),
      want: [['attributes.brand', 'PUBLISH_ATTRIBUTE_REQUIRED']],
    },
    { name: 'select value not in the dictionary', input: input({}, { origin: 'american' }), want: [['attributes.origin', 'PUBLISH_ATTRIBUTE_NOT_IN_DICTIONARY']] },
    { name: 'vendor not in the brand dictionary', input: input({ product: product({ vendor: 'NoName' }) }), want: [['attributes.brand', 'PUBLISH_ATTRIBUTE_NOT_IN_DICTIONARY']] },
    { name: 'number attribute not a number', input: input({}, { origin: 'Việt Nam', product_weight_kg: 'heavy' }), want: [['attributes.product_weight_kg', 'PUBLISH_ATTRIBUTE_NOT_A_NUMBER']] },
    {
      name: 'three options without merge',
      input: input({ product: product({ optionNames: ['Màu', 'Size', 'Chất liệu'] }) }),
      want: [['options[2]', 'PUBLISH_TOO_MANY_OPTIONS']],
    },
    { name: 'price above market price', input: input({ product: product({ variants: [variant(1, { price: 300_000 })] }) }), want: [['variants[0].price', 'PUBLISH_PRICE_ABOVE_MARKET_PRICE']] },
    { name: 'price below 10 % of market price', input: input({ product: product({ variants: [variant(1, { price: 20_000 })] }) }), want: [['variants[0].price', 'PUBLISH_PRICE_BELOW_MARKET_MINIMUM']] },
    { name: 'price 0', input: input({ product: product({ variants: [variant(1, { price: 0 })] }) }), want: [['variants[0].price', 'PUBLISH_PRICE_INVALID']] },
    { name: 'no image', input: input({ product: product({ images: [] }) }), want: [['images', 'PUBLISH_NO_IMAGE']] },
    {
      name: 'image below the fashion minimum (500×700)',
      input: input({ product: product({ images: [{ src: 'https://img.example/a.jpg', width: 600, height: 600, position: 1, variantIds: [] }] }) }),
      want: [['images[0]', 'PUBLISH_IMAGE_TOO_SMALL']],
    },
    {
      name: 'image below the general minimum (500×500)',
      input: input({
        category: { id: 5, name: 'Gối', path: ['Nhà Cửa - Đời Sống', 'Gối'], isLeaf: true },
        product: product({ images: [{ src: 'https://img.example/a.jpg', width: 800, height: 800, position: 1, variantIds: [] }, { src: 'https://img.example/s.jpg', width: 499, height: 800, position: 2, variantIds: [] }] }),
      }),
      want: [['images[1]', 'PUBLISH_IMAGE_TOO_SMALL']],
    },
    { name: 'variant without barcode', input: input({ product: product({ variants: [variant(1), variant(2, { barcode: ' ' })] }) }), want: [['variants[1].barcode', 'PUBLISH_BARCODE_MISSING']] },
    {
      name: 'duplicate barcodes (after trimming)',
      input: input({ product: product({ variants: [variant(1, { barcode: 'X1' }), variant(2, { barcode: ' X1 ' })] }) }),
      want: [
        ['variants[0].barcode', 'PUBLISH_BARCODE_DUPLICATE'],
        ['variants[1].barcode', 'PUBLISH_BARCODE_DUPLICATE'],
      ],
    },
    { name: 'no name', input: input({ product: product({ title: ' ' }) }), want: [['name', 'PUBLISH_NAME_MISSING']] },
  ];
  it.each(cases)('$name', ({ input: i, want }) => {
    const { problems, request } = buildProductRequest(i);
    expect(request).toBeUndefined();
    expect(problems.map((p) => [p.field, p.code])).toEqual(want);
    for (const p of problems) {
      expect(MESSAGES).toHaveProperty(p.code);
      expect(p.messageVi.length).toBeGreaterThan(5);
      expect(p.message).not.toEqual(p.messageVi);
    }
  });

  it('several problems at once are all listed; the too-many-options one names the options and the merge', () => {
    const p = product({ optionNames: ['Màu', 'Size', 'Kiểu'], images: [], variants: [variant(1, { barcode: null })] });
    const { problems } = buildProductRequest(input({ product: p }, {}));
    expect(problems.map((x) => x.code).sort()).toEqual(['PUBLISH_ATTRIBUTE_REQUIRED', 'PUBLISH_BARCODE_MISSING', 'PUBLISH_NO_IMAGE', 'PUBLISH_TOO_MANY_OPTIONS']);
    const opt = problems.find((x) => x.code === 'PUBLISH_TOO_MANY_OPTIONS')!;
    expect(opt.message).toContain('Kiểu');
    expect(opt.message).toContain('Size / Kiểu');
    expect(opt.messageVi).toContain('gộp');
  });
});

describe('request lifecycle', () => {
  it.each([
    ['queuing', 'submitted'],
    ['processing', 'submitted'],
    ['drafted', 'submitted'],
    ['md_awaiting_approve', 'in_review'],
    ['md_waiting_approve', 'in_review'],
    ['bot_awaiting_approve', 'in_review'],
    ['bot_waiting_approve', 'in_review'],
    ['awaiting_approve', 'in_review'],
    ['approved', 'approved'],
    ['rejected', 'rejected'],
    ['deleted', 'failed'],
  ])('Tiki %s → %s', (tiki, ours) => expect(publicationStateOf(tiki)).toBe(ours));

  it('follow-up delays back off from minutes to hours', () => {
    const delays = Array.from({ length: 10 }, (_, i) => nextCheckDelayMs(i));
    expect(delays.slice(0, 4)).toEqual([120_000, 240_000, 480_000, 960_000]);
    expect(Math.max(...delays)).toBe(2 * 3600_000);
    expect(nextCheckDelayMs(1000)).toBe(2 * 3600_000);
    expect(nextCheckDelayMs(0, { firstMs: 500, maxMs: 2000 })).toBe(500);
    expect(nextCheckDelayMs(5, { firstMs: 500, maxMs: 2000 })).toBe(2000);
  });

  it('a track id expires after 30 days', () => {
    expect(isTrackIdExpired(0, TRACK_ID_LIFETIME_MS - 1)).toBe(false);
    expect(isTrackIdExpired(0, TRACK_ID_LIFETIME_MS)).toBe(true);
  });
});

describe('parseRejectionReasons — both of Tiki formats', () => {
  const json = JSON.stringify({
    errors: [
      { code: 'IMG_SIZE', data: 'images[0]', description: 'Ảnh nhỏ', msg: 'Hình ảnh không đạt kích thước', msg_eng: 'Image size is too small' },
      { code: 4002, msg: 'Thiếu giấy tờ thương hiệu', msg_eng: 'Brand certificate is missing' },
    ],
    message: 'rejected',
    trace_id: 'abc',
  });
  const cases: { name: string; raw: unknown; want: { code?: string; message: string | RegExp; messageVi: string | RegExp }[] }[] = [
    {
      name: 'JSON string with errors[] (vi from msg, en from msg_eng)',
      raw: json,
      want: [
        { code: 'IMG_SIZE', message: 'Image size is too small (images[0])', messageVi: 'Hình ảnh không đạt kích thước (images[0])' },
        { code: '4002', message: 'Brand certificate is missing', messageVi: 'Thiếu giấy tờ thương hiệu' },
      ],
    },
    { name: 'the same already parsed', raw: JSON.parse(json), want: [{ code: 'IMG_SIZE', message: /Image size/, messageVi: /Hình ảnh/ }, { code: '4002', message: /Brand/, messageVi: /Thiếu/ }] },
    { name: 'known plain string is explained', raw: 'product media is empty', want: [{ code: 'PUBLISH_REASON_MEDIA', message: /500×500.*product media is empty/, messageVi: /500×500/ }] },
    { name: 'unknown plain string is kept with a bilingual prefix', raw: 'name contains contact info', want: [{ message: /^Tiki rejected.*contact info/, messageVi: /^Tiki từ chối.*contact info/ }] },
    { name: 'JSON with only a message', raw: '{"message":"variants should have price > 0"}', want: [{ message: /variants should have price > 0/, messageVi: /Tiki từ chối/ }] },
    { name: 'broken JSON is a plain string', raw: '{not json', want: [{ message: /\{not json/, messageVi: /\{not json/ }] },
    { name: 'nothing', raw: null, want: [] },
  ];
  it.each(cases)('$name', ({ raw, want }) => {
    const got = parseRejectionReasons(raw);
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => {
      if (w.code) expect(got[i]!.code).toBe(w.code);
      for (const k of ['message', 'messageVi'] as const) {
        if (typeof w[k] === 'string') expect(got[i]![k]).toBe(w[k]);
        else expect(got[i]![k]).toMatch(w[k]);
      }
    });
  });
});

describe('categories', () => {
  const index = new CategoryIndex([
    { id: 1, name: 'Thời trang nam', parentId: null },
    { id: 2, name: 'Áo nam', parentId: 1 },
    { id: 3, name: 'Áo thun nam', parentId: 2 },
    { id: 4, name: 'Áo sơ mi nam', parentId: 2 },
    { id: 10, name: 'Nhà Cửa - Đời Sống', parentId: null },
    { id: 11, name: 'Chăn ga gối nệm', parentId: 10 },
    { id: 12, name: 'Gối', parentId: 11 },
  ]);
  it('builds paths and leaves', () => {
    expect(index.item(3)).toEqual({ id: 3, name: 'Áo thun nam', path: 'Thời trang nam > Áo nam > Áo thun nam', isLeaf: true });
    expect(index.item(2)!.isLeaf).toBe(false);
    expect(index.ref(99)).toBeNull();
  });
  it('searches without diacritics, leaves first', () => {
    expect(index.search('ao nam').map((c) => c.id)).toEqual([3, 4, 2]);
    expect(index.search('GOI').map((c) => c.id)).toEqual([12, 11]);
    expect(index.search('')).toHaveLength(7);
  });
  it('suggests leaves from the product name and type', () => {
    expect(index.suggest('Áo thun nam cổ tròn Coolmate')[0]!.id).toBe(3);
    expect(index.suggest('Gối ôm cao su', 'Chăn ga')[0]!.id).toBe(12);
    expect(index.suggest('xyz')).toEqual([]);
  });
  it('chooses request > product override > product_type mapping > none', () => {
    const maps = [
      { productType: 'Áo thun', categoryId: 3 },
      { productId: 7, categoryId: 4 },
    ];
    expect(chooseCategory(7, 'Áo thun', 12, maps)).toEqual({ categoryId: 12, source: 'request' });
    expect(chooseCategory(7, 'Áo thun', undefined, maps)).toEqual({ categoryId: 4, source: 'product' });
    expect(chooseCategory(8, 'ao THUN', undefined, maps)).toEqual({ categoryId: 3, source: 'product_type' });
    expect(chooseCategory(8, 'Gối', undefined, maps)).toEqual({ source: 'none' });
  });
});
