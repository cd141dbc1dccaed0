import { ConnectorError } from '../../../connectors/errors';
import { attributeType } from '../../../connectors/tiki/publishing';
import type { TikiProductRequest } from '../../../domain/publication/types';
import { Harness, rejection, startHarness, WH_MAIN } from '../../fixtures/tiki/harness';

describe('Tiki product requests — client against the sandbox', () => {
  let h: Harness;
  let now = Date.parse('2026-12-01T03:00:00Z');
  beforeAll(async () => {
    h = await startHarness({ now: () => now });
  });
  afterAll(() => h.close());

  const body = (sku: string, over: Partial<TikiProductRequest> = {}): TikiProductRequest => ({
    category_id: 8371,
    name: 'Áo thun demo',
    description: '<p>x</p>',
    market_price: 300_000,
    attributes: { brand: 'Coolmate', origin: 'Việt Nam' },
    image: 'https://img.example/a.jpg',
    images: ['https://img.example/a.jpg'],
    option_attributes: ['Size'],
    variants: [{ sku, price: 250_000, market_price: 300_000, option1: 'M', inventory_type: 'instock', seller_warehouse: String(WH_MAIN), warehouse_stocks: [{ warehouseId: WH_MAIN, qtyAvailable: 4 }] }],
    certificate_files: [],
    meta_data: { is_auto_turn_on: false },
    ...over,
  });

  it('reads categories, attributes and dictionaries', async () => {
    const api = h.oauthClient().publishing;
    const cats = await api.listCategories();
    expect(cats.find((c) => c.id === 8371)).toEqual({ id: 8371, name: 'Áo thun nam ngắn tay có cổ', parentId: 917, isPrimary: true });
    expect(cats.some((c) => c.name === 'Tiểu thuyết')).toBe(true);
    expect(cats.some((c) => c.name === 'Gối')).toBe(true);
    const attrs = await api.getCategoryAttributes(842);
    expect(attrs.find((a) => a.code === 'author')).toMatchObject({ required: true, type: 'text', nameVi: 'Tác giả', name: 'Author' });
    const brand = (await api.getCategoryAttributes(8371)).find((a) => a.code === 'brand')!;
    expect(brand).toMatchObject({ id: 603, type: 'select', required: true });
    const values = await api.getAttributeValues(603);
    expect(values.map((v) => v.value)).toContain('Coolmate');
    expect((await api.getAttributeValues(603, 'cool')).map((v) => v.value)).toEqual(['Coolmate']);
  });

  it('refuses an invalid request synchronously with Tiki\'s errors', async () => {
    const api = h.oauthClient().publishing;
    const cases: [Partial<TikiProductRequest>, RegExp][] = [
      [{ category_id: 917 }, /not a primary category/],
      [{ attributes: { brand: 'Coolmate', origin: 'american' } }, /attribute=origin value=american don't exists/],
      [{ attributes: { origin: 'Việt Nam' } }, /attribute=brand is required/],
      [{ images: [] }, /product media is empty/],
      [{ option_attributes: [] }, /variants and option_attributes do not match/],
    ];
    for (const [over, re] of cases) {
      const err = await rejection(api.createProductRequest(body('BAD-1', over)));
      expect(err).toBeInstanceOf(ConnectorError);
      expect(err.code).toBe('VALIDATION');
      expect(err.message).toMatch(re);
    }
    const zero = await rejection(api.createProductRequest(body('BAD-2', { variants: [{ ...body('x').variants[0]!, price: 0 }] })));
    expect(zero.message).toMatch(/variants should have price > 0/);
  });

  it('approve after N s: states move with the clock, products appear inactive', async () => {
    await h.control('PUT', '/product-requests/plans', { bySku: { 'AP-1': { outcome: 'approve', afterSeconds: 100 } } });
    const api = h.oauthClient().publishing;
    const { trackId, state } = await api.createProductRequest(body('AP-1'));
    expect(state).toBe('queuing');
    const seen: string[] = [];
    for (const dt of [0, 20_000, 30_000, 25_000, 30_000]) {
      now += dt;
      seen.push((await api.trackProductRequest(trackId)).state!);
    }
    expect(seen).toEqual(['queuing', 'processing', 'bot_awaiting_approve', 'awaiting_approve', 'approved']);
    const sku = h.running.sandbox.state.sku(h.sellerId, 'AP-1');
    expect(sku).toMatchObject({ original_sku: 'AP-1', active: 0, price: 250_000 });
    const [product] = await h.oauthClient().findByOriginalSku('AP-1');
    expect(product).toBeDefined();
  });

  it('reject in either format; stall; expire → 404 read as expired', async () => {
    await h.control('PUT', '/product-requests/plans', {
      bySku: {
        'RJ-1': [
          { outcome: 'reject', afterSeconds: 10, reasonFormat: 'json', reason: 'Image size is too small' },
          { outcome: 'reject', afterSeconds: 10, reasonFormat: 'text' },
        ],
        'ST-1': { outcome: 'stall', afterSeconds: 0 },
        'EX-1': { outcome: 'expire', afterSeconds: 10 },
      },
    });
    const api = h.oauthClient().publishing;
    const json = await api.createProductRequest(body('RJ-1'));
    const text = await api.createProductRequest(body('RJ-1'));
    const stall = await api.createProductRequest(body('ST-1'));
    const exp = await api.createProductRequest(body('EX-1'));
    now += 11_000;
    const a = await api.trackProductRequest(json.trackId);
    expect(a.state).toBe('rejected');
    expect(JSON.parse(a.reason as string).errors[0].msg_eng).toBe('Image size is too small');
    expect(await api.trackProductRequest(text.trackId)).toMatchObject({ state: 'rejected', reason: 'product media is empty' });
    now += 30 * 86_400_000;
    expect((await api.trackProductRequest(stall.trackId)).state).toBe('processing');
    expect(await api.trackProductRequest(exp.trackId)).toEqual({ expired: true });
    const decided = await h.control('POST', `/product-requests/${stall.trackId}/decide`, { outcome: 'approve', afterSeconds: 0 });
    expect(decided.status).toBe(200);
    expect((await api.trackProductRequest(stall.trackId)).state).toBe('approved');
  });

  it('normalises attribute types', () => {
    expect(attributeType('multiselect', 'string')).toBe('multiselect');
    expect(attributeType('dropdown', 'string')).toBe('select');
    expect(attributeType('textbox', 'decimal')).toBe('number');
    expect(attributeType('checkbox', null)).toBe('boolean');
    expect(attributeType(null, null)).toBe('text');
  });
});

describe('Tiki product requests — the client tolerates other shapes of the same answers', () => {
  const answers: Record<string, (url: URL) => [number, unknown]> = {
    'POST /integration/v2.1/requests': () => [200, { data: { track_id: 'T-9', state: 'QUEUING' } }],
    'GET /integration/v2/tracking/T-9': () => [200, { data: { track_id: 'T-9', state: ' Awaiting_Approve ', reason: null } }],
    'GET /integration/v2/tracking/LIST': () => [200, [{ track_id: 'LIST', status: 'rejected', rejection_reason: 'product media is empty' }]],
    'GET /integration/v2/tracking/OLD': () => [400, { errors: ['track_id OLD is expired'] }],
    'GET /integration/v2/tracking/BROKEN': () => [400, { errors: ['invalid request'] }],
    'GET /integration/v2/categories': (url) =>
      url.searchParams.get('page') === '2'
        ? [200, { data: [{ id: 2, name: 'Leaf', parent_id: 1, is_primary: '1' }], paging: { current_page: 2, last_page: 2 } }]
        : [200, { data: [{ id: 1, name: 'Root', parent_id: 0, is_primary: 0 }], paging: { current_page: 1, last_page: 2 } }],
  };
  let server: import('node:http').Server;
  let base: string;
  beforeAll(async () => {
    const http = await import('node:http');
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const answer = answers[`${req.method} ${url.pathname}`]?.(url) ?? [404, { errors: ['no route'] }];
      res.writeHead(answer[0], { 'Content-Type': 'application/json' }).end(JSON.stringify(answer[1]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('reads wrapped bodies, paged trees, odd flags and a 400 that says the track id expired', async () => {
    const { TikiClient } = await import('../../../connectors/tiki/client');
    const api = new TikiClient({ baseUrl: base, auth: { apiKey: 'k' }, maxRequestsPerSecond: 1000 }).publishing;
    expect(await api.createProductRequest({} as TikiProductRequest)).toEqual({ trackId: 'T-9', state: 'QUEUING' });
    expect(await api.trackProductRequest('T-9')).toMatchObject({ expired: false, state: 'awaiting_approve' });
    expect(await api.trackProductRequest('LIST')).toMatchObject({ expired: false, state: 'rejected', reason: 'product media is empty' });
    expect(await api.trackProductRequest('OLD')).toEqual({ expired: true });
    expect((await rejection(api.trackProductRequest('BROKEN'))).code).toBe('VALIDATION');
    expect(await api.listCategories()).toEqual([
      { id: 1, name: 'Root', parentId: null, isPrimary: false },
      { id: 2, name: 'Leaf', parentId: 1, isPrimary: true },
    ]);
  });
});
