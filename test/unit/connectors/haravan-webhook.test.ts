import express from 'express';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import {
  HARAVAN_HMAC_HEADERS,
  haravanWebhookMeta,
  signHaravanWebhook,
  verifyHaravanWebhook,
} from '../../../connectors/haravan/webhook';
import { RunningHaravanSandbox } from '../../../sandbox/haravan/app';
import vector from '../../fixtures/haravan/webhook-orders-create.json';
import { clientFor, control, product, seedShop, startSandbox } from '../../fixtures/haravan/sandbox-helpers';

describe('webhook HMAC', () => {
  const secret = 'shop-webhook-secret';
  const body = JSON.stringify({ id: 1033252767, title: 'Áo thun', variants: [{ id: 1, barcode: '8930001' }] });

  it('matches an independently computed test vector', () => {
    expect(signHaravanWebhook(vector.raw_body, vector.secret)).toBe(vector.signature);
    expect(verifyHaravanWebhook(Buffer.from(vector.raw_body, 'utf8'), { 'x-haravan-hmac-sha256': vector.signature }, vector.secret)).toBe(true);
  });

  it.each(HARAVAN_HMAC_HEADERS)('accepts the %s header spelling', (header) => {
    const signature = signHaravanWebhook(body, secret);
    expect(verifyHaravanWebhook(body, { [header]: signature }, secret)).toBe(true);
    expect(verifyHaravanWebhook(body, { [header.toLowerCase()]: signature }, secret)).toBe(true);
    expect(verifyHaravanWebhook(body, new Headers({ [header]: signature }), secret)).toBe(true);
  });

  it('verifies Buffers and string bodies alike, and array header values', () => {
    const signature = signHaravanWebhook(Buffer.from(body), secret);
    expect(signature).toBe(signHaravanWebhook(body, secret));
    expect(verifyHaravanWebhook(Buffer.from(body), { 'X-Haravan-HmacSha256': [signature] }, secret)).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, a missing or malformed signature', () => {
    const signature = signHaravanWebhook(body, secret);
    expect(verifyHaravanWebhook(body.replace('Áo thun', 'Áo khoác'), { 'X-Haravan-Hmac-Sha256': signature }, secret)).toBe(false);
    expect(verifyHaravanWebhook(body, { 'X-Haravan-Hmac-Sha256': signature }, 'other-secret')).toBe(false);
    expect(verifyHaravanWebhook(body, {}, secret)).toBe(false);
    expect(verifyHaravanWebhook(body, { 'X-Haravan-Hmac-Sha256': 'not base64 !!' }, secret)).toBe(false);
    expect(verifyHaravanWebhook(body, { 'X-Haravan-Hmac-Sha256': signature.slice(0, 20) }, secret)).toBe(false);
    expect(verifyHaravanWebhook(body, { 'X-Haravan-Hmac-Sha256': signature }, '')).toBe(false);
    // Hex SHA-1 (a third-party variant) is not Haravan's scheme.
    expect(verifyHaravanWebhook(body, { 'X-Haravan-Hmac-Sha256': 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3' }, secret)).toBe(false);
  });

  it('reads topic, org id and test flag', () => {
    expect(haravanWebhookMeta({ 'x-haravan-topic': 'orders/create', 'X-Haravan-Org-Id': '200000244883' })).toEqual({
      topic: 'orders/create',
      orgId: '200000244883',
      test: false,
    });
    expect(haravanWebhookMeta(new Headers({ 'X-Haravan-Test': 'true' })).test).toBe(true);
  });
});

describe('sandbox webhook deliveries', () => {
  let sb: RunningHaravanSandbox;
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: Record<string, string | string[] | undefined>; raw: Buffer }[] = [];
  let failNext = 0;

  beforeAll(async () => {
    sb = await startSandbox({ webhooks: { retryDelayMs: 20 } });
    const app = express();
    app.post('/hooks', express.raw({ type: '*/*' }), (req, res) => {
      if (failNext > 0) {
        failNext--;
        res.status(500).end();
        return;
      }
      received.push({ headers: req.headers, raw: req.body as Buffer });
      res.status(200).end();
    });
    receiver = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    await sb.close();
    await new Promise((r) => receiver.close(r));
  });

  beforeEach(() => {
    received.length = 0;
  });

  it('signs products/update and orders/create deliveries so that verifyHaravanWebhook accepts them', async () => {
    const shop = await seedShop(sb.url, { products: [product('Hook', [{ barcode: '8930001' }])] });
    const secret = 'private-webhook-secret';
    const sub = await control(sb.url, 'POST', `/shops/${shop.shopId}/webhooks`, {
      url: receiverUrl,
      secret,
      topics: ['products/update', 'orders/create'],
    });
    expect(sub.status).toBe(201);

    await control(sb.url, 'PUT', `/shops/${shop.shopId}/products/${shop.productIds[0]}`, {
      variants: [{ id: shop.variantIds[0], barcode: '8930002' }],
    });
    const order = await clientFor(sb.url, shop.token).createOrder({ line_items: [{ variant_id: shop.variantIds[0], quantity: 1 }] });
    await sb.sandbox.webhooks.flush();

    expect(received.map((r) => r.headers['x-haravan-topic'])).toEqual(['products/update', 'orders/create']);
    for (const delivery of received) {
      expect(delivery.headers['x-haravan-org-id']).toBe(String(shop.shopId));
      expect(verifyHaravanWebhook(delivery.raw, delivery.headers, secret)).toBe(true);
      expect(verifyHaravanWebhook(delivery.raw, delivery.headers, 'wrong')).toBe(false);
    }
    const productPayload = JSON.parse(received[0].raw.toString('utf8'));
    expect(productPayload.variants[0].barcode).toBe('8930002');
    expect(JSON.parse(received[1].raw.toString('utf8')).id).toBe(order.id);
  });

  it('retries a delivery answered with a non-2xx status', async () => {
    const shop = await seedShop(sb.url, { products: [product('Retry')] });
    await control(sb.url, 'POST', `/shops/${shop.shopId}/webhooks`, { url: receiverUrl, secret: 's', topics: ['*'] });
    failNext = 1;
    await control(sb.url, 'PUT', `/shops/${shop.shopId}/products/${shop.productIds[0]}`, { title: 'Retry 2' });
    await sb.sandbox.webhooks.flush();
    expect(received).toHaveLength(1);
    const { body } = await control(sb.url, 'GET', `/shops/${shop.shopId}/webhooks`);
    expect(body.deliveries).toEqual([expect.objectContaining({ topic: 'products/update', status: 'delivered', attempts: 2 })]);
  });

  it('sends products/create for a product added in the admin', async () => {
    const shop = await seedShop(sb.url);
    await control(sb.url, 'POST', `/shops/${shop.shopId}/webhooks`, { url: receiverUrl, secret: 's', topics: ['products/create'] });
    const created = await control(sb.url, 'POST', `/shops/${shop.shopId}/products`, product('New one'));
    expect(created.status).toBe(201);
    await sb.sandbox.webhooks.flush();
    expect(received.map((r) => r.headers['x-haravan-topic'])).toEqual(['products/create']);
  });
});
