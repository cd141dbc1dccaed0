import { deliveryShopId, MAX_NUDGE_PRODUCTS, WebhookGate } from '../../../api/webhook-gate';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the same signed bytes within the window are acted on once; after the window again', () => {
  let now = 0;
  const gate = new WebhookGate(async () => undefined, { replayWindowMs: 1_000, now: () => now });
  const a = Buffer.from('{"id":1,"org_id":5}');
  expect(gate.firstDelivery(a)).toBe(true);
  expect(gate.firstDelivery(Buffer.from(a))).toBe(false);
  expect(gate.firstDelivery(Buffer.from('{"id":2,"org_id":5}'))).toBe(true);
  now = 1_500;
  expect(gate.firstDelivery(a)).toBe(true);
});

test('a flood of deliveries for one shop is one nudge now and one merged nudge per window, ids capped', async () => {
  const sent: [number, number[]][] = [];
  const gate = new WebhookGate(async (shop, ids) => void sent.push([shop, ids]), { coalesceMs: 100 });
  for (let i = 1; i <= 500; i++) gate.nudge(7, [i]);
  gate.nudge(8, [1]);
  expect(sent).toEqual([
    [7, [1]],
    [8, [1]],
  ]);
  await sleep(150);
  expect(sent).toHaveLength(3);
  expect(sent[2][0]).toBe(7);
  expect(sent[2][1]).toHaveLength(MAX_NUDGE_PRODUCTS);
  await sleep(150);
  expect(sent).toHaveLength(3); // nothing pending: the window ends quietly
  gate.nudge(7, [9]);
  expect(sent).toHaveLength(4); // a new window starts at once
  gate.close();
});

test('the shop comes from the signed body when it names one, the header only otherwise', () => {
  expect(deliveryShopId({ org_id: 200000244883 }, '999')).toBe(200000244883);
  expect(deliveryShopId({ orgid: '200000244883' }, '999')).toBe(200000244883);
  expect(deliveryShopId({ id: 1 }, '999')).toBe(999);
  expect(deliveryShopId({ org_id: 'x' }, '999')).toBeUndefined();
  expect(deliveryShopId({}, undefined)).toBeUndefined();
});
