import { TikiClient } from '../../../connectors/tiki/client';
import { inventoryEventPayloadSchema, orderEventPayloadSchema } from '../../../connectors/tiki/schemas';
import { Harness, rejection, sellerSeed, startHarness } from '../../fixtures/tiki/harness';

describe('TikiClient — event queue', () => {
  let h: Harness;
  let client: TikiClient;
  beforeAll(async () => {
    h = await startHarness({ eventBatchSize: 3 });
    client = h.oauthClient();
  });
  afterAll(() => h.close());

  const placeOrder = async (sellerId = h.sellerId) =>
    (await h.control('POST', `/sellers/${sellerId}/orders`, { items: [{ original_sku: 'AO-1', qty: 1 }] })).body
      .code as string;

  it('creates queues and subscriptions (idempotently) and lists them', async () => {
    const queue = await client.createQueue('haravan-orders');
    expect(queue).toMatchObject({ name: 'haravan-orders', status: 'ACTIVE' });
    expect(queue.code).toMatch(/^[0-9a-f-]{36}$/);
    const sub = await client.subscribe(queue.code, 'ORDER_CREATED_SUCCESSFULLY');
    const seller = await client.getSeller();
    expect(sub).toMatchObject({ active: true, event_type: 'ORDER_CREATED_SUCCESSFULLY', sid: seller.sid });
    expect((await client.subscribe(queue.code, 'ORDER_CREATED_SUCCESSFULLY')).code).toBe(sub.code);
    await client.subscribe(queue.code, 'ORDER_STATUS_UPDATED');
    expect((await client.listSubscriptions(queue.code)).map((s) => s.event_type)).toEqual([
      'ORDER_CREATED_SUCCESSFULLY',
      'ORDER_STATUS_UPDATED',
    ]);
    expect((await client.listQueues()).map((q) => q.code)).toContain(queue.code);
    expect((await rejection(client.subscribe(queue.code, 'NOT_AN_EVENT'))).code).toBe('VALIDATION');
    expect((await rejection(client.pullEvents('00000000-0000-4000-8000-000000000000', null))).code).toBe('NOT_FOUND');
    // Another app's queues are invisible.
    const other = h.running.sandbox.state.seedSeller(sellerSeed(8));
    const otherClient = new TikiClient({
      baseUrl: h.url,
      auth: { clientId: other.credentials.clientId, clientSecret: other.credentials.clientSecret },
    });
    expect((await rejection(otherClient.pullEvents(queue.code, null))).code).toBe('NOT_FOUND');
  });

  it('pull/ack: a matching ack commits, null or stale acks re-deliver (at-least-once), batches in order', async () => {
    const queue = await client.createQueue('cursor');
    await client.subscribe(queue.code, 'ORDER_CREATED_SUCCESSFULLY');
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push(await placeOrder());
    const codesOf = (events: { payload: Record<string, unknown> }[]) =>
      events.map((e) => orderEventPayloadSchema.parse(e.payload).order_code);

    const first = await client.pullEvents(queue.code, null);
    expect(codesOf(first.events)).toEqual(codes.slice(0, 3));
    expect(first.events[0]).toMatchObject({
      type: 'ORDER_CREATED_SUCCESSFULLY',
      version: 'v1',
      sid: expect.stringMatching(/^[0-9A-F]{40}$/),
    });
    expect(Math.abs(first.events[0].created_at - Date.now())).toBeLessThan(60_000);

    // Lost ack (null): the same batch again, with a new ack_id.
    const again = await client.pullEvents(queue.code, null);
    expect(codesOf(again.events)).toEqual(codes.slice(0, 3));
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(again.ackId).not.toBe(first.ackId);

    // A stale ack commits nothing either.
    const stale = await client.pullEvents(queue.code, first.ackId);
    expect(codesOf(stale.events)).toEqual(codes.slice(0, 3));

    const second = await client.pullEvents(queue.code, stale.ackId);
    expect(codesOf(second.events)).toEqual(codes.slice(3));
    const drained = await client.pullEvents(queue.code, second.ackId);
    expect(drained.events).toEqual([]);
    expect(drained.ackId).toEqual(expect.any(String));

    // Forced re-delivery of already acknowledged events.
    expect((await h.control('POST', '/events/duplicate', { queueCode: queue.code, count: 2 })).body.redelivered).toBe(
      2,
    );
    const dup = await client.pullEvents(queue.code, drained.ackId);
    expect(codesOf(dup.events)).toEqual(codes.slice(3));
  });

  it('a pull whose answer is lost (timeout after commit) is delivered again: nothing is lost', async () => {
    const queue = await client.createQueue('lossy');
    await client.subscribe(queue.code, 'ORDER_CREATED_SUCCESSFULLY');
    const code = await placeOrder();
    h.running.sandbox.faults.add({
      path: '/integration/v1/queues/:code/events/pull',
      timeoutAfterCommit: true,
      mode: 'drop',
      times: 1,
    });
    expect((await rejection(client.pullEvents(queue.code, null))).code).toBe('NETWORK');
    const retry = await client.pullEvents(queue.code, null);
    expect(retry.events.map((e) => e.payload.order_code)).toEqual([code]);
    const next = await client.pullEvents(queue.code, retry.ackId);
    expect(next.events).toEqual([]);
    const inspect = (await h.control('GET', '/queues')).body.queues.find((q: any) => q.code === queue.code);
    expect(inspect).toMatchObject({ total: 1, committed: 1, pending: 0 });
  });

  it('routes events by seller sid and type: status changes and inventory (v2 payload)', async () => {
    const queue = await client.createQueue('routing');
    await client.subscribe(queue.code, 'ORDER_STATUS_UPDATED');
    await client.subscribe(queue.code, 'PRODUCT_INVENTORY_UPDATED');
    await placeOrder(8); // another seller: not routed here
    const code = await placeOrder();
    await h.control('POST', `/sellers/${h.sellerId}/orders/${code}/status`, { status: 'canceled' });
    const events = [];
    let ack: string | null = null;
    for (let i = 0; i < 5; i++) {
      const batch = await client.pullEvents(queue.code, ack);
      ack = batch.ackId;
      if (!batch.events.length) break;
      events.push(...batch.events);
    }
    const seller = await client.getSeller();
    expect(events.every((e) => e.sid === seller.sid)).toBe(true);
    expect(events.map((e) => e.type)).toEqual([
      'PRODUCT_INVENTORY_UPDATED',
      'PRODUCT_INVENTORY_UPDATED',
      'ORDER_STATUS_UPDATED',
    ]);
    const [reserve, release, status] = events;
    expect(reserve.version).toBe('v2');
    expect(inventoryEventPayloadSchema.parse(reserve.payload)).toMatchObject({
      original_sku: 'AO-1',
      quantity_reserved_to: (reserve.payload.quantity_reserved_from as number) + 1,
    });
    expect(status.payload).toEqual({ order_code: code, orderCode: code, status: 'canceled' });
    expect(inventoryEventPayloadSchema.parse(release.payload).quantity_reserved_to).toBe(
      reserve.payload.quantity_reserved_from,
    );
  });
});
