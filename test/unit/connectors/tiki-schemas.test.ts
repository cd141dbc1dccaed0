import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { mergeWarehouseQuantities, parseTikiDateTime, toTikiDateTime } from '../../../connectors/tiki/client';
import { pausedConnectionError, tikiErrorText } from '../../../connectors/tiki/errors';
import { setExpression, walkPages } from '../../../connectors/tiki/query';
import {
  apiErrorBodySchema,
  eventSchema,
  inventoryEventPayloadSchema,
  labelResponseSchema,
  legacyKeyMessageSchema,
  marketPriceEventPayloadSchema,
  oauthErrorSchema,
  orderEventPayloadSchema,
  orderListSchema,
  orderSchema,
  pickupSlotsSchema,
  priceEventPayloadSchema,
  productListSchema,
  productSchema,
  pullResponseSchema,
  queueSchema,
  sellerInventoriesSchema,
  sellerSchema,
  sellerWarehouseSchema,
  listEnvelope,
  skuUpdateResponseSchema,
  subscriptionSchema,
  tokenResponseSchema,
} from '../../../connectors/tiki/schemas';
import { warehouseQuantitiesProblem } from '../../../connectors/tiki/stock';
import { renewalMarginMs, TokenCache } from '../../../connectors/tiki/token-cache';
import { TokenBucket } from '../../../connectors/tiki/rate-limiter';

const FIXTURES = join(__dirname, '../../fixtures/tiki');
const load = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

const SCHEMA_OF: Record<string, z.ZodTypeAny> = {
  'token-response.json': tokenResponseSchema,
  'oauth-error.json': oauthErrorSchema,
  'seller-me-v2.json': sellerSchema,
  'seller-me-v1.json': sellerSchema,
  'seller-warehouses-flat.json': listEnvelope(sellerWarehouseSchema),
  'seller-warehouses-nested.json': listEnvelope(sellerWarehouseSchema),
  'seller-inventories.json': sellerInventoriesSchema,
  'products-v2.1.json': productListSchema,
  'products-v2.json': productListSchema,
  'products-empty.json': productListSchema,
  'product-detail.json': productSchema,
  'update-sku-approved.json': skuUpdateResponseSchema,
  'update-sku-error.json': skuUpdateResponseSchema,
  'api-error.json': apiErrorBodySchema,
  'legacy-permission-denied.json': legacyKeyMessageSchema,
  'legacy-paused.json': legacyKeyMessageSchema,
  'orders-list-v2.json': orderListSchema,
  'order-canceled-v2.json': orderSchema,
  'orders-empty.json': orderListSchema,
  'pickup-slots.json': pickupSlotsSchema,
  'dropship-label.json': labelResponseSchema,
  'confirm-response-v1.json': z.unknown(),
  'queues.json': z.array(queueSchema),
  'queue-created.json': queueSchema,
  'subscription.json': subscriptionSchema,
  'events-pull.json': pullResponseSchema,
  'events-pull-empty.json': pullResponseSchema,
};

describe('reference samples parse with the client schemas', () => {
  it('has a schema for every fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(Object.keys(SCHEMA_OF).sort());
  });

  it.each(Object.entries(SCHEMA_OF))('%s', (file, schema) => {
    const result = schema.safeParse(load(file));
    if (!result.success) throw new Error(z.prettifyError(result.error));
  });

  it('normalises v2 products: id → product_id, string active → 0/1, keeps extra fields', () => {
    const [p] = productListSchema.parse(load('products-v2.json')).data;
    expect(p.product_id).toBe(72351928);
    expect(p.active).toBe(1);
    expect((p as Record<string, unknown>).version).toBe(3);
    expect((p as Record<string, unknown>).images).toHaveLength(1);
  });

  it('keeps "" and null original_sku and reads per-warehouse stock', () => {
    const { data, paging } = productListSchema.parse(load('products-v2.1.json'));
    expect(data.map((p) => p.original_sku)).toEqual(['8935086851545', '', null]);
    expect(data[0].inventory?.warehouse_stocks[0]).toMatchObject({
      quantity_available: 167,
      quantity_reserved: 2,
      quantity_sellable: 165,
    });
    expect(data[2].inventory).toBeUndefined();
    expect(paging?.last_page).toBe(1);
  });

  it('gives flat and nested warehouses the same address shape', () => {
    const flat = listEnvelope(sellerWarehouseSchema).parse(load('seller-warehouses-flat.json')).data[0];
    const nested = listEnvelope(sellerWarehouseSchema).parse(load('seller-warehouses-nested.json')).data[0];
    expect(flat.address.district?.name).toBe('Quận Tân Bình');
    expect(nested.address.district?.name).toBe('Quận Hoàn Kiếm');
  });

  it('reads orders: decimal-string money, masked PII, [] for empty objects, cancel_info', () => {
    const { data } = orderListSchema.parse(load('orders-list-v2.json'));
    expect(data[0].invoice?.grand_total).toBe(152000);
    expect(data[0].shipping?.address?.phone).toBe('');
    expect(data[0].shipping?.address?.email).toBeNull();
    expect(data[1].shipping?.address?.phone).toBe('0901234567');
    expect(data[1].items.map((i) => i.product.seller_product_code)).toEqual(['', null]);
    const canceled = orderSchema.parse(load('order-canceled-v2.json'));
    expect(canceled.cancel_info).toMatchObject({ reason_code: '201', reason_text: 'Không còn nhu cầu' });
    expect(canceled.status_histories.map((h) => h.status)).toEqual(['processing', 'queueing', 'canceled']);
  });

  it('reads every event payload type', () => {
    const { events, ack_id } = pullResponseSchema.parse(load('events-pull.json'));
    expect(ack_id).toMatch(/^[0-9a-f-]{36}$/);
    const byType = Object.fromEntries(events.map((e) => [e.type, e.payload]));
    expect(orderEventPayloadSchema.parse(byType.ORDER_STATUS_UPDATED).status).toBe('picking');
    expect(priceEventPayloadSchema.parse(byType.PRODUCT_PRICE_UPDATED)).toMatchObject({
      product_id: 72351928,
      price_to: 72000,
    });
    expect(marketPriceEventPayloadSchema.parse(byType.PRODUCT_MARKET_PRICE_UPDATED).market_price_to).toBe(90000);
    expect(inventoryEventPayloadSchema.parse(byType.PRODUCT_INVENTORY_UPDATED).quantity_sellable_to).toBe(165);
    expect(eventSchema.parse(events[0]).created_at).toBe(1740401636695);
  });

  it('extracts Tiki error texts and detects the paused key answer', () => {
    expect(tikiErrorText(load('update-sku-error.json'))).toContain("Warehouse '[15936811]' are not found");
    expect(tikiErrorText(load('oauth-error.json'))).toMatch(/^invalid_client: Client authentication failed/);
    expect(tikiErrorText(load('legacy-permission-denied.json'))).toBe('Permission denied');
    const res = (body: unknown) => ({ status: 200, headers: new Headers(), body });
    expect(pausedConnectionError('GET /x', res(load('legacy-paused.json')))?.code).toBe('CONNECTION_PAUSED');
    expect(pausedConnectionError('GET /x', res({ integration_status: 2 }))?.code).toBe('CONNECTION_PAUSED');
    expect(pausedConnectionError('GET /x', res(load('seller-me-v2.json')))).toBeUndefined();
    expect(pausedConnectionError('GET /x', res([]))).toBeUndefined();
  });
});

describe('Tiki date-times (UTC+7)', () => {
  it('formats and parses Vietnam local time', () => {
    expect(toTikiDateTime(new Date('2025-02-24T12:53:56Z'))).toBe('2025-02-24 19:53:56');
    expect(toTikiDateTime(new Date('2025-12-31T17:00:00Z'))).toBe('2026-01-01 00:00:00');
    expect(parseTikiDateTime('2025-02-24 19:53:56').toISOString()).toBe('2025-02-24T12:53:56.000Z');
    expect(parseTikiDateTime('2025-02-25').toISOString()).toBe('2025-02-24T17:00:00.000Z');
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(parseTikiDateTime(toTikiDateTime(now)).getTime()).toBe(now.getTime());
  });

  it('rejects malformed and impossible values', () => {
    expect(() => parseTikiDateTime('24/02/2025')).toThrow(RangeError);
    expect(() => parseTikiDateTime('2025-02-30 10:00:00')).toThrow(RangeError);
    expect(() => parseTikiDateTime('2025-02-10 24:00:00')).toThrow(RangeError);
    expect(() => toTikiDateTime(new Date('nope'))).toThrow(RangeError);
  });
});

describe('query helpers', () => {
  it('builds set expressions', () => {
    expect(setExpression({ nin: ['processing', 'waiting_payment'] })).toBe('nin|processing,waiting_payment');
    expect(setExpression({ in: ['queueing'] })).toBe('in|queueing');
    expect(setExpression(['a', 'b'])).toBe('in|a,b');
    expect(setExpression({})).toBeUndefined();
    expect(() => setExpression({ in: ['a'], nin: ['b'] })).toThrow();
  });

  it('walks pages to last_page without stopping on short or empty pages', async () => {
    const pages: Record<number, number[]> = { 1: [1, 2], 2: [], 3: [3] };
    const seen: number[] = [];
    for await (const p of walkPages(async (page) => ({
      items: pages[page],
      paging: { current_page: page, last_page: 3, total: 3, per_page: 2, from: null, to: null },
    }))) {
      seen.push(...p.items);
    }
    expect(seen).toEqual([1, 2, 3]);
    let calls = 0;
    for await (const _ of walkPages(async () => {
      calls++;
      return { items: [], paging: { current_page: 1, last_page: 0, total: 0, per_page: 2, from: 0, to: 0 } };
    })) {
      throw new Error('no page expected');
    }
    expect(calls).toBe(1);
  });
});

describe('mergeWarehouseQuantities', () => {
  const current = [
    { warehouse_id: 1, quantity_available: 5 },
    { warehouse_id: 2, quantity_available: 7 },
  ];

  it('keeps other warehouses at their current value and overrides/append updates', () => {
    expect(
      mergeWarehouseQuantities(current, [
        { warehouseId: 2, qtyAvailable: 0 },
        { warehouseId: 3, qtyAvailable: 9 },
      ]),
    ).toEqual([
      { warehouseId: 1, qtyAvailable: 5 },
      { warehouseId: 2, qtyAvailable: 0 },
      { warehouseId: 3, qtyAvailable: 9 },
    ]);
    expect(mergeWarehouseQuantities([], [{ warehouseId: 4, qtyAvailable: 1 }])).toEqual([
      { warehouseId: 4, qtyAvailable: 1 },
    ]);
  });

  it('flags lists that would zero warehouses on the batch endpoint', () => {
    expect(warehouseQuantitiesProblem([], undefined, true)).toMatch(/empty/);
    expect(warehouseQuantitiesProblem([{ warehouseId: 1, qtyAvailable: 1 }], [1, 2], true)).toMatch(
      /warehouses 2 are missing/,
    );
    expect(
      warehouseQuantitiesProblem(
        mergeWarehouseQuantities(current, [{ warehouseId: 1, qtyAvailable: 1 }]),
        [1, 2],
        true,
      ),
    ).toBeUndefined();
    expect(warehouseQuantitiesProblem([{ warehouseId: 1, qtyAvailable: -1 }])).toMatch(/invalid qtyAvailable/);
    expect(
      warehouseQuantitiesProblem([
        { warehouseId: 1, qtyAvailable: 1 },
        { warehouseId: 1, qtyAvailable: 2 },
      ]),
    ).toMatch(/twice/);
  });
});

describe('token cache and bucket', () => {
  it('renews 5 min early, or 10 % of short lifetimes', () => {
    expect(renewalMarginMs(3_600_000)).toBe(300_000);
    expect(renewalMarginMs(2_000)).toBe(200);
  });

  it('shares one in-flight grant and renews when due', async () => {
    let t = 0;
    const cache = new TokenCache(() => t);
    let grants = 0;
    const fetchToken = async () => ({ accessToken: `t${++grants}`, expiresInSeconds: 10 });
    const tokens = await Promise.all([1, 2, 3].map(() => cache.get('k', fetchToken)));
    expect(tokens).toEqual(['t1', 't1', 't1']);
    t = 8_999;
    expect(await cache.get('k', fetchToken)).toBe('t1');
    t = 9_000;
    expect(await cache.get('k', fetchToken)).toBe('t2');
    cache.invalidate('k', 't1');
    expect(await cache.get('k', fetchToken)).toBe('t2');
    cache.invalidate('k', 't2');
    expect(await cache.get('k', fetchToken)).toBe('t3');
  });

  it('keeps using a still-valid token when its early renewal fails', async () => {
    let t = 0;
    const cache = new TokenCache(() => t);
    expect(await cache.get('k', async () => ({ accessToken: 'old', expiresInSeconds: 10 }))).toBe('old');
    t = 9_500;
    const failing = async (): Promise<never> => {
      throw new Error('token endpoint down');
    };
    expect(await cache.get('k', failing)).toBe('old');
    t = 10_000;
    await expect(cache.get('k', failing)).rejects.toThrow('token endpoint down');
    cache.invalidate('k');
    t = 9_000;
    await expect(cache.get('k', failing)).rejects.toThrow('token endpoint down');
  });

  it('hands out a burst of `rate` tokens, then spaces callers 1/rate apart', () => {
    let t = 0;
    const bucket = new TokenBucket(10, () => t);
    const waits = Array.from({ length: 13 }, () => bucket.reserve());
    expect(waits.slice(0, 10).every((w) => w === 0)).toBe(true);
    expect(waits.slice(10).map((w) => Math.round(w))).toEqual([100, 200, 300]);
    t = 1_000;
    bucket.pauseFor(500);
    expect(bucket.reserve()).toBe(500);
  });
});
