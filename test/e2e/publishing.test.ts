/**
 * Publishing to Tiki end to end (issue 17), driven only through the service's HTTP API and the sandboxes'
 * control APIs: approve → activated, linked and stock pushed; reject (JSON reasons) → resubmit → approve;
 * reject (plain reason); stall; expire; synchronous 422 with field-level problems; disconnect mid-review.
 */
import { publishDemoProducts } from '../../sandbox/publish-demo';
import { connectBody, post, seedDemoShop, SeededShop } from '../helpers/seed';
import { eventually, startStack, TestStack } from '../helpers/stack';

jest.setTimeout(300_000);

describe('publishing Haravan products to Tiki', () => {
  let stack: TestStack;
  let shop: SeededShop;
  let conn: string;
  const products: { id: number; title: string; barcodes: (string | null)[]; variantIds: number[] }[] = [];
  const byTitle = (prefix: string) => products.find((p) => p.title.startsWith(prefix))!;
  const control = async (method: string, url: string, body?: unknown): Promise<any> => {
    const res = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.json();
  };
  const publication = async (pubId: string) => (await stack.api('GET', `/v1/connections/${conn}/publications/${pubId}`)).body;
  const until = (pubId: string, ...states: string[]) =>
    eventually(async () => {
      const p = await publication(pubId);
      return states.includes(p.state) ? p : null;
    }, 60_000);

  beforeAll(async () => {
    process.env.PUBLISH_FIRST_CHECK_MS = '300';
    process.env.PUBLISH_MAX_CHECK_MS = '1500';
    stack = await startStack();
    shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 20 });
    const locationId = shop.haravanSeed.locations[0].id;
    for (const body of publishDemoProducts(8, { shopSlot: shop.shopId % 100_000, locationId })) {
      const { product } = await post(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/products`, body);
      products.push({ id: product.id, title: product.title, barcodes: product.variants.map((v: { barcode: string | null }) => v.barcode), variantIds: product.variants.map((v: { id: number }) => v.id) });
    }
    const res = await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url));
    expect(res.status).toBe(201);
    conn = res.body.id;
  });
  afterAll(async () => {
    await stack?.stop();
    delete process.env.PUBLISH_FIRST_CHECK_MS;
    delete process.env.PUBLISH_MAX_CHECK_MS;
  });

  it('searches the category tree with a suggestion, and lists a category\'s attributes required first', async () => {
    const shirt = byTitle('Áo thun');
    const res = await stack.api('GET', `/v1/tiki/categories?connectionId=${conn}&q=${encodeURIComponent('ao thun')}&productName=${encodeURIComponent(shirt.title)}`);
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ isLeaf: true, path: expect.stringContaining('Thời trang nam > Áo thun nam') });
    expect(res.body.items.at(-1).isLeaf).toBe(false);
    expect(res.body.suggestions[0].path).toContain('Áo thun nam');
    const attrs = await stack.api('GET', `/v1/tiki/categories/8371/attributes?connectionId=${conn}`);
    expect(attrs.status).toBe(200);
    expect(attrs.body.items[0].required).toBe(true);
    expect(attrs.body.items.find((a: { code: string }) => a.code === 'brand')).toMatchObject({ required: true, type: 'select', values: expect.arrayContaining([expect.objectContaining({ value: 'Coolmate' })]) });
    expect((await stack.api('GET', `/v1/tiki/categories/999999/attributes?connectionId=${conn}`)).body.error.code).toBe('TIKI_CATEGORY_NOT_FOUND');
    expect((await stack.api('GET', `/v1/tiki/categories?connectionId=conn-1&q=x`)).status).toBe(404);
  });

  it('documents the publication paths and shapes in /openapi.json', async () => {
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as { paths: Record<string, object>; components: { schemas: Record<string, object> } };
    for (const p of ['/v1/connections/{id}/publications', '/v1/connections/{id}/publications/{pubId}', '/v1/connections/{id}/publications/{pubId}/resubmit', '/v1/tiki/categories', '/v1/tiki/categories/{categoryId}/attributes']) {
      expect(doc.paths).toHaveProperty([p]);
    }
    expect(doc.components.schemas).toHaveProperty('Publication');
    expect(doc.components.schemas).toHaveProperty('Problem');
  });

  it('a dry run answers the request body or the problems; nothing sendable → 422 PUBLICATION_INVALID', async () => {
    const shirt = byTitle('Áo thun');
    const dry = await stack.api('POST', `/v1/connections/${conn}/publications`, { productIds: [shirt.id], categoryId: 8371, attributes: { origin: 'viet nam' }, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.items[0].problems).toEqual([]);
    expect(dry.body.items[0].request).toMatchObject({ category_id: 8371, attributes: { brand: 'Coolmate', origin: 'Việt Nam' }, option_attributes: ['Màu', 'Size'] });
    expect(dry.body.items[0].request.variants.map((v: { sku: string }) => v.sku)).toEqual(shirt.barcodes);
    const shirts = byTitle('Áo sơ mi');
    const small = byTitle('Chăn mền');
    const bad = await stack.api('POST', `/v1/connections/${conn}/publications`, { productIds: [shirts.id, small.id], categoryId: 918, attributes: { origin: 'american' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('PUBLICATION_INVALID');
    expect(bad.body.error.messageVi).toMatch(/Không sản phẩm nào/);
    const codes = bad.body.error.problems.flatMap((p: { problems: { field: string; code: string }[] }) => p.problems.map((x) => `${x.field}:${x.code}`));
    expect(codes).toEqual(expect.arrayContaining(['options[2]:PUBLISH_TOO_MANY_OPTIONS', 'attributes.origin:PUBLISH_ATTRIBUTE_NOT_IN_DICTIONARY', 'images[0]:PUBLISH_IMAGE_TOO_SMALL']));
    expect((await stack.api('GET', `/v1/connections/${conn}/publications`)).body.total).toBe(0);
  });

  it('approve → activated, linked, and stock changes reach the new listing', async () => {
    const shirt = byTitle('Áo thun');
    await control('PUT', `${stack.tiki.url}/_sandbox/product-requests/plans`, { bySku: { [shirt.barcodes[0]!]: { outcome: 'approve', afterSeconds: 2 } } });
    const res = await stack.api('POST', `/v1/connections/${conn}/publications`, { productIds: [shirt.id], categoryId: 8371, attributes: { origin: 'Việt Nam' } });
    expect(res.status).toBe(202);
    const pubId = res.body.items[0].pubId;
    const done = await eventually(async () => {
      const p = await publication(pubId);
      return p.state === 'approved' && p.linked ? p : null;
    }, 60_000);
    expect(done.history.map((h: { state: string }) => h.state)).toEqual(expect.arrayContaining(['draft', 'submitted', 'in_review', 'approved']));
    expect(done.tikiProductId).toBeGreaterThan(0);
    const sku = await control('GET', `${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus/${shirt.barcodes[0]}`);
    expect(sku.active).toBe(1);
    const links = (await stack.api('GET', `/v1/connections/${conn}/links?limit=250`)).body.items.filter((l: { haravanProductId: number }) => l.haravanProductId === shirt.id);
    expect(links).toHaveLength(shirt.variantIds.length);
    // Stock sync has begun: a Haravan change reaches the listing.
    await post(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/inventory`, { variantId: shirt.variantIds[0], locationId: shop.haravanSeed.locations[0].id, qtyOnhand: 42 });
    await eventually(async () => {
      const s = await control('GET', `${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus/${shirt.barcodes[0]}`);
      return s.stocks.some((w: { quantity_available: number }) => w.quantity_available === 42);
    }, 60_000);
    // Published once: a second publication of the same product is refused.
    const again = await stack.api('POST', `/v1/connections/${conn}/publications`, { productIds: [shirt.id], categoryId: 8371, attributes: { origin: 'Việt Nam' } });
    expect(again.status).toBe(422);
    expect(again.body.error.problems[0].problems[0].code).toBe('PUBLISH_ALREADY_ON_TIKI');
  });

  it('reject (Tiki JSON reasons) → reasons in both languages → resubmit → approve, history kept', async () => {
    const pillow = byTitle('Gối ôm');
    await control('PUT', `${stack.tiki.url}/_sandbox/product-requests/plans`, {
      bySku: { [pillow.barcodes[0]!]: [{ outcome: 'reject', afterSeconds: 1, reasonFormat: 'json', reason: 'Image contains contact information' }, { outcome: 'approve', afterSeconds: 1 }] },
    });
    const res = await stack.api('POST', `/v1/connections/${conn}/publications`, { productIds: [pillow.id], categoryId: 1914, attributes: { origin: 'Việt Nam' }, activate: false });
    const pubId = res.body.items[0].pubId;
    const rejected = await until(pubId, 'rejected');
    expect(rejected.reasons[0]).toMatchObject({ code: 'PRODUCT_REJECTED', message: expect.stringContaining('Image contains contact information'), messageVi: expect.stringContaining('Tiki từ chối') });
    const again = await stack.api('POST', `/v1/connections/${conn}/publications/${pubId}/resubmit`, { attributes: { origin: 'Việt Nam', material: 'Cao su non' } });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ pubId, attempts: 2, reasons: [] });
    const approved = await eventually(async () => {
      const p = await publication(pubId);
      return p.state === 'approved' && p.linked ? p : null;
    }, 60_000);
    const states = approved.history.map((h: { state: string }) => h.state);
    expect(states.indexOf('rejected')).toBeGreaterThan(0);
    expect(states.lastIndexOf('approved')).toBeGreaterThan(states.indexOf('rejected'));
    expect(new Set(approved.history.filter((h: { trackId?: string }) => h.trackId).map((h: { trackId: string }) => h.trackId)).size).toBe(2);
    const sku = await control('GET', `${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus/${pillow.barcodes[0]}`);
    expect(sku.active).toBe(0); // not asked to activate
    const requests = (await control('GET', `${stack.tiki.url}/_sandbox/product-requests`)).items.filter((r: { sku: string }) => r.sku === pillow.barcodes[0]);
    expect(requests).toHaveLength(2);
    expect(requests[1].body.attributes.material).toBe('Cao su non');
  });

  it('a plain-string rejection is explained; an expired track id is reported, not waited on', async () => {
    const pan = byTitle('Chảo');
    const book = byTitle('Tiểu thuyết');
    await control('PUT', `${stack.tiki.url}/_sandbox/product-requests/plans`, {
      bySku: { [pan.barcodes[0]!]: { outcome: 'reject', afterSeconds: 1, reasonFormat: 'text', reason: 'product media is empty' }, [book.barcodes[0]!]: { outcome: 'expire', afterSeconds: 1 } },
    });
    const a = await stack.api('POST', `/v1/connections/${conn}/publications`, { productIds: [pan.id], categoryId: 1952, attributes: { origin: 'Việt Nam' } });
    const b = await stack.api('POST', `/v1/connections/${conn}/publications`, { productIds: [book.id], categoryId: 842, attributes: { author: 'Nguyễn Văn A', publisher_vn: 'nxb tre' } });
    const rejected = await until(a.body.items[0].pubId, 'rejected');
    expect(rejected.reasons[0]).toMatchObject({ code: 'PUBLISH_REASON_MEDIA', messageVi: expect.stringContaining('500×500') });
    const expired = await until(b.body.items[0].pubId, 'expired');
    expect(expired.reasons[0].code).toBe('PUBLISH_REQUEST_EXPIRED');
    expect((await stack.api('GET', `/v1/connections/${conn}/publications?state=expired`)).body.items.map((p: { pubId: string }) => p.pubId)).toEqual([b.body.items[0].pubId]);
  });

  it('a stalled request keeps waiting on timers; resubmitting it is refused; disconnect stops it', async () => {
    const towel = byTitle('Khăn tắm');
    // The first variant has no barcode: the pre-check says so; the merchant fixes it in Haravan.
    const blocked = await stack.api('POST', `/v1/connections/${conn}/publications`, { productIds: [towel.id], categoryId: 1915, attributes: { origin: 'Việt Nam' } });
    expect(blocked.body.error.problems[0].problems.map((p: { field: string; code: string }) => `${p.field}:${p.code}`)).toEqual(['variants[0].barcode:PUBLISH_BARCODE_MISSING']);
    const fixed = '8940000000017';
    await fetch(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/products/${towel.id}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ variants: [{ id: towel.variantIds[0], barcode: fixed }] }) });
    await control('PUT', `${stack.tiki.url}/_sandbox/product-requests/plans`, { bySku: { [fixed]: { outcome: 'stall', afterSeconds: 0 } } });
    const res = await stack.api('POST', `/v1/connections/${conn}/publications`, { productIds: [towel.id], categoryId: 1915, attributes: { origin: 'Việt Nam' } });
    expect(res.status).toBe(202);
    const pubId = res.body.items[0].pubId;
    await until(pubId, 'submitted');
    const workflowId = `publish-${shop.shopId}-${pubId}-1`;
    // Several looks happened, each on a timer; no activity is running between them.
    await eventually(async () => {
      const d = await stack.client.workflow.getHandle(workflowId).describe();
      return d.raw.pendingActivities?.length === 0 && (d.historyLength ?? 0) > 30;
    }, 60_000);
    expect((await publication(pubId)).tikiState).toBe('processing');
    const refused = await stack.api('POST', `/v1/connections/${conn}/publications/${pubId}/resubmit`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INVALID_PUBLICATION_STATE');

    const del = await stack.api('DELETE', `/v1/connections/${conn}`);
    expect(del.status).toBe(202);
    await eventually(async () => (await stack.api('GET', `/v1/connections/${conn}`)).body.state === 'disconnected', 90_000);
    const d = await stack.client.workflow.getHandle(workflowId).describe();
    expect(d.status.name).toBe('CANCELLED');
    expect((await publication(pubId)).state).toBe('cancelled');
    // History survives the disconnect: approved publications stay readable.
    expect((await stack.api('GET', `/v1/connections/${conn}/publications?state=approved`)).body.total).toBe(2);
  });
});
