import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { ConnectorError } from '../../../connectors/errors';
import { HaravanClient, orderHasTikiReference } from '../../../connectors/haravan/client';
import {
  InventoryLocationsEnvelope,
  OrdersEnvelope,
  ProductEnvelope,
  TransactionSchema,
  VariantSchema,
  allowsOversell,
  isInventoryTracked,
  splitTags,
} from '../../../connectors/haravan/schemas';
import { vendorErrorText } from '../../../connectors/haravan/transport';
import { RunningHaravanSandbox } from '../../../sandbox/haravan/app';
import { clientFor, seedShop, startSandbox } from '../../fixtures/haravan/sandbox-helpers';

const FIXTURES = join(__dirname, '../../fixtures/haravan');
const fixture = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** Each documented sample, the API path that returns it, and the client call that parses it. */
const SAMPLES: { file: string; method: 'GET' | 'POST'; path: string; call: (c: HaravanClient) => Promise<unknown> }[] = [
  { file: 'shop.json', method: 'GET', path: '/com/shop.json', call: (c) => c.getShop() },
  { file: 'locations.json', method: 'GET', path: '/com/locations.json', call: (c) => c.listLocations() },
  { file: 'products.json', method: 'GET', path: '/com/products.json', call: (c) => c.listProducts() },
  { file: 'product.json', method: 'GET', path: '/com/products/:id.json', call: (c) => c.getProduct(1033252767) },
  { file: 'products-count.json', method: 'GET', path: '/com/products/count.json', call: (c) => c.countProducts() },
  { file: 'inventory-locations.json', method: 'GET', path: '/com/inventory_locations.json', call: (c) => c.listInventoryLocations() },
  { file: 'order.json', method: 'GET', path: '/com/orders/:id.json', call: (c) => c.getOrder(1138637099) },
  { file: 'orders.json', method: 'GET', path: '/com/orders.json', call: (c) => c.listOrders() },
  { file: 'customer.json', method: 'GET', path: '/com/customers/:id.json', call: (c) => c.getCustomer(1036847352) },
  { file: 'customers-search.json', method: 'GET', path: '/com/customers/search.json', call: (c) => c.searchCustomers('haravan') },
  {
    file: 'transaction.json',
    method: 'POST',
    path: '/com/orders/:id/transactions.json',
    call: (c) => c.createTransaction(1235924702, { amount: 100000, kind: 'capture' }),
  },
  { file: 'fulfillment.json', method: 'POST', path: '/com/orders/:id/fulfillments.json', call: (c) => c.createFulfillment(1001140605) },
  { file: 'fulfillments.json', method: 'GET', path: '/com/orders/:id/fulfillments.json', call: (c) => c.listFulfillments(1001140605) },
];

describe('documented samples parse through the client', () => {
  let sb: RunningHaravanSandbox;
  let client: HaravanClient;

  beforeAll(async () => {
    sb = await startSandbox();
    client = clientFor(sb.url, (await seedShop(sb.url)).token);
  });

  afterAll(async () => {
    await sb.close();
  });

  it('covers every JSON sample in the fixtures folder', () => {
    const covered = new Set([...SAMPLES.map((s) => s.file), 'error-bodies.json', 'adjustorset-422.json', 'variant-quirks.json', 'webhook-orders-create.json', 'transactions.json']);
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
  });

  it.each(SAMPLES)('$file', async ({ file, method, path, call }) => {
    sb.sandbox.faults.add({ method, path, status: 200, body: fixture(file), times: 1 });
    const parsed = await call(client);
    expect(parsed).toBeTruthy();
  });

  it('keeps the Vietnamese adjustorset 422 message', async () => {
    sb.sandbox.faults.add({ method: 'POST', path: '/com/inventories/adjustorset.json', status: 422, body: fixture('adjustorset-422.json'), times: 1 });
    const err = await client
      .adjustOrSetInventory({ locationId: 963414, type: 'set', lineItems: [{ productId: 1, variantId: 2, quantity: 3 }] })
      .catch((e: ConnectorError) => e);
    expect(err).toMatchObject({ code: 'VALIDATION', status: 422 });
    expect((err as ConnectorError).message).toContain('Biến thể không hợp lệ');
  });
});

describe('schema details', () => {
  it('reads per-location rows with loc_id, qty_commited (one t) and negative figures', () => {
    const rows = InventoryLocationsEnvelope.parse(fixture('inventory-locations.json')).inventory_locations;
    expect(rows[3]).toMatchObject({ loc_id: 963414, qty_onhand: -3, qty_commited: 12, qty_available: -15 });
    expect(rows.every((r) => r.qty_available === r.qty_onhand - r.qty_commited)).toBe(true);
  });

  it('reads variant stock, tracking and policy', () => {
    const [tracked, untracked] = ProductEnvelope.parse(fixture('product.json')).product.variants;
    expect(tracked).toMatchObject({ price: 600000, inventory_quantity: 23, inventory_advance: { qty_onhand: 47, qty_commited: 24 } });
    expect(isInventoryTracked(tracked)).toBe(true);
    expect(allowsOversell(tracked)).toBe(false);
    expect(untracked).toMatchObject({ sku: null, barcode: null, inventory_advance: null });
    expect(isInventoryTracked(untracked)).toBe(false);
  });

  it('tolerates blank strings, numeric strings and capitalised codes', () => {
    const variant = VariantSchema.parse(fixture('variant-quirks.json').variant);
    expect(variant).toMatchObject({ sku: '', barcode: '', price: 0, compare_at_price: null });
    expect(isInventoryTracked(variant)).toBe(true);
    expect(allowsOversell(variant)).toBe(true);
    expect(isInventoryTracked({ inventory_management: '' })).toBe(false);
    expect(isInventoryTracked({ inventory_management: null })).toBe(false);
  });

  it('keeps extra vendor fields (loose objects)', () => {
    const orders = OrdersEnvelope.parse(fixture('orders.json')).orders;
    expect(orders[0]).toMatchObject({ cart_token: '19627118f2e844ddb3a0c8d73f99a580', client_details: { browser_ip: null } });
    expect(orders[1]).toMatchObject({ financial_status: 'partiallypaid', customer: null, fulfillment_status: 'restocked' });
    expect(orders[1].line_items[1]).toMatchObject({ variant_id: null, price: 45000 });
  });

  it('recognises the Tiki reference in tags or note attributes', () => {
    const [web, tiki] = OrdersEnvelope.parse(fixture('orders.json')).orders;
    expect(orderHasTikiReference(tiki, '861234567')).toBe(true);
    expect(orderHasTikiReference({ tags: 'a, tiki:861234567 ,b', note_attributes: null }, '861234567')).toBe(true);
    expect(orderHasTikiReference({ tags: null, note_attributes: [{ name: 'tiki_order_code', value: 861234567 }] }, '861234567')).toBe(true);
    expect(orderHasTikiReference(web, '861234567')).toBe(false);
    expect(orderHasTikiReference({ tags: 'tiki:8612345678', note_attributes: [] }, '861234567')).toBe(false);
    expect(splitTags(' a, ,b ')).toEqual(['a', 'b']);
  });

  it.each(fixture('error-bodies.json').cases as { body: unknown; text: string }[])('extracts "$text"', ({ body, text }) => {
    expect(vendorErrorText(body)).toBe(text);
  });

  it('reads transaction kinds and localised statuses as plain strings', () => {
    const txs = fixture('transactions.json').transactions.map((t: unknown) => TransactionSchema.parse(t));
    expect(txs.map((t: { kind: string }) => t.kind)).toEqual(['Pending', 'Capture', 'refund']);
    expect(txs[2]).toMatchObject({ status: 'Thành công', amount: -1500000 });
  });
});
