import { parseTikiDateTime, TikiClient, toTikiDateTime } from '../../../connectors/tiki/client';
import { Harness, rejection, startHarness, WH_MAIN, WH_SECOND } from '../../fixtures/tiki/harness';

describe('TikiClient — orders', () => {
  let h: Harness;
  let client: TikiClient;
  let whMain: number;
  let whSecond: number;
  beforeAll(async () => {
    h = await startHarness();
    client = h.oauthClient();
    whMain = h.sellerId * 10 + WH_MAIN;
    whSecond = h.sellerId * 10 + WH_SECOND;
  });
  afterAll(() => h.close());

  const place = async (body: Record<string, unknown>) => {
    const res = await h.control('POST', `/sellers/${h.sellerId}/orders`, body);
    expect(res.status).toBe(201);
    return res.body as { code: string; items: { id: number }[] };
  };
  const sku = async (code: string) => (await h.control('GET', `/sellers/${h.sellerId}/skus/${code}`)).body;
  const customer = { full_name: 'Trần Thị B', phone: '+84 90-123-4567', email: 'b@example.com' };

  it('lists accepted orders with set expressions, dates, include and paging', async () => {
    const created = new Date(Date.now() - 60_000);
    const a = await place({ items: [{ original_sku: 'AO-1', qty: 1 }], customer });
    const b = await place({ items: [{ original_sku: 'AO-1', qty: 1 }], fulfillment_type: 'tiki_delivery' });
    const pending = await place({ items: [{ original_sku: 'QUAN-1', qty: 1 }], status: 'processing' });
    const page = await client.listOrders({
      status: { nin: ['processing', 'waiting_payment'] },
      createdFrom: created,
      orderBy: 'created_at|asc',
      include: ['status_histories'],
    });
    expect(page.items.map((o) => o.code)).toEqual([a.code, b.code]);
    expect(page.paging).toMatchObject({ total: 2, current_page: 1, last_page: 1 });
    expect(page.items[0].status_histories.map((s) => s.status)).toEqual(['queueing']);
    expect(page.items[0].items[0].confirmation.status).toBe('waiting');
    expect((await client.listOrders({ status: { in: ['processing'] } })).items.map((o) => o.code)).toEqual([
      pending.code,
    ]);
    expect(
      (await client.listOrders({ status: ['queueing'], fulfillmentType: ['tiki_delivery'] })).items.map((o) => o.code),
    ).toEqual([b.code]);
    expect((await client.listOrders({ codes: [a.code, pending.code] })).items).toHaveLength(2);

    const empty = await client.listOrders({ createdFrom: new Date(Date.now() + 86_400_000) });
    expect(empty.items).toEqual([]);
    expect(empty.paging.last_page).toBe(0);
    expect((await rejection(client.listOrders({ limit: 100 }))).code).toBe('VALIDATION');
    expect((await rejection(client.listOrders({ status: { in: ['a'], nin: ['b'] } }))).code).toBe('VALIDATION');

    const walked: string[] = [];
    for await (const p of client.listAllOrders({
      limit: 1,
      orderBy: 'created_at|asc',
      status: { nin: ['processing', 'waiting_payment'] },
    })) {
      walked.push(...p.items.map((o) => o.code));
    }
    expect(walked).toEqual([a.code, b.code]);
  });

  it('getOrder: Order V2 shape, PII masked unless seller_delivery/cross_border, SLA a few hours after creation', async () => {
    const dropship = await place({ items: [{ original_sku: 'AO-1', qty: 2 }], customer });
    const own = await place({
      items: [{ original_sku: 'AO-1', qty: 1 }],
      customer,
      fulfillment_type: 'seller_delivery',
    });
    const d = await client.getOrder(dropship.code);
    expect(d.shipping?.address?.phone).toBe('');
    expect(d.shipping?.address?.email).toBeNull();
    expect(d.customer).toEqual({ id: expect.any(Number), full_name: 'Trần Thị B' });
    expect(d.items[0].product).toMatchObject({ seller_product_code: 'AO-1' });
    const sla = parseTikiDateTime(d.items[0].confirmation.available_confirm_sla as string).getTime();
    const createdAt = parseTikiDateTime(d.created_at).getTime();
    expect(sla - createdAt).toBe(6 * 3_600_000);
    const s = await client.getOrder(own.code, ['item.fees']);
    expect(s.shipping?.address).toMatchObject({ phone: '+84 90-123-4567', email: 'b@example.com' });
    expect(s.items[0].invoice?.fees.length).toBeGreaterThan(0);
    expect(await rejection(client.getOrder('999999999'))).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      route: 'GET /integration/v2/orders/:code',
    });
  });

  it('confirmAvailable: rules, label only after confirmation, reservation follows the chosen warehouse', async () => {
    const order = await place({ items: [{ original_sku: 'AO-1', qty: 3 }], fulfillment_type: 'tiki_delivery' });
    const itemId = order.items[0].id;
    expect(
      (await sku('AO-1')).stocks.find((s: any) => s.warehouse_id === whMain).quantity_reserved,
    ).toBeGreaterThanOrEqual(3);

    expect((await rejection(client.getLabel(order.code, 'tiki_delivery'))).message).toMatch(/not confirmed/);
    const badInventory = await rejection(
      client.confirmAvailable(order.code, { availableItemIds: [itemId], sellerInventoryId: 424242 }),
    );
    expect(badInventory).toMatchObject({ code: 'VALIDATION', status: 400 });

    const reservedSecondBefore = (await sku('AO-1')).stocks.find(
      (s: any) => s.warehouse_id === whSecond,
    ).quantity_reserved;
    await client.confirmAvailable(order.code, { availableItemIds: [itemId], sellerInventoryId: whSecond });
    const after = await client.getOrder(order.code, ['item.confirmation_histories']);
    expect(after.status).toBe('queueing');
    expect(after.items[0]).toMatchObject({
      seller_inventory_id: whSecond,
      confirmation: { status: 'seller_confirmed' },
    });
    expect(after.items[0].confirmation.histories.map((x) => x.status)).toEqual(['seller_confirmed']);
    expect((await sku('AO-1')).stocks.find((s: any) => s.warehouse_id === whSecond).quantity_reserved).toBe(
      reservedSecondBefore + 3,
    );

    const again = await rejection(
      client.confirmAvailable(order.code, { availableItemIds: [itemId], sellerInventoryId: whSecond }),
    );
    expect(again).toMatchObject({ code: 'VALIDATION', status: 400 });
    expect(again.message).toMatch(/no item waiting/);

    const label = await client.getLabel(order.code, 'tiki_delivery');
    expect(label.url).toBe(label.shippingLabelUrl);
    const html = await fetch(label.url);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain(order.code);
    expect((await rejection(client.getLabel(order.code, 'seller_delivery'))).code).toBe('VALIDATION');
    expect((await rejection(client.getLabel(order.code, 'instant_delivery'))).message).toMatch(/no label/);
  });

  it('declining every item cancels the order with cancel_info and releases stock', async () => {
    const before = (await sku('QUAN-1')).stocks[0];
    const order = await place({ items: [{ original_sku: 'QUAN-1', qty: 2 }], fulfillment_type: 'seller_delivery' });
    expect((await sku('QUAN-1')).stocks[0].quantity_sellable).toBe(before.quantity_sellable - 2);
    await client.confirmAvailable(order.code, { availableItemIds: [], sellerInventoryId: whMain });
    const canceled = await client.getOrder(order.code);
    expect(canceled.status).toBe('canceled');
    expect(canceled.items[0].confirmation.status).toBe('seller_canceled');
    expect(canceled.cancel_info).toMatchObject({ reason_code: expect.any(String), reason_text: expect.any(String) });
    expect((await sku('QUAN-1')).stocks[0]).toEqual(before);
    expect((await rejection(client.getLabel(order.code, 'seller_delivery'))).message).toMatch(/canceled/);
    expect(
      (await rejection(client.confirmAvailable(order.code, { availableItemIds: [], sellerInventoryId: whMain }))).code,
    ).toBe('VALIDATION');
  });

  it('dropship: pickup slots, confirm with expected_pickup_time → ready_to_pick, stamp label', async () => {
    const slots = await client.getPickupSlots();
    expect(slots.pickup_slots.length).toBeGreaterThan(0);
    const order = await place({ items: [{ original_sku: 'AO-1', qty: 1 }] });
    expect(
      (
        await rejection(
          client.confirmAvailable(order.code, { availableItemIds: [order.items[0].id], sellerInventoryId: whMain }),
        )
      ).message,
    ).toMatch(/dropship/);
    await client.dropshipConfirmAvailable(order.code, {
      confirmationStatus: 'seller_confirmed',
      sellerInventoryId: whMain,
      expectedPickupTime: slots.pickup_slots[0].expected_pickup_time,
    });
    const o = await client.getOrder(order.code);
    expect(o.items[0].confirmation.status).toBe('ready_to_pick');
    expect(o.status).toBe('ready_to_ship');
    const label = await client.getLabel(order.code, 'dropship');
    expect(label.shippingStampUrl).toBeDefined();
    expect(label.url).toBe(label.shippingStampUrl);
    const declined = await place({ items: [{ original_sku: 'AO-1', qty: 1 }] });
    await client.dropshipConfirmAvailable(declined.code, {
      confirmationStatus: 'seller_canceled',
      sellerInventoryId: whMain,
      expectedPickupTime: new Date(Date.now() + 86_400_000),
    });
    expect((await client.getOrder(declined.code)).status).toBe('canceled');
  });

  it('seller delivery: successful delivery takes the stock; failed delivery cancels or records an appointment', async () => {
    const avail = (await sku('AO-1')).stocks.find((s: any) => s.warehouse_id === whMain).quantity_available;
    const order = await place({ items: [{ original_sku: 'AO-1', qty: 1 }], fulfillment_type: 'seller_delivery' });
    expect(
      (await rejection(client.updateSellerDelivery(order.code, { status: 'successful_delivery' }))).message,
    ).toMatch(/not confirmed/);
    await client.confirmAvailable(order.code, { availableItemIds: [order.items[0].id], sellerInventoryId: whMain });
    await client.updateSellerDelivery(order.code, { status: 'successful_delivery', note: 'Đã giao' });
    const delivered = await client.getOrder(order.code, ['status_histories']);
    expect(delivered.status).toBe('successful_delivery');
    expect(delivered.status_histories.map((s) => s.status)).toEqual(['queueing', 'shipping', 'successful_delivery']);
    expect((await sku('AO-1')).stocks.find((s: any) => s.warehouse_id === whMain).quantity_available).toBe(avail - 1);

    const second = await place({ items: [{ original_sku: 'AO-1', qty: 1 }], fulfillment_type: 'seller_delivery' });
    await client.confirmAvailable(second.code, { availableItemIds: [second.items[0].id], sellerInventoryId: whMain });
    expect(
      (
        await rejection(
          client.updateSellerDelivery(second.code, {
            status: 'failed_delivery',
            failureCause: 'redelivery_appointment',
          }),
        )
      ).code,
    ).toBe('VALIDATION');
    await client.updateSellerDelivery(second.code, {
      status: 'failed_delivery',
      failureCause: 'redelivery_appointment',
      appointmentDate: new Date(Date.now() + 86_400_000),
    });
    expect((await client.getOrder(second.code)).status).toBe('queueing');
    await client.updateSellerDelivery(second.code, { status: 'failed_delivery', failureCause: 'out_of_needs' });
    const canceled = await client.getOrder(second.code);
    expect(canceled.status).toBe('canceled');
    expect(canceled.cancel_info?.reason_text).toBe('Không còn nhu cầu');

    const dropship = await place({ items: [{ original_sku: 'AO-1', qty: 1 }] });
    expect(
      (await rejection(client.updateSellerDelivery(dropship.code, { status: 'successful_delivery' }))).status,
    ).toBe(400);
  });

  it('incremental sweep by updated_at|asc sees status changes made on Tiki’s side', async () => {
    const order = await place({ items: [{ original_sku: 'AO-1', qty: 1 }] });
    for (const o of h.running.sandbox.state.world.orders.values()) o.updatedAt -= 3_600_000;
    const since = new Date(Date.now() - 1000);
    await h.control('POST', `/sellers/${h.sellerId}/orders/${order.code}/status`, { status: 'shipping' });
    const page = await client.listOrders({
      updatedFrom: since,
      orderBy: 'updated_at|asc',
      status: { nin: ['processing', 'waiting_payment'] },
    });
    expect(page.items.map((o) => [o.code, o.status])).toEqual([[order.code, 'shipping']]);
    expect(toTikiDateTime(parseTikiDateTime(page.items[0].updated_at as string))).toBe(page.items[0].updated_at);
  });
});
