/**
 * Deterministic demo data for the Haravan and Tiki sandboxes.
 *
 * `generateDemoShop` builds the two control-API seed bodies (`POST /_sandbox/shops`, `POST /_sandbox/sellers`)
 * for one demo merchant: Vietnamese products with size/colour/weight variants, EAN-13 barcodes (prefix 893,
 * valid check digit), VND prices rounded to 1,000, three Haravan locations with per-location on hand /
 * committed, the matching Tiki SKUs (original_sku = barcode) in one or two Tiki warehouses, plus Tiki-only SKUs.
 * A fixed set of scenario products exercises every linking and stock rule (see `SCENARIOS` below); the rest is
 * random filler. `generateCatalogue` produces a large catalogue quickly for benchmarks, and `demoBuyers` is a
 * list of buyers to place Tiki orders with.
 *
 * Same arguments → byte-identical output: a seeded PRNG (mulberry32), no clock, no Math.random.
 * Ids are derived from the shop / seller id so several demo shops can live in one sandbox (Haravan product and
 * variant ids are global there, as are Tiki product ids): up to 10,000 products per shop and shop ids that differ
 * modulo 100,000.
 * Names are generic (places and product kinds, no real brands). The sandbox imports nothing from the service.
 */

// ---------------------------------------------------------------------------------------------
// Body shapes
// ---------------------------------------------------------------------------------------------

export interface HaravanSeedStock {
  location_id: number;
  qty_onhand: number;
  qty_commited?: number;
}

export interface HaravanSeedVariant {
  id?: number;
  title?: string;
  sku?: string;
  barcode?: string | null;
  price: number;
  compare_at_price?: number;
  grams?: number;
  option1?: string;
  option2?: string;
  inventory_management: 'haravan' | null;
  inventory_policy: 'deny' | 'continue';
  inventory?: HaravanSeedStock[];
}

export interface HaravanSeedProduct {
  id?: number;
  title: string;
  vendor?: string;
  product_type?: string;
  tags?: string;
  updated_at?: string;
  variants: HaravanSeedVariant[];
}

export interface HaravanShopSeed {
  shop: { id: number; name: string; email?: string; domain?: string };
  accessToken: string;
  locations: { id: number; name: string; is_primary?: boolean }[];
  products: HaravanSeedProduct[];
}

export interface TikiSeedProduct {
  product_id?: number;
  sku?: string;
  name: string;
  original_sku: string | null;
  price: number;
  market_price: number;
  active?: 0 | 1;
  stocks?: { warehouse_id: number; quantity_available: number }[];
}

export interface TikiSellerSeed {
  seller: { id: number; sid?: string; name: string; operation_models?: string[] };
  clientId?: string;
  clientSecret?: string;
  apiKey?: string;
  warehouses: { id: number; name: string; code?: string; is_primary?: boolean }[];
  products: TikiSeedProduct[];
}

export interface DemoShopOptions {
  seed: number;
  shopId: number;
  /** Total number of Haravan products; at least the scenario set (`SCENARIO_PRODUCT_COUNT`) is generated. */
  products: number;
  accessToken: string;
  tiki: { sellerId: number; clientId: string; clientSecret: string; apiKey?: string };
}

export interface DemoShop {
  haravan: HaravanShopSeed;
  tiki: TikiSellerSeed;
}

export interface DemoBuyer {
  fullName: string;
  /** As a buyer would type it (mixed formats on purpose). */
  phone: string;
  street: string;
  ward: string;
  district: string;
  province: string;
}

// ---------------------------------------------------------------------------------------------
// PRNG and EAN-13
// ---------------------------------------------------------------------------------------------

export type Rng = () => number;

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. Returns floats in [0, 1). */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Check digit of an EAN-13 from its first 12 digits (weights 1,3,1,3… from the left). */
export function ean13CheckDigit(first12: string): number {
  if (!/^\d{12}$/.test(first12)) throw new Error(`EAN-13 needs 12 digits, got "${first12}"`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}

/** Vietnam's GS1 prefix. */
const EAN_PREFIX = '893';

class Gen {
  private readonly usedCodes = new Set<string>();
  private readonly usedTikiSkus = new Set<string>();
  constructor(readonly rng: Rng) {}

  int(min: number, max: number): number {
    return min + Math.floor(this.rng() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)];
  }
  chance(p: number): boolean {
    return this.rng() < p;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.rng() * 10));
    return s;
  }
  /** A fresh valid EAN-13 (893…), unique within this generator. */
  ean13(): string {
    for (;;) {
      const first12 = EAN_PREFIX + this.digits(9);
      const code = first12 + String(ean13CheckDigit(first12));
      if (!this.usedCodes.has(code)) {
        this.usedCodes.add(code);
        return code;
      }
    }
  }
  /** A fresh 13-digit Tiki SKU. */
  tikiSku(): string {
    for (;;) {
      const sku = String(this.int(1, 9)) + this.digits(12);
      if (!this.usedTikiSkus.has(sku)) {
        this.usedTikiSkus.add(sku);
        return sku;
      }
    }
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789ABCDEF'[Math.floor(this.rng() * 16)];
    return s;
  }
}

/** Round to the nearest 1,000 VND, at least 1,000. */
function vnd(amount: number): number {
  return Math.max(1000, Math.round(amount / 1000) * 1000);
}

// ---------------------------------------------------------------------------------------------
// Product templates (generic Vietnamese goods)
// ---------------------------------------------------------------------------------------------

interface OptionDef {
  name: string;
  values: string[];
  /** Price multiplier per value index (weights, volumes); default 1. */
  priceStep?: number;
}

interface Template {
  key: string;
  title: string;
  type: string;
  vendor: string;
  price: [number, number];
  grams: number;
  options: OptionDef[];
}

const TEMPLATES: readonly Template[] = [
  { key: 'ATC', title: 'Áo thun cotton cổ tròn', type: 'Thời trang', vendor: 'Xưởng May Phú Nhuận', price: [129_000, 249_000], grams: 220, options: [{ name: 'Màu', values: ['Trắng', 'Đen', 'Xanh navy', 'Be'] }, { name: 'Size', values: ['S', 'M', 'L', 'XL'] }] },
  { key: 'ASM', title: 'Áo sơ mi linen tay ngắn', type: 'Thời trang', vendor: 'Xưởng May Phú Nhuận', price: [259_000, 399_000], grams: 250, options: [{ name: 'Màu', values: ['Trắng', 'Xanh nhạt', 'Rêu'] }, { name: 'Size', values: ['M', 'L', 'XL'] }] },
  { key: 'ADA', title: 'Áo dài cách tân lụa', type: 'Thời trang', vendor: 'Nhà May Áo Dài Sen Hồng', price: [450_000, 890_000], grams: 400, options: [{ name: 'Size', values: ['S', 'M', 'L'] }] },
  { key: 'KRA', title: 'Khăn rằn Nam Bộ', type: 'Thời trang', vendor: 'Dệt May Miền Tây', price: [45_000, 89_000], grams: 80, options: [{ name: 'Màu', values: ['Đen trắng', 'Đỏ trắng', 'Xanh trắng'] }] },
  { key: 'DTO', title: 'Dép tổ ong', type: 'Giày dép', vendor: 'Xưởng Dép Bình Tân', price: [35_000, 59_000], grams: 300, options: [{ name: 'Size', values: ['38', '39', '40', '41', '42'] }] },
  { key: 'NLA', title: 'Nón lá truyền thống', type: 'Thủ công mỹ nghệ', vendor: 'Cơ sở Nón Lá Làng Chuông', price: [60_000, 150_000], grams: 200, options: [{ name: 'Cỡ', values: ['Nhỏ', 'Vừa', 'Lớn'], priceStep: 0.2 }] },
  { key: 'TCO', title: 'Túi cói đi biển', type: 'Thủ công mỹ nghệ', vendor: 'Hợp tác xã Cói Kim Sơn', price: [120_000, 260_000], grams: 350, options: [{ name: 'Màu', values: ['Tự nhiên', 'Trắng kem'] }] },
  { key: 'GOM', title: 'Bộ ấm chén gốm men lam', type: 'Gia dụng', vendor: 'Gốm Sứ Sông Hồng', price: [350_000, 690_000], grams: 1800, options: [{ name: 'Bộ', values: ['6 chén', '10 chén'], priceStep: 0.5 }] },
  { key: 'DUA', title: 'Đũa tre kháng khuẩn (10 đôi)', type: 'Gia dụng', vendor: 'Tre Việt Xanh', price: [39_000, 69_000], grams: 250, options: [] },
  { key: 'CPR', title: 'Cà phê rang xay nguyên chất', type: 'Cà phê', vendor: 'Cà Phê Cao Nguyên Xanh', price: [85_000, 160_000], grams: 500, options: [{ name: 'Khối lượng', values: ['250g', '500g', '1kg'], priceStep: 0.9 }] },
  { key: 'CPH', title: 'Cà phê hạt Robusta rang mộc', type: 'Cà phê', vendor: 'Cà Phê Cao Nguyên Xanh', price: [110_000, 190_000], grams: 500, options: [{ name: 'Khối lượng', values: ['500g', '1kg'], priceStep: 0.9 }] },
  { key: 'NMA', title: 'Nước mắm cá cơm 40 độ đạm', type: 'Gia vị', vendor: 'Nước Mắm Biển Xanh', price: [55_000, 120_000], grams: 700, options: [{ name: 'Dung tích', values: ['500ml', '1 lít'], priceStep: 0.8 }] },
  { key: 'TOT', title: 'Tương ớt tỏi', type: 'Gia vị', vendor: 'Bếp Nhà Bà Tư', price: [25_000, 45_000], grams: 300, options: [{ name: 'Khối lượng', values: ['250g', '500g'], priceStep: 0.8 }] },
  { key: 'BTR', title: 'Bánh tráng phơi sương', type: 'Thực phẩm', vendor: 'Làng Bánh Tráng Tây Ninh', price: [25_000, 60_000], grams: 500, options: [{ name: 'Gói', values: ['500g', '1kg'], priceStep: 0.9 }] },
  { key: 'BTT', title: 'Bánh tráng trộn sẵn', type: 'Đồ ăn vặt', vendor: 'Làng Bánh Tráng Tây Ninh', price: [15_000, 30_000], grams: 150, options: [{ name: 'Vị', values: ['Sa tế', 'Bơ', 'Me'] }] },
  { key: 'HDI', title: 'Hạt điều rang muối', type: 'Đồ ăn vặt', vendor: 'Nông Sản Bình Phước Xanh', price: [120_000, 220_000], grams: 500, options: [{ name: 'Hũ', values: ['250g', '500g'], priceStep: 0.9 }] },
  { key: 'KDU', title: 'Kẹo dừa sáp', type: 'Bánh kẹo', vendor: 'Lò Kẹo Dừa Mỏ Cày', price: [40_000, 75_000], grams: 400, options: [{ name: 'Hộp', values: ['300g', '500g'], priceStep: 0.6 }] },
  { key: 'MGU', title: 'Mứt gừng dẻo', type: 'Bánh kẹo', vendor: 'Mứt Tết Hàng Đường', price: [55_000, 95_000], grams: 250, options: [{ name: 'Hộp', values: ['200g', '400g'], priceStep: 0.9 }] },
  { key: 'BPI', title: 'Bánh pía sầu riêng trứng muối', type: 'Bánh kẹo', vendor: 'Lò Bánh Sóc Trăng Xưa', price: [65_000, 120_000], grams: 500, options: [{ name: 'Hộp', values: ['4 cái', '8 cái'], priceStep: 0.9 }] },
  { key: 'TSE', title: 'Trà sen Tây Hồ', type: 'Trà', vendor: 'Trà Sen Hồ Tây Xưa', price: [180_000, 420_000], grams: 200, options: [{ name: 'Quy cách', values: ['Hộp 100g', 'Hộp quà 200g'], priceStep: 0.9 }] },
  { key: 'TST', title: 'Trà shan tuyết cổ thụ', type: 'Trà', vendor: 'Trà Núi Tây Bắc', price: [150_000, 380_000], grams: 200, options: [{ name: 'Khối lượng', values: ['100g', '250g'], priceStep: 1.2 }] },
  { key: 'MON', title: 'Mật ong hoa cà phê', type: 'Thực phẩm', vendor: 'Trại Ong Đắk Lắk Xanh', price: [120_000, 230_000], grams: 700, options: [{ name: 'Chai', values: ['500ml', '1 lít'], priceStep: 0.85 }] },
];

const FILLER_DESCRIPTORS = ['', '', 'loại 1', 'cao cấp', 'mẫu mới', 'đặc biệt', 'hộp quà', 'thủ công', 'xuất khẩu', 'combo tiết kiệm'];

const SHOP_NAMES = ['Tiệm Nhà Mây', 'Chợ Quê Online', 'Góc Bếp Việt', 'Xưởng Nhỏ Sài Gòn', 'Hàng Việt Mỗi Ngày', 'Nhà Lá Shop'];

function templateByKey(key: string): Template {
  const t = TEMPLATES.find((x) => x.key === key);
  if (!t) throw new Error(`unknown template ${key}`);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Buyers
// ---------------------------------------------------------------------------------------------

/** Buyers for placing Tiki orders: realistic names and addresses; phones in the formats buyers type. */
export const demoBuyers: readonly DemoBuyer[] = Object.freeze([
  { fullName: 'Nguyễn Văn An', phone: '0901234567', street: '12 Nguyễn Huệ', ward: 'Phường Bến Nghé', district: 'Quận 1', province: 'Hồ Chí Minh' },
  { fullName: 'Trần Thị Bích Ngọc', phone: '+84 912 345 678', street: '45 Lý Tự Trọng', ward: 'Phường Bến Thành', district: 'Quận 1', province: 'Hồ Chí Minh' },
  { fullName: 'Lê Hoàng Minh', phone: '0987.654.321', street: '88 Võ Văn Ngân', ward: 'Phường Linh Chiểu', district: 'Thành phố Thủ Đức', province: 'Hồ Chí Minh' },
  { fullName: 'Phạm Thu Trang', phone: '84 933 222 111', street: '27 Hàng Bạc', ward: 'Phường Hàng Bạc', district: 'Quận Hoàn Kiếm', province: 'Hà Nội' },
  { fullName: 'Hoàng Đức Thắng', phone: '(039) 876-5432', street: '102 Cầu Giấy', ward: 'Phường Quan Hoa', district: 'Quận Cầu Giấy', province: 'Hà Nội' },
  { fullName: 'Vũ Thị Mai Anh', phone: '0356 789 012', street: '15 Trần Phú', ward: 'Phường Hải Châu 1', district: 'Quận Hải Châu', province: 'Đà Nẵng' },
  { fullName: 'Đặng Quốc Bảo', phone: '+84 (0) 77 345 6789', street: '230 Nguyễn Văn Cừ', ward: 'Phường An Hòa', district: 'Quận Ninh Kiều', province: 'Cần Thơ' },
  { fullName: 'Bùi Ngọc Hân', phone: '0868-111-222', street: '9 Lê Lợi', ward: 'Phường Vĩnh Ninh', district: 'Thành phố Huế', province: 'Thừa Thiên Huế' },
  { fullName: 'Đỗ Minh Khoa', phone: '0708 246 810', street: '61 Hùng Vương', ward: 'Phường Lộc Thọ', district: 'Thành phố Nha Trang', province: 'Khánh Hòa' },
  { fullName: 'Ngô Thị Thanh Hương', phone: '0945 135 790', street: '3 Trần Hưng Đạo', ward: 'Phường Hồng Gai', district: 'Thành phố Hạ Long', province: 'Quảng Ninh' },
  { fullName: 'Huỳnh Tấn Phát', phone: '0819 357 913', street: '75 Phan Đình Phùng', ward: 'Phường 2', district: 'Thành phố Đà Lạt', province: 'Lâm Đồng' },
  { fullName: 'Trương Gia Hân', phone: '0328 642 097', street: '140 Nguyễn Thị Minh Khai', ward: 'Phường Võ Thị Sáu', district: 'Quận 3', province: 'Hồ Chí Minh' },
]);

// ---------------------------------------------------------------------------------------------
// Catalogue building blocks
// ---------------------------------------------------------------------------------------------

interface IdCounters {
  product: number;
  variant: number;
  tikiProduct: number;
}

interface BuildContext {
  gen: Gen;
  ids: IdCounters;
  locationIds: number[];
  warehouseIds: number[];
  /** Base instant for `updated_at` (ms). */
  epoch: number;
  /** A few barcodes of the latest filler products (to share one across products now and then). */
  recentBarcodes: string[];
  /** Codes that already have a Tiki SKU (one SKU per code unless a scenario adds another on purpose). */
  tikiCodes: Set<string>;
}

type StockPattern = 'healthy' | 'low' | 'zero' | 'negative' | 'mixed';

interface VariantSpec {
  /** Barcode override: null/'' = none, a string = exactly this (e.g. a shared or padded code). */
  barcode?: string | null;
  /** Create no Tiki SKU for this variant's barcode. */
  notOnTiki?: boolean;
  tracked?: boolean;
  policy?: 'deny' | 'continue';
  stock?: StockPattern;
  price?: number;
  /** Tiki list price relative to the Haravan price ('below' exercises PRICE_ABOVE_LIST_PRICE). */
  tikiMarket?: 'normal' | 'below' | 'zero';
}

interface DraftProduct {
  haravan: HaravanSeedProduct;
  tiki: TikiSeedProduct[];
}

function variantCombos(t: Template, count: number): { title: string; values: string[]; priceFactor: number }[] {
  if (t.options.length === 0) return [{ title: 'Default Title', values: [], priceFactor: 1 }];
  let combos: { values: string[]; priceFactor: number }[] = [{ values: [], priceFactor: 1 }];
  for (const opt of t.options) {
    const next: typeof combos = [];
    for (const c of combos) {
      opt.values.forEach((value, i) => next.push({ values: [...c.values, value], priceFactor: c.priceFactor * (1 + (opt.priceStep ?? 0) * i) }));
    }
    combos = next;
  }
  return combos.slice(0, Math.max(1, count)).map((c) => ({ ...c, title: c.values.join(' / ') }));
}

function stockRows(ctx: BuildContext, pattern: StockPattern): HaravanSeedStock[] {
  const { gen, locationIds } = ctx;
  return locationIds.map((location_id, i) => {
    switch (pattern) {
      case 'healthy': {
        const onHand = i === 0 ? gen.int(20, 120) : gen.int(0, 60);
        return { location_id, qty_onhand: onHand, qty_commited: gen.int(0, Math.min(5, onHand)) };
      }
      case 'low': {
        const onHand = i === 0 ? gen.int(1, 4) : 0;
        return { location_id, qty_onhand: onHand, qty_commited: 0 };
      }
      case 'zero':
        return { location_id, qty_onhand: i === 0 ? 2 : 0, qty_commited: i === 0 ? 2 : 0 };
      case 'mixed':
        // One location over-committed, the others still positive: the variant total stays positive.
        return i === 1 ? { location_id, qty_onhand: 0, qty_commited: gen.int(1, 3) } : { location_id, qty_onhand: gen.int(8, 30), qty_commited: gen.int(0, 2) };
      case 'negative':
        // Orders committed more than is on hand (Haravan allows negative availability).
        return { location_id, qty_onhand: i === 0 ? 1 : 0, qty_commited: i === 0 ? gen.int(3, 6) : 0 };
    }
  });
}

function buildProduct(ctx: BuildContext, t: Template, opts: { title?: string; variantCount?: number; updatedAt?: string; specs?: VariantSpec[]; tags?: string }): DraftProduct {
  const { gen, ids } = ctx;
  const productId = ids.product++;
  const basePrice = vnd(gen.int(t.price[0], t.price[1]));
  const combos = variantCombos(t, opts.specs?.length ?? opts.variantCount ?? gen.int(1, 4));
  const tiki: TikiSeedProduct[] = [];
  const title = opts.title ?? t.title;
  const variants = combos.map((combo, i): HaravanSeedVariant => {
    const spec = opts.specs?.[i] ?? {};
    const price = spec.price ?? vnd(basePrice * combo.priceFactor);
    const barcode = spec.barcode !== undefined ? spec.barcode : gen.ean13();
    const tracked = spec.tracked ?? true;
    const variant: HaravanSeedVariant = {
      id: ids.variant++,
      title: combo.title,
      sku: `${t.key}-${productId % 100_000}-${i + 1}`,
      barcode,
      price,
      grams: t.grams,
      inventory_management: tracked ? 'haravan' : null,
      inventory_policy: spec.policy ?? 'deny',
    };
    if (price > 0 && gen.chance(0.3)) variant.compare_at_price = vnd(price * 1.2);
    if (combo.values[0] !== undefined) variant.option1 = combo.values[0];
    if (combo.values[1] !== undefined) variant.option2 = combo.values[1];
    if (tracked) variant.inventory = stockRows(ctx, spec.stock ?? 'healthy');

    const code = barcode?.trim();
    if (code && !spec.notOnTiki && !ctx.tikiCodes.has(code)) tiki.push(tikiFor(ctx, `${title}${combo.title === 'Default Title' ? '' : ` - ${combo.title}`}`, code, price, spec.tikiMarket ?? 'normal'));
    return variant;
  });
  const haravan: HaravanSeedProduct = {
    id: productId,
    title,
    vendor: t.vendor,
    product_type: t.type,
    tags: opts.tags ?? 'demo',
    updated_at: opts.updatedAt ?? new Date(ctx.epoch + gen.int(0, 90 * 24) * 3600_000).toISOString(),
    variants,
  };
  return { haravan, tiki };
}

function tikiFor(ctx: BuildContext, name: string, originalSku: string, haravanPrice: number, market: 'normal' | 'below' | 'zero'): TikiSeedProduct {
  const { gen, ids, warehouseIds } = ctx;
  if (originalSku) ctx.tikiCodes.add(originalSku);
  const reference = Math.max(haravanPrice, 10_000);
  const marketPrice = market === 'zero' ? 0 : market === 'below' ? vnd(reference * 0.8) : vnd(reference * (1.15 + gen.rng() * 0.35));
  // Tiki's current selling price: somewhere at or below the list price (it is what a push will overwrite).
  const price = market === 'zero' ? vnd(reference) : Math.min(marketPrice, vnd(reference * (0.9 + gen.rng() * 0.2)));
  const stocks = warehouseIds.map((warehouse_id, i) => ({ warehouse_id, quantity_available: i === 0 ? gen.int(0, 50) : gen.chance(0.3) ? gen.int(1, 20) : 0 }));
  return { product_id: ids.tikiProduct++, sku: gen.tikiSku(), name, original_sku: originalSku, price, market_price: marketPrice, active: 1, stocks };
}

/** Random filler products: ~75 % clean variants, the rest spread over every linking and stock rule. */
function fillerProduct(ctx: BuildContext, index: number, maxVariants: number): DraftProduct {
  const { gen } = ctx;
  const t = TEMPLATES[index % TEMPLATES.length];
  const descriptor = gen.pick(FILLER_DESCRIPTORS);
  const combos = t.options.reduce((n, o) => n * o.values.length, 1);
  const count = Math.max(1, Math.min(maxVariants, gen.int(1, Math.min(4, combos))));
  const specs: VariantSpec[] = [];
  for (let i = 0; i < count; i++) {
    const r = gen.rng();
    const previous = specs[i - 1]?.barcode;
    if (r < 0.03) specs.push({ barcode: null });
    else if (r < 0.05 && previous) specs.push({ barcode: previous, notOnTiki: true }); // duplicate inside the product
    else if (r < 0.07 && ctx.recentBarcodes.length > 0) specs.push({ barcode: gen.pick(ctx.recentBarcodes), notOnTiki: true }); // shared with another product
    else if (r < 0.1) specs.push({ barcode: gen.ean13(), notOnTiki: true });
    else if (r < 0.12) specs.push({ barcode: gen.ean13(), tikiMarket: 'below' });
    else if (r < 0.16) specs.push({ barcode: gen.ean13(), tracked: false });
    else if (r < 0.2) specs.push({ barcode: gen.ean13(), policy: 'continue', stock: gen.pick(['healthy', 'zero'] as const) });
    else if (r < 0.23) specs.push({ barcode: gen.ean13(), stock: 'negative' });
    else if (r < 0.28) specs.push({ barcode: gen.ean13(), stock: 'low' });
    else specs.push({ barcode: gen.ean13() });
  }
  const draft = buildProduct(ctx, t, { title: descriptor ? `${t.title} ${descriptor}` : t.title, specs });
  const own = specs.map((sp) => sp.barcode).filter((b): b is string => typeof b === 'string' && b !== '');
  ctx.recentBarcodes = [...ctx.recentBarcodes, ...own].slice(-8);
  return draft;
}

// ---------------------------------------------------------------------------------------------
// Scenario products: every linking and stock rule, always present
// ---------------------------------------------------------------------------------------------

/**
 * Each scenario returns its products. Rules covered (domain/linking.ts, domain/stock.ts):
 * linked with sizes/colours · MISSING_BARCODE (null and blank) · DUPLICATE_BARCODE_IN_PRODUCT ·
 * SUPERSEDED_BY_LATER_PRODUCT (by updated_at, and by id on a tie) · duplicate-in-product vs. another product ·
 * NOT_FOUND_ON_TIKI · PRICE_ABOVE_LIST_PRICE · Tiki list price 0 · price 0 (below Tiki's minimum) ·
 * untracked · oversell (continue) with stock and without · deny with negative stock · barcode with spaces ·
 * several Tiki SKUs with one original_sku (one inactive).
 */
const SCENARIOS: readonly ((ctx: BuildContext) => DraftProduct[])[] = [
  // Plain, healthy, fully linked: colours × sizes, stock spread over the locations.
  (ctx) => [buildProduct(ctx, templateByKey('ATC'), { specs: [{}, {}, { stock: 'mixed' }, {}, {}, {}, { stock: 'low' }, {}], tags: 'demo,linked' })],
  // Variants without barcode.
  (ctx) => [buildProduct(ctx, templateByKey('NLA'), { specs: [{ barcode: null }, { barcode: '' }, {}], tags: 'demo,missing-barcode' })],
  // Two variants of one product share a barcode.
  (ctx) => {
    const code = ctx.gen.ean13();
    return [buildProduct(ctx, templateByKey('NMA'), { title: 'Nước mắm cá cơm 40 độ đạm (chai thủy tinh)', specs: [{ barcode: code }, { barcode: code }], tags: 'demo,duplicate-barcode' })];
  },
  // Same barcode on two products: the more recently updated one wins.
  (ctx) => {
    const code = ctx.gen.ean13();
    return [
      buildProduct(ctx, templateByKey('BTR'), { title: 'Bánh tráng phơi sương (mẫu cũ)', updatedAt: '2024-03-01T02:00:00.000Z', specs: [{ barcode: code }], tags: 'demo,superseded' }),
      buildProduct(ctx, templateByKey('BTR'), { title: 'Bánh tráng phơi sương Tây Ninh', updatedAt: '2024-08-15T02:00:00.000Z', specs: [{ barcode: code, notOnTiki: true }], tags: 'demo,supersedes' }),
    ];
  },
  // Same barcode, same updated_at: the larger product id wins.
  (ctx) => {
    const code = ctx.gen.ean13();
    const at = '2024-07-01T03:00:00.000Z';
    return [
      buildProduct(ctx, templateByKey('MON'), { title: 'Mật ong hoa cà phê (chai nhựa)', updatedAt: at, specs: [{ barcode: code }], tags: 'demo,superseded-tie' }),
      buildProduct(ctx, templateByKey('MON'), { title: 'Mật ong hoa cà phê (chai thủy tinh)', updatedAt: at, specs: [{ barcode: code, notOnTiki: true }], tags: 'demo,supersedes-tie' }),
    ];
  },
  // A product whose own variants collide on a barcode, and a cleaner, older product with that barcode.
  (ctx) => {
    const code = ctx.gen.ean13();
    return [
      buildProduct(ctx, templateByKey('KDU'), { title: 'Kẹo dừa sáp hộp lẻ', updatedAt: '2024-05-01T02:00:00.000Z', specs: [{ barcode: code }], tags: 'demo,linked-despite-duplicate' }),
      buildProduct(ctx, templateByKey('KDU'), { title: 'Kẹo dừa sáp (nhập nhầm barcode)', updatedAt: '2024-09-01T02:00:00.000Z', specs: [{ barcode: code, notOnTiki: true }, { barcode: code, notOnTiki: true }], tags: 'demo,duplicate-barcode' }),
    ];
  },
  // A barcode that no Tiki SKU carries.
  (ctx) => [buildProduct(ctx, templateByKey('CPR'), { specs: [{}, { notOnTiki: true }, {}], tags: 'demo,not-on-tiki' })],
  // Haravan price above the Tiki list price; and a Tiki SKU without a list price.
  (ctx) => [buildProduct(ctx, templateByKey('TSE'), { specs: [{ tikiMarket: 'below' }, {}], tags: 'demo,price-above-list' })],
  (ctx) => [buildProduct(ctx, templateByKey('TOT'), { specs: [{ tikiMarket: 'zero' }, {}], tags: 'demo,no-list-price' })],
  // A free gift variant: price 0 is never pushed (Tiki needs > 0).
  (ctx) => [buildProduct(ctx, templateByKey('TCO'), { specs: [{}, { price: 0 }], tags: 'demo,gift-price-0' })],
  // Untracked inventory.
  (ctx) => [buildProduct(ctx, templateByKey('DUA'), { specs: [{ tracked: false }], tags: 'demo,untracked' })],
  // Oversell allowed: with stock, at zero, below zero.
  (ctx) => [buildProduct(ctx, templateByKey('HDI'), { specs: [{ policy: 'continue' }, { policy: 'continue', stock: 'zero' }], tags: 'demo,oversell' })],
  (ctx) => [buildProduct(ctx, templateByKey('BPI'), { specs: [{ policy: 'continue', stock: 'negative' }, {}], tags: 'demo,oversell' })],
  // Deny with more committed than on hand.
  (ctx) => [buildProduct(ctx, templateByKey('DTO'), { specs: [{ stock: 'negative' }, { stock: 'zero' }, {}, {}, {}], tags: 'demo,negative-stock' })],
  // Barcodes typed with spaces around them.
  (ctx) => {
    const [a, b] = [ctx.gen.ean13(), ctx.gen.ean13()];
    return [buildProduct(ctx, templateByKey('KRA'), { specs: [{ barcode: ` ${a}` }, { barcode: `${b}  ` }, {}], tags: 'demo,barcode-spaces' })];
  },
  // Two Tiki SKUs with the same original_sku: an inactive old listing and the active one.
  (ctx) => {
    const draft = buildProduct(ctx, templateByKey('MGU'), { specs: [{}, {}], tags: 'demo,tiki-duplicate-sku' });
    const original = draft.tiki[0];
    draft.tiki.unshift({ ...original, product_id: ctx.ids.tikiProduct++, sku: ctx.gen.tikiSku(), name: `${original.name} (ngừng bán)`, active: 0 });
    return [draft];
  },
];

/** Number of Haravan products the scenario set always creates. */
export const SCENARIO_PRODUCT_COUNT = 19;

/** Tiki SKUs that no Haravan variant carries (including listings without a product code). */
function tikiOnlyProducts(ctx: BuildContext): TikiSeedProduct[] {
  const items: [string, boolean][] = [
    ['Sổ tay bìa da handmade', true],
    ['Bình giữ nhiệt tre 500ml', true],
    ['Lót ly cói (bộ 6 cái)', true],
    ['Xà phòng sả chanh thủ công', false],
  ];
  return items.map(([name, withCode]) => {
    const product = tikiFor(ctx, name, withCode ? ctx.gen.ean13() : '', vnd(ctx.gen.int(30_000, 150_000)), 'normal');
    return withCode ? product : { ...product, original_sku: null };
  });
}

// ---------------------------------------------------------------------------------------------
// Public generators
// ---------------------------------------------------------------------------------------------

const DEMO_EPOCH = Date.UTC(2024, 5, 1, 1, 0, 0); // 2024-06-01 08:00 in Vietnam

function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    // FNV-1a over the 32-bit halves of each part.
    for (const word of [p >>> 0, Math.floor(p / 4294967296) >>> 0]) {
      h ^= word;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h >>> 0;
}

/** The demo merchant: both sandbox seed bodies. Same options → identical output. */
export function generateDemoShop(options: DemoShopOptions): DemoShop {
  const { seed, shopId, accessToken, tiki } = options;
  const gen = new Gen(createRng(mixSeed(seed, shopId, tiki.sellerId)));
  const shopSlot = shopId % 100_000;
  const sellerSlot = tiki.sellerId % 100_000;

  const locations = [
    { id: 500_000 + shopSlot * 10 + 1, name: 'Kho Quận 1', is_primary: true },
    { id: 500_000 + shopSlot * 10 + 2, name: 'Kho Thủ Đức' },
    { id: 500_000 + shopSlot * 10 + 3, name: 'Kho Hà Nội' },
  ];
  const warehouses = [
    { id: 100_000 + sellerSlot * 10 + 1, name: 'Kho HCM - Quận 1', code: `WH${sellerSlot}HCM`, is_primary: true },
    { id: 100_000 + sellerSlot * 10 + 2, name: 'Kho Hà Nội - Cầu Giấy', code: `WH${sellerSlot}HN` },
  ];
  const ctx: BuildContext = {
    gen,
    ids: { product: 1_000_000_000 + shopSlot * 10_000, variant: 3_000_000_000 + shopSlot * 50_000, tikiProduct: 10_000_000 + sellerSlot * 10_000 },
    locationIds: locations.map((l) => l.id),
    warehouseIds: warehouses.map((w) => w.id),
    epoch: DEMO_EPOCH,
    recentBarcodes: [],
    tikiCodes: new Set(),
  };

  const drafts = SCENARIOS.flatMap((scenario) => scenario(ctx));
  for (let i = drafts.length; i < options.products; i++) drafts.push(fillerProduct(ctx, i, 4));

  const shopName = gen.pick(SHOP_NAMES);
  return {
    haravan: {
      shop: { id: shopId, name: shopName, email: `demo-${shopId}@example.com`, domain: `demo-${shopId}.myharavan.com` },
      accessToken,
      locations,
      products: drafts.map((d) => d.haravan),
    },
    tiki: {
      seller: { id: tiki.sellerId, sid: gen.hex(40), name: `${shopName} (Tiki)`, operation_models: ['dropship', 'seller_delivery'] },
      clientId: tiki.clientId,
      clientSecret: tiki.clientSecret,
      ...(tiki.apiKey !== undefined ? { apiKey: tiki.apiKey } : {}),
      warehouses,
      products: [...drafts.flatMap((d) => d.tiki), ...tikiOnlyProducts(ctx)],
    },
  };
}

export interface CatalogueOptions {
  locationIds?: number[];
  warehouseIds?: number[];
  /** First ids to use (defaults keep clear of the demo shops' ranges). */
  firstIds?: Partial<IdCounters>;
}

export interface Catalogue {
  haravanProducts: HaravanSeedProduct[];
  tikiProducts: TikiSeedProduct[];
}

/**
 * A large random catalogue of `variantCount` Haravan variants (1–4 per product, ~75 % clean, the rest spread over
 * every rule) and their Tiki SKUs, for benchmarks. Linear time; 20,000 variants take well under a second.
 */
export function generateCatalogue(variantCount: number, seed: number, options: CatalogueOptions = {}): Catalogue {
  const ctx: BuildContext = {
    gen: new Gen(createRng(mixSeed(seed, variantCount))),
    ids: { product: 5_000_000_000, variant: 6_000_000_000, tikiProduct: 500_000_000, ...options.firstIds },
    locationIds: options.locationIds ?? [1, 2, 3],
    warehouseIds: options.warehouseIds ?? [1],
    epoch: DEMO_EPOCH,
    recentBarcodes: [],
    tikiCodes: new Set(),
  };
  const haravanProducts: HaravanSeedProduct[] = [];
  const tikiProducts: TikiSeedProduct[] = [];
  let variants = 0;
  for (let i = 0; variants < variantCount; i++) {
    const draft = fillerProduct(ctx, i, variantCount - variants);
    haravanProducts.push(draft.haravan);
    tikiProducts.push(...draft.tiki);
    variants += draft.haravan.variants.length;
  }
  return { haravanProducts, tikiProducts };
}

/** Shapes structurally identical to the linking rules' inputs (the sandbox does not import the service). */
export interface LinkInputLike {
  products: {
    id: number;
    title: string;
    updatedAt: string;
    variants: { id: number; title?: string; barcode: string | null; price: number; inventoryManagement: string | null; inventoryPolicy: 'deny' | 'continue' }[];
  }[];
  tikiSkus: { productId: number; sku: string; originalSku: string | null; price: number; marketPrice: number; active: boolean }[];
}

/** Convert seed bodies to link-rule inputs (for benchmarks and tests). Products/variants without ids are skipped. */
export function toLinkInput(haravanProducts: readonly HaravanSeedProduct[], tikiProducts: readonly TikiSeedProduct[]): LinkInputLike {
  return {
    products: haravanProducts
      .filter((p) => p.id !== undefined)
      .map((p) => ({
        id: p.id as number,
        title: p.title,
        updatedAt: p.updated_at ?? new Date(DEMO_EPOCH).toISOString(),
        variants: p.variants
          .filter((v) => v.id !== undefined)
          .map((v) => ({ id: v.id as number, title: v.title, barcode: v.barcode ?? null, price: v.price, inventoryManagement: v.inventory_management, inventoryPolicy: v.inventory_policy })),
      })),
    tikiSkus: tikiProducts
      .filter((t) => t.product_id !== undefined && t.sku !== undefined)
      .map((t) => ({ productId: t.product_id as number, sku: t.sku as string, originalSku: t.original_sku, price: t.price, marketPrice: t.market_price, active: t.active !== 0 })),
  };
}
