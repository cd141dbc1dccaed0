import { ConnectorError } from '../../../connectors/errors';
import { TikiClient } from '../../../connectors/tiki/client';
import { TokenCache } from '../../../connectors/tiki/token-cache';
import { Harness, rejection, startHarness } from '../../fixtures/tiki/harness';

describe('TikiClient authentication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ tokenTtlSeconds: 2 });
  });
  afterAll(() => h.close());

  const tokenGrants = () => h.running.sandbox.faults.callLog().counts['POST /sc/oauth2/token'] ?? 0;

  it('gets a token with client_secret_post and with client_secret_basic', async () => {
    const post = h.oauthClient();
    const basic = h.oauthClient({
      auth: { clientId: h.clientId, clientSecret: h.clientSecret, authMethod: 'client_secret_basic' },
    });
    expect((await post.getSeller()).id).toBe(h.sellerId);
    expect((await basic.getSeller()).id).toBe(h.sellerId);
  });

  it('enforces the registered auth method and reports OAuth errors as AUTH_FAILED', async () => {
    const other = h.running.sandbox.state.seedSeller({
      seller: { id: 77, name: 'Basic only' },
      clientId: 'basic-only',
      clientSecret: 's3cr3t:with/odd chars',
      authMethod: 'client_secret_basic',
      warehouses: [{ id: 7701, name: 'K' }],
    });
    const make = (authMethod: 'client_secret_basic' | 'client_secret_post', secret = other.credentials.clientSecret) =>
      new TikiClient({
        baseUrl: h.url,
        auth: { clientId: 'basic-only', clientSecret: secret, authMethod },
        tokenCache: new TokenCache(),
      });
    expect((await make('client_secret_basic').getSeller()).id).toBe(77);
    const wrongMethod = await rejection(make('client_secret_post').getSeller());
    expect(wrongMethod).toBeInstanceOf(ConnectorError);
    expect(wrongMethod).toMatchObject({
      code: 'AUTH_FAILED',
      retryable: false,
      status: 401,
      route: 'POST /sc/oauth2/token',
    });
    expect(wrongMethod.message).toContain('invalid_client');
    expect(wrongMethod.details).toMatchObject({ error: 'invalid_client', status_code: 401 });
    const wrongSecret = await rejection(make('client_secret_basic', 'nope').getSeller());
    expect(wrongSecret.code).toBe('AUTH_FAILED');
  });

  it('caches the token process-wide per client id and renews it before expiry (TTL 2 s)', async () => {
    const cache = new TokenCache();
    const a = h.oauthClient({ tokenCache: cache });
    const b = h.oauthClient({ tokenCache: cache });
    const before = tokenGrants();
    await Promise.all([a.getSeller(), b.getSeller(), a.listWarehouses()]);
    expect(tokenGrants() - before).toBe(1);
    await new Promise((r) => setTimeout(r, 1_900)); // past 90 % of the lifetime
    const calls = h.running.sandbox.faults.callLog().calls.length;
    await a.getSeller();
    const after = h.running.sandbox.faults.callLog().calls.slice(calls);
    expect(after.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'POST /sc/oauth2/token 200',
      'GET /integration/v2/sellers/me 200',
    ]);
  });

  it('on 401 drops the token, re-grants once and retries the call', async () => {
    const client = h.oauthClient({ tokenCache: new TokenCache() });
    await client.getSeller();
    await h.control('POST', '/tokens/expire', { sellerId: h.sellerId });
    const calls = h.running.sandbox.faults.callLog().calls.length;
    expect((await client.getSeller()).id).toBe(h.sellerId);
    const after = h.running.sandbox.faults.callLog().calls.slice(calls);
    expect(after.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'GET /integration/v2/sellers/me 401',
      'POST /sc/oauth2/token 200',
      'GET /integration/v2/sellers/me 200',
    ]);
  });

  it('a second 401 after the refresh is AUTH_FAILED', async () => {
    const client = h.oauthClient({ tokenCache: new TokenCache() });
    const rule = h.running.sandbox.faults.add({
      path: '/integration/v2/sellers/me',
      status: 401,
      body: { errors: ['token not linked to any seller'] },
    });
    try {
      const err = await rejection(client.getSeller());
      expect(err).toMatchObject({ code: 'AUTH_FAILED', status: 401, retryable: false });
      expect(err.message).toContain('token not linked to any seller');
      expect(rule.fired).toBe(2);
    } finally {
      h.running.sandbox.faults.remove(rule.id);
    }
  });

  it('revoked credentials fail, replaced ones work again', async () => {
    const s = h.running.sandbox.state.seedSeller({
      seller: { id: 78, name: 'Revocable' },
      clientId: 'revocable',
      clientSecret: 'old',
      apiKey: 'revocable-key',
      warehouses: [{ id: 7801, name: 'K' }],
    });
    const client = new TikiClient({
      baseUrl: h.url,
      auth: { clientId: 'revocable', clientSecret: 'old' },
      tokenCache: new TokenCache(),
    });
    const keyClient = new TikiClient({ baseUrl: h.url, auth: { apiKey: s.credentials.apiKey } });
    await client.getSeller();
    expect((await h.control('POST', '/sellers/78/revoke')).status).toBe(200);
    expect((await rejection(client.getSeller())).code).toBe('AUTH_FAILED');
    expect((await rejection(keyClient.getSeller())).code).toBe('FORBIDDEN');
    await h.control('POST', '/sellers/78/credentials', { clientSecret: 'new' });
    const renewed = new TikiClient({
      baseUrl: h.url,
      auth: { clientId: 'revocable', clientSecret: 'new' },
      tokenCache: new TokenCache(),
    });
    expect((await renewed.getSeller()).id).toBe(78);
  });
});

describe('TikiClient with the legacy tiki-api key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('sends the key header on the same paths', async () => {
    const client = h.keyClient();
    expect((await client.getSeller()).id).toBe(h.sellerId);
    expect((await client.listProducts()).items).toHaveLength(3);
    expect(h.running.sandbox.faults.callLog().counts['POST /sc/oauth2/token']).toBeUndefined();
  });

  it('a wrong key is FORBIDDEN (403 Permission denied)', async () => {
    const err = await rejection(h.keyClient({ auth: { apiKey: 'not-a-key' } }).getSeller());
    expect(err).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
      retryable: false,
      details: { msg: 'Permission denied' },
    });
    expect(err.message).toContain('Permission denied');
  });

  it('a paused connection (200 with msg/integration_status) is CONNECTION_PAUSED on every call', async () => {
    const client = h.keyClient();
    await h.control('POST', `/sellers/${h.sellerId}/pause`);
    try {
      for (const call of [
        () => client.getSeller(),
        () => client.listProducts(),
        () => client.updateSku({ productId: h.productIds[0], price: 120_000 }),
        () => client.listQueues(),
      ]) {
        const err = await rejection(call());
        expect(err).toMatchObject({ code: 'CONNECTION_PAUSED', retryable: false, status: 200 });
        expect(err.message).toContain('Kết nối đang tạm ngưng bởi seller');
      }
      // OAuth is not affected by the key-scheme pause.
      expect((await h.oauthClient().getSeller()).id).toBe(h.sellerId);
    } finally {
      await h.control('POST', `/sellers/${h.sellerId}/resume`);
    }
    expect((await client.getSeller()).id).toBe(h.sellerId);
    expect((await h.control('GET', `/sellers/${h.sellerId}/skus/AO-1`)).body.price).toBe(100_000);
  });
});
