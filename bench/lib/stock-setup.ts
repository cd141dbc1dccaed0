/**
 * Shared setup of the stock benchmarks (stock-latency, reconcile, stock-writes): a real stack (Temporal dev server,
 * PGlite, both sandboxes at their real rate limits, worker, API), a generated catalogue seeded through the control
 * APIs, a connection made and a link run finished through the HTTP API, and the first push confirmed on Tiki.
 */
import { generateCatalogue, HaravanSeedProduct, TikiSeedProduct } from '../../sandbox/demo-data';
import { startStack, TestStack } from '../../test/helpers/stack';
import { get, post } from '../../test/helpers/seed';
import { HARAVAN_BUCKET_SIZE, HARAVAN_LEAK_PER_SECOND } from '../../connectors/haravan/rate-limiter';
import { sleep } from './util';

/** Tiki's documented limit; the sandbox enforces it. */
export const TIKI_DOCUMENTED_PER_SECOND = 200;

export interface StockBench {
  stack: TestStack;
  shopId: number;
  sellerId: number;
  connectionId: string;
  locationId: number;
  warehouseId: number;
  products: HaravanSeedProduct[];
  tikiProducts: TikiSeedProduct[];
  /** Linked variants (from the API) with their seed. */
  linked: { variantId: number; productId: number; barcode: string; tracked: boolean; policy: string; committed: number; onHand: number }[];
  setupSeconds: number;
  api(method: string, path: string, body?: unknown): Promise<any>;
  setOnHand(variantId: number, qty: number): Promise<void>;
  tikiSku(barcode: string): Promise<{ product_id: number; price: number; stocks: { warehouse_id: number; quantity_available: number }[] }>;
  tikiSkus(): Promise<Map<string, { product_id: number; price: number; stocks: { warehouse_id: number; quantity_available: number }[] }>>;
  /** Tiki SKU write calls (updateSku + updateSkus) since the last reset. */
  tikiWrites(): Promise<{ single: number; batch: number; reads: number; rejected: number; bodies: string[] }>;
  resetCalls(): Promise<void>;
  stop(): Promise<void>;
}

export async function setupStockBench(opts: { variants: number; seed: number; config?: object }): Promise<StockBench> {
  const t0 = Date.now();
  const shopId = 220000000000 + (Date.now() % 100000);
  const sellerId = 800000 + (shopId % 100000);
  const accessToken = `bench-stock-${shopId}`;
  const tikiCreds = { clientId: `bench-stock-client-${shopId}`, clientSecret: `bench-stock-secret-${shopId}` };
  const locationId = 4_100_000_001;
  const warehouseId = 4_100_001;
  const stack = await startStack({
    haravanSandbox: { bucketSize: HARAVAN_BUCKET_SIZE, leakPerSecond: HARAVAN_LEAK_PER_SECOND },
    tikiSandbox: { rateLimitPerSecond: TIKI_DOCUMENTED_PER_SECOND },
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await stack.api(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const catalogue = generateCatalogue(opts.variants, opts.seed, { locationIds: [locationId], warehouseIds: [warehouseId] });
  await post(`${stack.haravan.url}/_sandbox/shops`, {
    shop: { id: shopId, name: 'Stock benchmark shop' },
    accessToken,
    locations: [{ id: locationId, name: 'Kho tổng', is_primary: true }],
    products: catalogue.haravanProducts,
  });
  await post(`${stack.tiki.url}/_sandbox/sellers`, {
    seller: { id: sellerId, name: 'Stock benchmark seller' },
    ...tikiCreds,
    warehouses: [{ id: warehouseId, name: 'Kho HCM', is_primary: true }],
    products: catalogue.tikiProducts,
  });
  const connectionId = `conn-${shopId}`;
  await api('POST', '/v1/connections', {
    shopId,
    haravan: { accessToken, baseUrl: stack.haravan.url },
    tiki: { ...tikiCreds, baseUrl: stack.tiki.url },
    config: { reconcileIntervalSeconds: 86_400, ...opts.config },
  });
  const run = await api('POST', `/v1/connections/${connectionId}/link-runs`, { all: true });
  for (;;) {
    const r = await api('GET', `/v1/connections/${connectionId}/link-runs/${run.runId}`);
    if (r.state === 'failed') throw new Error(`link run failed: ${JSON.stringify(r.error)}`);
    if (r.state === 'completed') break;
    await sleep(500);
  }

  // Linked variants, and wait until the first push of every one is confirmed.
  const seedByVariant = new Map<number, { productId: number; v: HaravanSeedProduct['variants'][number] }>();
  for (const p of catalogue.haravanProducts) for (const v of p.variants) seedByVariant.set(Number(v.id), { productId: Number(p.id), v });
  let linkItems: { haravanVariantId: number; haravanProductId: number; barcode: string; converged?: boolean }[] = [];
  for (let tries = 0; ; tries++) {
    linkItems = [];
    for (let page = 1; ; page++) {
      const l = await api('GET', `/v1/connections/${connectionId}/links?page=${page}&limit=250`);
      linkItems.push(...l.items);
      if (l.items.length < 250) break;
    }
    if (linkItems.length > 0 && linkItems.every((l) => l.converged === true)) break;
    if (tries > 600) throw new Error('first push never converged');
    await sleep(500);
  }
  const linked = linkItems.map((l) => {
    const s = seedByVariant.get(l.haravanVariantId);
    const row = s?.v.inventory?.find((r) => r.location_id === locationId);
    return {
      variantId: l.haravanVariantId,
      productId: l.haravanProductId,
      barcode: l.barcode,
      tracked: s?.v.inventory_management === 'haravan',
      policy: s?.v.inventory_policy ?? 'deny',
      committed: row?.qty_commited ?? 0,
      onHand: row?.qty_onhand ?? 0,
    };
  });

  const tikiSkus = async () => {
    const { skus } = await get(`${stack.tiki.url}/_sandbox/sellers/${sellerId}/skus`);
    return new Map<string, any>((skus as any[]).map((s) => [s.original_sku, s]));
  };
  return {
    stack,
    shopId,
    sellerId,
    connectionId,
    locationId,
    warehouseId,
    products: catalogue.haravanProducts,
    tikiProducts: catalogue.tikiProducts,
    linked,
    setupSeconds: (Date.now() - t0) / 1000,
    api,
    async setOnHand(variantId, qty) {
      await post(`${stack.haravan.url}/_sandbox/shops/${shopId}/inventory`, { variantId, locationId, qtyOnhand: qty });
    },
    async tikiSku(barcode) {
      return get(`${stack.tiki.url}/_sandbox/sellers/${sellerId}/skus/${encodeURIComponent(barcode)}`);
    },
    tikiSkus,
    async tikiWrites() {
      const log = await get(`${stack.tiki.url}/_sandbox/calls`);
      const counts = log.counts as Record<string, number>;
      const sum = (re: RegExp) => Object.entries(counts).filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v, 0);
      const rejected = (log.calls as { method: string; path: string; status: number }[]).filter((c) => c.method === 'PUT' && /\/products\/updateSkus?$/.test(c.path) && c.status >= 300).length;
      const bodies = (log.calls as { method: string; path: string; body?: string }[]).filter((c) => c.method === 'PUT' && /\/products\/updateSkus?$/.test(c.path)).map((c) => c.body ?? '');
      return { single: sum(/^PUT .*\/products\/updateSku$/), batch: sum(/^PUT .*\/products\/updateSkus$/), reads: sum(/^GET .*\/products$/), rejected, bodies };
    },
    async resetCalls() {
      await fetch(`${stack.tiki.url}/_sandbox/calls`, { method: 'DELETE' });
      await fetch(`${stack.haravan.url}/_sandbox/calls`, { method: 'DELETE' });
    },
    stop: () => stack.stop(),
  };
}

/** The quantity Tiki should hold for a tracked `deny` variant at one location with default config. */
export function denyTarget(onHand: number, committed: number): number {
  return Math.max(0, onHand - committed);
}

export const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
