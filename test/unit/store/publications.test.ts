import { openDb } from '../../../store/db';
import { makeKeyring } from '../../../store/secrets';
import { Store } from '../../../store/store';
import type { TikiProductRequest } from '../../../domain/publication/types';

describe('store — publications, Tiki category cache, category mappings', () => {
  let store: Store;
  beforeAll(async () => {
    store = new Store(await openDb({ dataDir: 'memory://' }), makeKeyring('store-publications-test-key-0123456789'));
    await store.migrate();
  }, 60_000);
  afterAll(() => store.close());

  const body = { category_id: 1, name: 'x' } as TikiProductRequest;

  it('keeps the history of states and attempts across a resubmission', async () => {
    const p = await store.preparePublication({ pubId: 'pub_1', connectionId: 'conn-1', productId: 10, choices: { attributes: {}, activate: true, categoryId: 1 }, requestBody: body, workflowId: 'w1' });
    expect(p).toMatchObject({ state: 'draft', attempts: 1, linked: false, reasons: [] });
    await store.updatePublication('pub_1', { state: 'submitted', tikiState: 'queuing', trackId: 't1', submittedAt: new Date().toISOString() });
    await store.updatePublication('pub_1', { tikiState: 'queuing' }); // no change → no history entry
    await store.updatePublication('pub_1', { state: 'in_review', tikiState: 'awaiting_approve' });
    await store.updatePublication('pub_1', { state: 'rejected', tikiState: 'rejected', reasons: [{ message: 'bad', messageVi: 'xấu' }] });
    const again = await store.preparePublication({ pubId: 'pub_1', connectionId: 'conn-1', productId: 10, choices: { attributes: { brand: 'OEM' }, activate: false }, requestBody: body, workflowId: 'w2' });
    expect(again).toMatchObject({ state: 'draft', attempts: 2, trackId: null, reasons: [], workflowId: 'w2', choices: { attributes: { brand: 'OEM' } } });
    expect(again.history.map((h) => [h.state, h.tikiState ?? null, h.trackId ?? null])).toEqual([
      ['draft', null, null],
      ['submitted', 'queuing', 't1'],
      ['in_review', 'awaiting_approve', 't1'],
      ['rejected', 'rejected', 't1'],
      ['draft', null, null],
    ]);
  });

  it('lists per connection with a state filter, and the latest per product', async () => {
    await store.preparePublication({ pubId: 'pub_2', connectionId: 'conn-1', productId: 11, choices: { attributes: {}, activate: true }, requestBody: body, workflowId: 'w3' });
    await store.preparePublication({ pubId: 'pub_3', connectionId: 'conn-2', productId: 11, choices: { attributes: {}, activate: true }, requestBody: body, workflowId: 'w4' });
    await store.updatePublication('pub_2', { state: 'approved', linked: true, tikiProductId: 99 });
    expect((await store.listPublications('conn-1', { page: 1, limit: 50 })).total).toBe(2);
    expect((await store.listPublications('conn-1', { page: 1, limit: 50 }, { state: 'approved' })).items.map((p) => p.pubId)).toEqual(['pub_2']);
    expect((await store.listPublications('conn-1', { page: 1, limit: 50 }, { open: true })).items.map((p) => p.pubId)).toEqual(['pub_1']);
    expect(await store.getPublication('conn-2', 'pub_1')).toBeNull();
    const of = await store.publicationsOfProducts('conn-1', [10, 11, 12]);
    expect(of.map((p) => [p.productId, p.pubId, p.linked, p.tikiProductId])).toEqual([
      [10, 'pub_1', false, null],
      [11, 'pub_2', true, 99],
    ]);
  });

  it('replaces the category tree and remembers when; mappings by folded type and per product', async () => {
    await store.replaceTikiCategories([
      { id: 1, name: 'Root', parentId: null },
      { id: 2, name: 'Leaf', parentId: 1, isPrimary: true },
    ]);
    await store.replaceTikiCategories([
      { id: 1, name: 'Root', parentId: null },
      { id: 3, name: 'Other', parentId: 1, isPrimary: true },
    ]);
    expect((await store.tikiCategories()).map((c) => c.id)).toEqual([1, 3]);
    expect((await store.getCatalogCache('categories'))!.data).toEqual({ count: 2 });
    await store.setCategoryMapping('conn-1', { productType: 'Áo thun', categoryId: 3 });
    await store.setCategoryMapping('conn-1', { productType: 'ao THUN', categoryId: 2 });
    await store.setCategoryMapping('conn-1', { productId: 10, categoryId: 1 });
    expect(await store.categoryMappings('conn-1')).toEqual([
      { productType: null, productId: 10, categoryId: 1 },
      { productType: 'Áo thun', productId: null, categoryId: 2 },
    ]);
  });
});
