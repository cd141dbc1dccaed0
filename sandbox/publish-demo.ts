/**
 * Demo products that are on Haravan but not on Tiki yet (issue 17): what the "Publish to Tiki" tab starts from.
 * One per branch of the Tiki sandbox's category slice (fashion, home, books), with images big enough, vendors in
 * Tiki's brand dictionary, option names and compare-at prices; plus a few that the pre-check stops (three
 * options, an undersized image, a variant without barcode). Deterministic: same arguments → same bodies.
 * Barcodes are EAN-13 with prefix 894 (the linking demo uses 893), so they never meet a Tiki SKU by accident.
 */
import { ean13CheckDigit } from './demo-data';

export interface PublishDemoProduct {
  title: string;
  body_html: string;
  vendor: string;
  product_type: string;
  tags: string;
  options: string[];
  images: { src: string; width: number; height: number }[];
  variants: {
    title: string;
    barcode: string | null;
    price: number;
    compare_at_price: number;
    option1?: string;
    option2?: string;
    option3?: string;
    inventory_management: 'haravan';
    inventory_policy: 'deny';
    inventory: { location_id: number; qty_onhand: number }[];
  }[];
}

interface Template {
  title: string;
  vendor: string;
  type: string;
  options: string[];
  values: string[][];
  price: number;
  image: [number, number];
  tag: string;
}

const TEMPLATES: Template[] = [
  { title: 'Áo thun nam cổ tròn cotton', vendor: 'Coolmate', type: 'Áo thun', options: ['Màu', 'Size'], values: [['Đen', 'Trắng'], ['M', 'L']], price: 189_000, image: [800, 1000], tag: 'publish-ready' },
  { title: 'Gối ôm cao su non', vendor: 'Everon', type: 'Gối', options: ['Title'], values: [['Default Title']], price: 320_000, image: [900, 900], tag: 'publish-ready' },
  { title: 'Tiểu thuyết Mùa lá rụng', vendor: 'NXB Trẻ', type: 'Tiểu thuyết', options: ['Loại bìa'], values: [['Bìa mềm', 'Bìa cứng']], price: 98_000, image: [600, 900], tag: 'publish-ready' },
  { title: 'Chảo chống dính 26cm', vendor: 'Sunhouse', type: 'Nồi, chảo', options: ['Title'], values: [['Default Title']], price: 259_000, image: [1000, 1000], tag: 'publish-ready' },
  { title: 'Áo sơ mi nam dài tay', vendor: 'Việt Tiến', type: 'Áo sơ mi', options: ['Màu', 'Size', 'Kiểu dáng'], values: [['Xanh'], ['M', 'L'], ['Slim']], price: 420_000, image: [800, 1100], tag: 'publish-too-many-options' },
  { title: 'Khăn tắm sợi tre (thiếu barcode)', vendor: 'Everon', type: 'Chăn mền', options: ['Màu'], values: [['Be', 'Xám']], price: 120_000, image: [800, 800], tag: 'publish-missing-barcode' },
  { title: 'Chăn mền cotton (ảnh nhỏ)', vendor: 'Everon', type: 'Chăn mền', options: ['Title'], values: [['Default Title']], price: 650_000, image: [300, 300], tag: 'publish-small-image' },
];

function cartesian(values: string[][]): string[][] {
  return values.reduce<string[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

/**
 * `count` products cycling through the templates (names numbered after the first round); `locationId` holds the
 * stock; `shopSlot` keeps barcodes of different demo shops apart.
 */
export function publishDemoProducts(count: number, opts: { shopSlot: number; locationId: number; firstIndex?: number }): PublishDemoProduct[] {
  const out: PublishDemoProduct[] = [];
  let serial = (opts.firstIndex ?? 0) * 10;
  for (let i = 0; i < count; i++) {
    const t = TEMPLATES[i % TEMPLATES.length]!;
    const round = Math.floor(i / TEMPLATES.length) + (opts.firstIndex ?? 0);
    const combos = cartesian(t.values);
    const variants = combos.map((combo, k) => {
      const first12 = `894${String(opts.shopSlot % 1000).padStart(3, '0')}${String(serial++).padStart(6, '0')}`;
      const barcode = t.tag === 'publish-missing-barcode' && k === 0 ? null : `${first12}${ean13CheckDigit(first12)}`;
      return {
        title: combo.join(' / '),
        barcode,
        price: t.price,
        compare_at_price: Math.round((t.price * 1.25) / 1000) * 1000,
        ...(combo[0] !== undefined ? { option1: combo[0] } : {}),
        ...(combo[1] !== undefined ? { option2: combo[1] } : {}),
        ...(combo[2] !== undefined ? { option3: combo[2] } : {}),
        inventory_management: 'haravan' as const,
        inventory_policy: 'deny' as const,
        inventory: [{ location_id: opts.locationId, qty_onhand: 5 + ((i * 7 + k * 3) % 20) }],
      };
    });
    out.push({
      title: round === 0 ? t.title : `${t.title} #${round + 1}`,
      body_html: `<p>${t.title}: sản phẩm demo chưa có trên Tiki.</p>`,
      vendor: t.vendor,
      product_type: t.type,
      tags: `demo,${t.tag}`,
      options: t.options,
      images: [{ src: `https://images.example.com/demo/${i + 1}.jpg`, width: t.image[0], height: t.image[1] }],
      variants,
    });
  }
  return out;
}
