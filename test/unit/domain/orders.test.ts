import { allowedAction } from '../../../domain/order-actions';
import { confirmationDeadline, isAtRisk } from '../../../domain/order-deadline';
import { mirrorActions } from '../../../domain/order-mirror';
import { ourStatus, TIKI_PRE_ACCEPTANCE_STATUSES } from '../../../domain/order-status';
import { buildOrderLinkIndex, isImportable, mapTikiOrderToHaravan } from '../../../domain/orders';
import { parseTikiDateTime } from '../../../domain/tiki-time';
import type { OrderAction, OrderStatus } from '../../../domain/terms';
import type { TikiOrderInput, TikiOrderItemInput } from '../../../domain/types';

function item(id: number, sku: string, over: Partial<TikiOrderItemInput> & { code?: string | null; status?: string; sla?: string; pickupSla?: string } = {}): TikiOrderItemInput {
  return {
    id,
    qty: over.qty ?? 1,
    price: over.price ?? 100_000,
    product: { sku, seller_product_code: over.code === undefined ? `BC-${sku}` : over.code, name: `Sản phẩm ${sku}` },
    confirmation: { status: over.status ?? 'waiting', available_confirm_sla: over.sla ?? '2024-05-02 12:00:00', pickup_confirm_sla: over.pickupSla ?? null },
  };
}

function order(over: Partial<TikiOrderInput> = {}): TikiOrderInput {
  return {
    code: '812345678',
    status: 'queueing',
    fulfillment_type: 'seller_delivery',
    created_at: '2024-05-01 10:00:00',
    items: [item(1, 'SKU1', { qty: 2, price: 150_000 }), item(2, 'SKU2', { price: 50_000 })],
    shipping: {
      address: {
        full_name: 'Trần Thị Bích Ngọc',
        phone: '+84 90-123-4567',
        email: null,
        street: '45 Lý Tự Trọng',
        ward: 'Phường Bến Thành',
        district: 'Quận 1',
        region: 'Hồ Chí Minh',
        country: 'Việt Nam',
        country_id: 'VN',
      },
    },
    invoice: { subtotal: 350_000, shipping_amount_after_discount: 20_000, grand_total: 370_000 },
    payment: { method: 'cod' },
    customer: { full_name: 'Ngọc Trần' },
    ...over,
  };
}

const links = buildOrderLinkIndex([
  { tikiSku: 'SKU1', barcode: 'BC-SKU1', haravanVariantId: 1001, haravanProductId: 101 },
  { tikiSku: 'SKU2', barcode: ' BC-SKU2 ', haravanVariantId: 1002, haravanProductId: 102 },
]);

// =============================================================================================
describe('mapTikiOrderToHaravan', () => {
  it('maps a fully linked COD seller-delivery order', () => {
    const { body, warnings, items, customer } = mapTikiOrderToHaravan({ order: order(), links, locationId: 77, customerId: 555, connectionId: 'conn-1' });
    expect(warnings).toEqual([]);
    expect(body).toEqual({
      line_items: [
        { variant_id: 1001, product_id: 101, quantity: 2, price: 150_000, properties: [{ name: 'tiki_item_id', value: '1' }] },
        { variant_id: 1002, product_id: 102, quantity: 1, price: 50_000, properties: [{ name: 'tiki_item_id', value: '2' }] },
      ],
      source_name: 'tiki',
      source: 'Tiki',
      tags: 'Tiki,tiki:812345678',
      note: 'Đơn hàng Tiki 812345678',
      note_attributes: [
        { name: 'tiki_order_code', value: '812345678' },
        { name: 'tiki_fulfillment_type', value: 'seller_delivery' },
        { name: 'tiki_status', value: 'queueing' },
        { name: 'tiki_created_at', value: '2024-05-01 10:00:00' },
        { name: 'tiki_payment_method', value: 'cod' },
        { name: 'tiki_grand_total', value: '370000' },
        { name: 'tiki_connection_id', value: 'conn-1' },
      ],
      location_id: 77,
      customer: { id: 555 },
      email: '0901234567@84.phone',
      shipping_address: {
        first_name: 'Ngọc',
        last_name: 'Trần Thị Bích',
        name: 'Trần Thị Bích Ngọc',
        phone: '0901234567',
        address1: '45 Lý Tự Trọng',
        ward: 'Phường Bến Thành',
        district: 'Quận 1',
        province: 'Hồ Chí Minh',
        country: 'Việt Nam',
        country_code: 'VN',
      },
      billing_address: expect.objectContaining({ name: 'Trần Thị Bích Ngọc', address1: '45 Lý Tự Trọng' }),
      gateway: 'COD',
      is_cod_gateway: true,
      shipping_lines: [{ code: 'TIKI', title: 'Phí vận chuyển Tiki', price: 20_000 }],
      financial_status: 'pending',
      send_receipt: false,
      send_fulfillment_receipt: false,
    });
    expect(items).toEqual([
      { tikiItemId: 1, tikiSku: 'SKU1', sellerProductCode: 'BC-SKU1', name: 'Sản phẩm SKU1', haravanVariantId: 1001, quantity: 2, price: 150_000 },
      { tikiItemId: 2, tikiSku: 'SKU2', sellerProductCode: 'BC-SKU2', name: 'Sản phẩm SKU2', haravanVariantId: 1002, quantity: 1, price: 50_000 },
    ]);
    expect(customer.phone).toBe('0901234567');
  });

  describe('line items', () => {
    const cases: { name: string; item: TikiOrderItemInput; expected: object; warned: boolean }[] = [
      { name: 'linked by Tiki SKU', item: item(9, 'SKU1', { code: null }), expected: { variant_id: 1001, product_id: 101 }, warned: false },
      { name: 'linked by seller_product_code (= original_sku) when the Tiki SKU is unknown', item: item(9, 'OTHER', { code: 'BC-SKU2' }), expected: { variant_id: 1002 }, warned: false },
      { name: 'seller_product_code is trimmed', item: item(9, 'OTHER', { code: '  BC-SKU1 ' }), expected: { variant_id: 1001 }, warned: false },
      { name: 'Tiki SKU wins over seller_product_code', item: item(9, 'SKU1', { code: 'BC-SKU2' }), expected: { variant_id: 1001 }, warned: false },
      {
        name: 'unlinked → custom line with title, Tiki SKU, barcode, price, quantity',
        item: item(9, 'NOPE', { code: 'ABC', qty: 3, price: 12_345 }),
        expected: { title: 'Sản phẩm NOPE', sku: 'NOPE', barcode: 'ABC', quantity: 3, price: 12_345, properties: [{ name: 'tiki_item_id', value: '9' }] },
        warned: true,
      },
      { name: 'unlinked without seller_product_code → no barcode', item: item(9, 'NOPE', { code: '' }), expected: { title: 'Sản phẩm NOPE', sku: 'NOPE' }, warned: true },
      { name: 'unlinked without a name → title falls back to the Tiki SKU', item: { ...item(9, 'NOPE'), product: { sku: 'NOPE', name: '' } }, expected: { title: 'NOPE' }, warned: true },
      { name: 'decimal price is rounded to whole VND', item: item(9, 'SKU1', { price: 99_999.6 }), expected: { price: 100_000 }, warned: false },
    ];
    it.each(cases)('$name', ({ item: it0, expected, warned }) => {
      const out = mapTikiOrderToHaravan({ order: order({ items: [it0] }), links, connectionId: 'c' });
      expect(out.body.line_items[0]).toMatchObject(expected);
      if (!warned) expect(out.body.line_items[0]).not.toHaveProperty('title');
      if (!('barcode' in expected) && warned) expect(out.body.line_items[0]).not.toHaveProperty('barcode');
      expect(out.warnings).toEqual(warned ? ['ORDER_ITEM_NOT_LINKED'] : []);
      expect(out.items[0].haravanVariantId === undefined).toBe(warned);
    });

    it('several unlinked items → one warning code, every item still imported', () => {
      const out = mapTikiOrderToHaravan({ order: order({ items: [item(1, 'X1'), item(2, 'SKU1'), item(3, 'X2')] }), links, connectionId: 'c' });
      expect(out.body.line_items).toHaveLength(3);
      expect(out.warnings).toEqual(['ORDER_ITEM_NOT_LINKED']);
      expect(out.items.filter((i) => i.haravanVariantId === undefined).map((i) => i.tikiSku)).toEqual(['X1', 'X2']);
    });

    it('an empty link index imports every item as a custom line', () => {
      const out = mapTikiOrderToHaravan({ order: order(), links: new Map(), connectionId: 'c' });
      expect(out.body.line_items.every((l) => 'title' in l)).toBe(true);
    });
  });

  describe('payment, shipping and totals', () => {
    const cases: { name: string; over: Partial<TikiOrderInput>; expected: Record<string, unknown>; absent?: string[] }[] = [
      { name: 'COD → gateway COD + is_cod_gateway', over: { payment: { method: 'COD' } }, expected: { gateway: 'COD', is_cod_gateway: true } },
      { name: 'prepaid method → Tiki (<method>), not COD', over: { payment: { method: 'momo' } }, expected: { gateway: 'Tiki (momo)' }, absent: ['is_cod_gateway'] },
      { name: 'no payment info → Tiki', over: { payment: null }, expected: { gateway: 'Tiki' }, absent: ['is_cod_gateway'] },
      { name: 'always financial_status pending', over: { payment: { method: 'cybersource', is_prepaid: true } }, expected: { financial_status: 'pending' } },
      { name: 'zero shipping → no shipping line', over: { invoice: { shipping_amount_after_discount: 0, grand_total: 350_000 } }, expected: {}, absent: ['shipping_lines', 'discount_codes'] },
      { name: 'missing invoice → no shipping line, no discount', over: { invoice: null }, expected: {}, absent: ['shipping_lines', 'discount_codes'] },
      {
        name: 'grand total below lines + shipping → one TIKI discount for the difference',
        over: { invoice: { shipping_amount_after_discount: 20_000, grand_total: 330_000 } },
        expected: { discount_codes: [{ code: 'TIKI', amount: 40_000, is_coupon_code: false }] },
      },
      { name: 'grand total equal to lines + shipping → no discount', over: {}, expected: {}, absent: ['discount_codes'] },
      { name: 'grand total above lines + shipping → no discount', over: { invoice: { shipping_amount_after_discount: 0, grand_total: 400_000 } }, expected: {}, absent: ['discount_codes'] },
      { name: 'no location / customer id → omitted', over: {}, expected: {}, absent: ['location_id', 'customer'] },
    ];
    it.each(cases)('$name', ({ over, expected, absent }) => {
      const { body } = mapTikiOrderToHaravan({ order: order(over), links, connectionId: 'c' });
      expect(body).toMatchObject(expected);
      for (const key of absent ?? []) expect(body).not.toHaveProperty(key);
    });
  });

  describe('customer', () => {
    it('masked phone (Tiki-delivered order) → no email, warning, address without phone', () => {
      const o = order({ fulfillment_type: 'tiki_delivery', shipping: { address: { full_name: 'Lê Văn Tám', phone: '', email: null, street: '1 Trần Phú', region: 'Hà Nội' } } });
      const out = mapTikiOrderToHaravan({ order: o, links, connectionId: 'c' });
      expect(out.warnings).toEqual(['CUSTOMER_PHONE_MISSING']);
      expect(out.body).not.toHaveProperty('email');
      expect(out.body.shipping_address).not.toHaveProperty('phone');
      expect(out.body.shipping_address).toMatchObject({ name: 'Lê Văn Tám', province: 'Hà Nội' });
    });

    it('nothing known about the buyer → no address, no email', () => {
      const out = mapTikiOrderToHaravan({ order: order({ shipping: null, customer: null }), links, connectionId: 'c' });
      expect(out.body).not.toHaveProperty('shipping_address');
      expect(out.body).not.toHaveProperty('billing_address');
      expect(out.body).not.toHaveProperty('email');
    });

    it('warnings are unique and in first-seen order', () => {
      const o = order({ items: [item(1, 'X'), item(2, 'Y')], shipping: { address: { phone: '' } } });
      expect(mapTikiOrderToHaravan({ order: o, links, connectionId: 'c' }).warnings).toEqual(['ORDER_ITEM_NOT_LINKED', 'CUSTOMER_PHONE_MISSING']);
    });
  });

  it('tags stay within Haravan’s 40-character tag limit', () => {
    const { body } = mapTikiOrderToHaravan({ order: order({ code: '9'.repeat(60) }), links, connectionId: 'c' });
    for (const tag of body.tags.split(',')) expect(tag.length).toBeLessThanOrEqual(40);
  });

  it('is deterministic (same input → same body)', () => {
    const a = mapTikiOrderToHaravan({ order: order(), links, connectionId: 'c' });
    const b = mapTikiOrderToHaravan({ order: order(), links, connectionId: 'c' });
    expect(a).toEqual(b);
  });
});

describe('buildOrderLinkIndex', () => {
  it('indexes both the Tiki SKU and the trimmed barcode; a Tiki SKU key is never overwritten by a barcode', () => {
    const index = buildOrderLinkIndex([
      { tikiSku: 'S1', barcode: ' B1 ', haravanVariantId: 1, haravanProductId: 10 },
      { tikiSku: 'B1', barcode: 'B2', haravanVariantId: 2, haravanProductId: 20 },
      { tikiSku: 'S3', barcode: null, haravanVariantId: 3, haravanProductId: 30 },
    ]);
    expect(index.get('S1')?.haravanVariantId).toBe(1);
    expect(index.get('B1')?.haravanVariantId).toBe(2);
    expect(index.get('B2')?.haravanVariantId).toBe(2);
    expect(index.get('S3')?.haravanVariantId).toBe(3);
    expect(index.size).toBe(4);
  });
});

// =============================================================================================
describe('isImportable', () => {
  const since = new Date('2024-05-01T03:00:00Z'); // = 2024-05-01 10:00:00 in Vietnam
  it.each([
    ['queueing, created after since', 'queueing', '2024-05-01 10:00:01', true],
    ['created exactly at since (Vietnam time)', 'queueing', '2024-05-01 10:00:00', true],
    ['created before since', 'queueing', '2024-05-01 09:59:59', false],
    ['pre-acceptance processing', 'processing', '2024-06-01 10:00:00', false],
    ['pre-acceptance waiting_payment', 'waiting_payment', '2024-06-01 10:00:00', false],
    ['already cancelled on Tiki → still imported', 'canceled', '2024-06-01 10:00:00', true],
    ['later statuses are imported', 'shipping', '2024-06-01 10:00:00', true],
    ['ISO created_at with offset', 'queueing', '2024-05-01T02:59:59Z', false],
    ['unparsable created_at → imported rather than dropped', 'queueing', 'garbage', true],
  ] as const)('%s', (_name, status, created_at, expected) => {
    expect(isImportable({ status, created_at }, since)).toBe(expected);
  });

  it.each([
    // since with milliseconds: Tiki's whole-second timestamps of that same second count as after it
    ['2024-05-01T03:00:00.999Z', '2024-05-01 10:00:00', true],
    ['2024-05-01T03:00:00.001Z', '2024-05-01 10:00:00', true],
    ['2024-05-01T03:00:01.000Z', '2024-05-01 10:00:00', false],
    ['2024-05-01T03:00:00.500Z', '2024-05-01 09:59:59', false],
  ] as const)('since %s, created %s → %s', (sinceIso, created_at, expected) => {
    expect(isImportable({ status: 'queueing', created_at }, new Date(sinceIso))).toBe(expected);
  });

  it('pre-acceptance statuses are exactly processing and waiting_payment', () => {
    expect([...TIKI_PRE_ACCEPTANCE_STATUSES]).toEqual(['processing', 'waiting_payment']);
  });
});

describe('parseTikiDateTime', () => {
  it.each([
    ['2024-05-01 10:00:00', '2024-05-01T03:00:00.000Z'],
    ['2024-05-01T10:00:00', '2024-05-01T03:00:00.000Z'],
    ['2024-05-01 10:00', '2024-05-01T03:00:00.000Z'],
    ['2024-01-01 03:00:00', '2023-12-31T20:00:00.000Z'],
    [' 2024-05-01 10:00:00 ', '2024-05-01T03:00:00.000Z'],
    ['2024-05-01T10:00:00+07:00', '2024-05-01T03:00:00.000Z'],
    ['2024-05-01T03:00:00Z', '2024-05-01T03:00:00.000Z'],
    ['2024-05-01T03:00:00.123Z', '2024-05-01T03:00:00.123Z'],
  ])('%p → %p', (raw, iso) => {
    expect(parseTikiDateTime(raw)?.toISOString()).toBe(iso);
  });
  it.each(['', 'garbage', '2024-02-30 10:00:00', '2024-05-01 25:00:00', '2024-13-01 00:00:00', '01/05/2024', null, undefined])('%p → null', (raw) => {
    expect(parseTikiDateTime(raw as string | null | undefined)).toBeNull();
  });
});

// =============================================================================================
describe('ourStatus', () => {
  const cases: [string, (string | null)[], OrderStatus][] = [
    ['queueing', ['waiting'], 'awaiting_confirmation'],
    ['queueing', ['waiting', 'seller_confirmed'], 'awaiting_confirmation'],
    ['queueing', [null], 'awaiting_confirmation'],
    ['queueing', [], 'awaiting_confirmation'],
    ['queueing', ['seller_confirmed'], 'confirmed'],
    ['queueing', ['confirmed', 'seller_confirmed'], 'confirmed'],
    ['queueing', ['seller_confirmed', 'seller_canceled'], 'confirmed'],
    ['queueing', ['ready_to_pick'], 'ready_to_ship'],
    ['queueing', ['ready_to_pick', 'seller_confirmed'], 'confirmed'],
    ['queueing', ['seller_canceled', 'seller_canceled'], 'cancelled'],
    ['queueing', ['something_new'], 'awaiting_confirmation'],
    ['paid', ['waiting'], 'awaiting_confirmation'],
    ['processing', [], 'awaiting_confirmation'],
    ['packaging', ['seller_confirmed'], 'confirmed'],
    ['finished_packing', [], 'ready_to_ship'],
    ['ready_to_ship', [], 'ready_to_ship'],
    ['picking', ['ready_to_pick'], 'ready_to_ship'],
    ['handover_to_partner', [], 'shipping'],
    ['shipping', ['waiting'], 'shipping'],
    ['successful_delivery', [], 'delivered'],
    ['delivered', [], 'delivered'],
    ['complete', [], 'completed'],
    ['closed', [], 'completed'],
    ['canceled', ['seller_confirmed'], 'cancelled'],
    ['returned', [], 'returned'],
    ['brand_new_status', ['seller_confirmed'], 'confirmed'],
  ];
  it.each(cases)('%s with items %j → %s', (status, items, expected) => {
    expect(ourStatus(status, items)).toBe(expected);
  });
});

// =============================================================================================
describe('mirrorActions (process in Tiki mode: full mirroring)', () => {
  const cases: [string | null, string, string[]][] = [
    ['queueing', 'queueing', []],
    [null, 'queueing', []],
    ['queueing', 'paid', ['note']],
    ['queueing', 'packaging', ['confirm', 'note']],
    ['queueing', 'ready_to_ship', ['confirm', 'note']],
    ['packaging', 'finished_packing', ['note']],
    ['ready_to_ship', 'picking', ['note']],
    ['picking', 'handover_to_partner', ['fulfill', 'note']],
    ['queueing', 'shipping', ['confirm', 'fulfill', 'note']],
    [null, 'shipping', ['confirm', 'fulfill', 'note']],
    ['handover_to_partner', 'shipping', ['note']],
    ['shipping', 'successful_delivery', ['note']],
    ['successful_delivery', 'complete', ['close', 'note']],
    ['queueing', 'complete', ['confirm', 'fulfill', 'close', 'note']],
    ['delivered', 'closed', ['close', 'note']],
    ['queueing', 'canceled', ['restock-cancel', 'note']],
    ['shipping', 'canceled', ['restock-cancel', 'note']],
    ['successful_delivery', 'returned', ['restock-cancel', 'note']],
    ['complete', 'returned', ['restock-cancel', 'note']],
    ['canceled', 'returned', ['note']],
    ['returned', 'canceled', ['note']],
    ['canceled', 'queueing', ['note']],
    ['shipping', 'packaging', ['note']],
    ['queueing', 'unknown_status', ['note']],
  ];
  it.each(cases)('%s → %s = %j', (prev, next, expected) => {
    expect(mirrorActions(prev, next)).toEqual(expected);
  });
});

describe('mirrorActions (options)', () => {
  const cases: [string, string, { processOrdersInHaravan?: boolean; restockOnCancel?: boolean }, string[]][] = [
    ['queueing', 'canceled', { restockOnCancel: false }, ['cancel', 'note']],
    ['shipping', 'returned', { restockOnCancel: false }, ['cancel', 'note']],
    ['queueing', 'canceled', { processOrdersInHaravan: true }, ['restock-cancel', 'note']],
    ['queueing', 'canceled', { processOrdersInHaravan: true, restockOnCancel: false }, ['cancel', 'note']],
    ['queueing', 'shipping', { processOrdersInHaravan: true }, ['note']],
    ['successful_delivery', 'complete', { processOrdersInHaravan: true }, ['note']],
    ['queueing', 'queueing', { processOrdersInHaravan: true }, []],
  ];
  it.each(cases)('%s → %s with %j = %j', (prev, next, opts, expected) => {
    expect(mirrorActions(prev, next, opts)).toEqual(expected);
  });
});

// =============================================================================================
describe('allowedAction', () => {
  type Row = [OrderAction, string, string, string[], string | null, string | null];
  // [action, fulfilment type, Tiki status, item statuses, expected tikiCall (null = INVALID_ORDER_STATE), expected `before` call]
  const rows: Row[] = [
    // ---- print-label
    ['print-label', 'seller_delivery', 'queueing', ['seller_confirmed'], 'label', null],
    ['print-label', 'tiki_delivery', 'queueing', ['seller_confirmed', 'seller_canceled'], 'label', null],
    ['print-label', 'dropship', 'queueing', ['ready_to_pick'], 'label', null],
    ['print-label', 'cross_border', 'packaging', ['confirmed'], 'label', null],
    ['print-label', 'seller_delivery', 'picking', ['seller_confirmed'], 'label', null],
    ['print-label', 'seller_delivery', 'queueing', ['waiting'], 'label', 'confirm-available'],
    ['print-label', 'tiki_delivery', 'queueing', ['waiting', 'seller_confirmed'], 'label', 'confirm-available'],
    ['print-label', 'dropship', 'queueing', ['waiting'], 'label', 'dropship-confirm'],
    ['print-label', 'seller_delivery', 'queueing', ['seller_canceled'], null, null],
    ['print-label', 'seller_delivery', 'canceled', ['seller_confirmed'], null, null],
    ['print-label', 'seller_delivery', 'shipping', ['seller_confirmed'], null, null],
    ['print-label', 'seller_delivery', 'complete', ['seller_confirmed'], null, null],
    ['print-label', 'seller_delivery', 'processing', ['waiting'], null, null],
    ['print-label', 'seller_delivery', 'queueing', ['mystery'], null, null],
    ['print-label', 'instant_delivery', 'queueing', ['seller_confirmed'], null, null],
    ['print-label', 'seller_delivery', 'queueing', [], null, null],
    // ---- ready-to-ship
    ['ready-to-ship', 'dropship', 'queueing', ['waiting'], 'dropship-confirm', null],
    ['ready-to-ship', 'dropship', 'queueing', ['seller_confirmed'], 'dropship-confirm', null],
    ['ready-to-ship', 'dropship', 'queueing', ['ready_to_pick'], null, null],
    ['ready-to-ship', 'dropship', 'picking', ['ready_to_pick'], null, null],
    ['ready-to-ship', 'tiki_delivery', 'queueing', ['waiting'], 'confirm-available', null],
    ['ready-to-ship', 'seller_delivery', 'queueing', ['waiting', 'waiting'], 'confirm-available', null],
    ['ready-to-ship', 'cross_border', 'queueing', ['waiting'], 'confirm-available', null],
    ['ready-to-ship', 'seller_delivery', 'queueing', ['seller_confirmed'], null, null],
    ['ready-to-ship', 'seller_delivery', 'canceled', ['waiting'], null, null],
    ['ready-to-ship', 'seller_delivery', 'queueing', ['seller_canceled'], null, null],
    ['ready-to-ship', 'instant_delivery', 'queueing', ['waiting'], null, null],
    // ---- cancel
    ['cancel', 'seller_delivery', 'queueing', ['waiting'], 'decline-all', null],
    ['cancel', 'dropship', 'queueing', ['waiting', 'waiting'], 'decline-all', null],
    ['cancel', 'tiki_delivery', 'queueing', ['waiting'], 'decline-all', null],
    ['cancel', 'seller_delivery', 'queueing', ['seller_confirmed'], 'failed-delivery', null],
    ['cancel', 'seller_delivery', 'packaging', ['seller_confirmed'], 'failed-delivery', null],
    ['cancel', 'seller_delivery', 'shipping', ['seller_confirmed'], 'failed-delivery', null],
    ['cancel', 'seller_delivery', 'successful_delivery', ['seller_confirmed'], null, null],
    ['cancel', 'seller_delivery', 'canceled', ['seller_confirmed'], null, null],
    ['cancel', 'tiki_delivery', 'queueing', ['seller_confirmed'], null, null],
    ['cancel', 'dropship', 'queueing', ['ready_to_pick'], null, null],
    ['cancel', 'cross_border', 'shipping', ['seller_confirmed'], null, null],
    ['cancel', 'seller_delivery', 'queueing', ['seller_canceled'], null, null],
    ['cancel', 'seller_delivery', 'shipping', ['waiting'], null, null],
  ];
  it.each(rows)('%s on %s / %s / items %j → %s (before %s)', (action, fulfillmentType, status, items, call, before) => {
    const decision = allowedAction(action, { fulfillmentType, status, itemConfirmationStatuses: items });
    if (call === null) {
      expect(decision).toEqual({ ok: false, code: 'INVALID_ORDER_STATE' });
    } else if (before) {
      expect(decision).toEqual({ ok: true, tikiCall: call, before, calls: [before, call] });
    } else {
      expect(decision).toEqual({ ok: true, tikiCall: call, calls: [call] });
    }
  });

  it('a missing item status counts as waiting', () => {
    expect(allowedAction('ready-to-ship', { fulfillmentType: 'seller_delivery', status: 'queueing', itemConfirmationStatuses: [null] })).toMatchObject({ ok: true, tikiCall: 'confirm-available' });
  });
});

// =============================================================================================
describe('confirmationDeadline', () => {
  const cases: { name: string; over: Partial<TikiOrderInput>; expected: string | null }[] = [
    {
      name: 'earliest waiting item SLA, Vietnam local time',
      over: { items: [item(1, 'A', { sla: '2024-05-02 12:00:00' }), item(2, 'B', { sla: '2024-05-02 08:30:00' })] },
      expected: '2024-05-02T01:30:00.000Z',
    },
    {
      name: 'confirmed items no longer count',
      over: { items: [item(1, 'A', { sla: '2024-05-02 12:00:00' }), item(2, 'B', { status: 'seller_confirmed', sla: '2024-05-02 08:30:00' })] },
      expected: '2024-05-02T05:00:00.000Z',
    },
    { name: 'all items confirmed (non-dropship) → null', over: { items: [item(1, 'A', { status: 'seller_confirmed' })] }, expected: null },
    {
      name: 'dropship: a seller_confirmed item still has its pickup SLA',
      over: { fulfillment_type: 'dropship', items: [item(1, 'A', { status: 'seller_confirmed', pickupSla: '2024-05-03 09:00:00' })] },
      expected: '2024-05-03T02:00:00.000Z',
    },
    {
      name: 'dropship: earliest of availability and pickup SLAs',
      over: { fulfillment_type: 'dropship', items: [item(1, 'A', { status: 'seller_confirmed', pickupSla: '2024-05-01 20:00:00' }), item(2, 'B', { sla: '2024-05-02 08:00:00' })] },
      expected: '2024-05-01T13:00:00.000Z',
    },
    { name: 'dropship ready_to_pick → null', over: { fulfillment_type: 'dropship', items: [item(1, 'A', { status: 'ready_to_pick', pickupSla: '2024-05-03 09:00:00' })] }, expected: null },
    { name: 'order no longer at the seller → null', over: { status: 'shipping' }, expected: null },
    { name: 'cancelled order → null', over: { status: 'canceled' }, expected: null },
    { name: 'unparsable / missing SLA is ignored', over: { items: [item(1, 'A', { sla: 'soon' }), { ...item(2, 'B'), confirmation: null }] }, expected: null },
    { name: 'no items → null', over: { items: [] }, expected: null },
  ];
  it.each(cases)('$name', ({ over, expected }) => {
    const d = confirmationDeadline(order(over));
    expect(d === null ? null : d.toISOString()).toBe(expected);
  });
});

describe('isAtRisk', () => {
  const deadline = new Date('2024-05-02T05:00:00Z');
  it.each([
    ['well before the window', '2024-05-02T02:59:59Z', 2, false],
    ['exactly at the window start', '2024-05-02T03:00:00Z', 2, true],
    ['inside the window', '2024-05-02T04:00:00Z', 2, true],
    ['after the deadline', '2024-05-02T06:00:00Z', 2, true],
    ['window of 0 hours: only from the deadline', '2024-05-02T04:59:59Z', 0, false],
  ] as const)('%s', (_name, now, hours, expected) => {
    expect(isAtRisk(deadline, new Date(now), hours)).toBe(expected);
  });
  it('no deadline → never at risk', () => {
    expect(isAtRisk(null, new Date('2030-01-01T00:00:00Z'), 2)).toBe(false);
  });
});
