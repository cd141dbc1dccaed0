/** Seeding the sandboxes through their control APIs, as an outside test would. */
import { generateDemoShop } from '../../sandbox/demo-data';

export interface SeededShop {
  shopId: number;
  accessToken: string;
  tiki: { clientId: string; clientSecret: string; sellerId: number };
  haravanSeed: any;
  tikiSeed: any;
  productIds: number[];
  variantIds: number[];
}

let counter = 0;

export async function seedDemoShop(haravanUrl: string, tikiUrl: string, opts: { products?: number; seed?: number } = {}): Promise<SeededShop> {
  counter++;
  const shopId = 200000000000 + Math.floor(Math.random() * 1e6) * 10 + counter;
  const accessToken = `hrv-token-${shopId}`;
  const tiki = { sellerId: 100000 + (shopId % 100000), clientId: `tiki-client-${shopId}`, clientSecret: `tiki-secret-${shopId}` };
  const demo = generateDemoShop({ seed: opts.seed ?? 7, shopId, products: opts.products ?? 20, accessToken, tiki });
  const h = await post(`${haravanUrl}/_sandbox/shops`, demo.haravan);
  await post(`${tikiUrl}/_sandbox/sellers`, demo.tiki);
  return { shopId, accessToken, tiki, haravanSeed: demo.haravan, tikiSeed: demo.tiki, productIds: h.productIds ?? [], variantIds: h.variantIds ?? [] };
}

export async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${url} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function get(url: string): Promise<any> {
  const res = await fetch(url);
  if (res.status >= 300) throw new Error(`${url} → ${res.status} ${await res.text()}`);
  return res.json();
}

export function connectBody(s: SeededShop, haravanUrl: string, tikiUrl: string, config?: object) {
  return {
    shopId: s.shopId,
    haravan: { accessToken: s.accessToken, baseUrl: haravanUrl },
    tiki: { clientId: s.tiki.clientId, clientSecret: s.tiki.clientSecret, baseUrl: tikiUrl },
    ...(config ? { config } : {}),
  };
}
