/**
 * The connection workflow on a real Temporal dev server with the sandboxes, driven through the HTTP API:
 * credential checks (422, nothing left live), one connection per shop (409), config updates through a
 * validated workflow update, search attributes, graceful disconnect and reconnect.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { updateConfigUpdate } from '../../workflows/definitions';
import { connectionWorkflowId, orderIntakeWorkflowId, stockSyncWorkflowId } from '../../workflows/ids';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, seedDemoShop, SeededShop } from '../helpers/seed';

jest.setTimeout(120_000);

let stack: TestStack;
let shop: SeededShop;

beforeAll(async () => {
  stack = await startStack();
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url);
});
afterAll(async () => {
  await stack?.stop();
});

const body = (over: object = {}) => ({ ...connectBody(shop, stack.haravan.url, stack.tiki.url), ...over });

test('rejects bad Tiki credentials with 422 and leaves nothing live', async () => {
  const res = await stack.api('POST', '/v1/connections', body({ tiki: { clientId: shop.tiki.clientId, clientSecret: 'wrong', baseUrl: stack.tiki.url } }));
  expect(res.status).toBe(422);
  expect(res.body.error.code).toBe('TIKI_AUTH_FAILED');
  expect(res.body.error.messageVi).toBeTruthy();
  const desc = await stack.client.workflow.getHandle(connectionWorkflowId(shop.shopId)).describe();
  expect(desc.status.name).toBe('COMPLETED');
  expect(await stack.store.loadCredentials(`conn-${shop.shopId}`)).toBeNull();
  const got = await stack.api('GET', `/v1/connections/conn-${shop.shopId}`);
  expect(got.body.state).toBe('failed');
});

test('rejects a bad Haravan token with 422', async () => {
  const res = await stack.api('POST', '/v1/connections', body({ haravan: { accessToken: 'nope', baseUrl: stack.haravan.url } }));
  expect(res.status).toBe(422);
  expect(res.body.error.code).toBe('HARAVAN_AUTH_FAILED');
});

test('rejects invalid input with 400 VALIDATION_FAILED and field-level issues', async () => {
  const res = await stack.api('POST', '/v1/connections', { shopId: -1, haravan: {}, tiki: {} });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_FAILED');
  expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['shopId']));
  expect((await stack.api('GET', '/v1/connections', undefined, { Authorization: 'Bearer wrong' })).status).toBe(401);
});

test('connects, dedupes, updates config through a validated update, disconnects and reconnects', async () => {
  const created = await stack.api('POST', '/v1/connections', body());
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ id: `conn-${shop.shopId}`, shopId: shop.shopId, state: 'connected', workflowId: connectionWorkflowId(shop.shopId) });
  expect(JSON.stringify(created.body)).not.toContain(shop.accessToken);
  expect(JSON.stringify(created.body)).not.toContain(shop.tiki.clientSecret);

  const dup = await stack.api('POST', '/v1/connections', body());
  expect(dup.status).toBe(409);
  expect(dup.body.error.code).toBe('ALREADY_CONNECTED');

  // Children are running; search attributes are set.
  for (const id of [stockSyncWorkflowId(shop.shopId), orderIntakeWorkflowId(shop.shopId)]) {
    expect((await stack.client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
  }
  await eventually(async () => {
    const found = [];
    for await (const w of stack.client.workflow.list({ query: `ShopId = '${shop.shopId}' AND ConnectionState = 'connected'` })) found.push(w.workflowId);
    return found.includes(connectionWorkflowId(shop.shopId));
  });

  const patched = await stack.api('PATCH', `/v1/connections/conn-${shop.shopId}/config`, { stockRatioPercent: 80, safetyStock: 2 });
  expect(patched.status).toBe(200);
  expect(patched.body.config).toMatchObject({ stockRatioPercent: 80, safetyStock: 2, syncPrice: true });
  expect((await stack.store.getConnection(`conn-${shop.shopId}`))?.config.stockRatioPercent).toBe(80);

  const bad = await stack.api('PATCH', `/v1/connections/conn-${shop.shopId}/config`, { stockRatioPercent: 150 });
  expect(bad.status).toBe(400);
  // The workflow's own validator refuses what slips past the API, and nothing reaches history.
  const handle = stack.client.workflow.getHandle(connectionWorkflowId(shop.shopId));
  await expect(handle.executeUpdate(updateConfigUpdate, { args: [{ stockRatioPercent: 150 }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  const history = await handle.fetchHistory();
  const accepted = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'updateConfig').length;
  expect(accepted).toBe(1); // only the valid PATCH

  const del = await stack.api('DELETE', `/v1/connections/conn-${shop.shopId}`);
  expect(del.status).toBe(202);
  expect(del.body.state).toBe('disconnecting');
  await eventually(async () => (await stack.api('GET', `/v1/connections/conn-${shop.shopId}`)).body.state === 'disconnected', 60_000);
  // The store says disconnected just before the workflow returns: wait for it to close.
  await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 30_000);
  for (const id of [stockSyncWorkflowId(shop.shopId), orderIntakeWorkflowId(shop.shopId)]) {
    expect((await stack.client.workflow.getHandle(id).describe()).status.name).toBe('COMPLETED');
  }
  expect(await stack.store.loadCredentials(`conn-${shop.shopId}`)).toBeNull();

  const again = await stack.api('POST', '/v1/connections', body());
  expect(again.status).toBe(201);
  expect(again.body.state).toBe('connected');
});

test('a reconnect sent the moment the store says disconnected (the run still closing) connects, never leaving a stuck record', async () => {
  const other = await seedDemoShop(stack.haravan.url, stack.tiki.url);
  const otherBody = () => connectBody(other, stack.haravan.url, stack.tiki.url);
  const id = `conn-${other.shopId}`;
  for (let round = 0; round < 3; round++) {
    const created = await stack.api('POST', '/v1/connections', otherBody());
    expect(created.status).toBe(201);
    expect((await stack.api('DELETE', `/v1/connections/${id}`)).status).toBe(202);
    // No wait for the workflow to close: straight in once the store says disconnected.
    await eventually(async () => (await stack.store.getConnection(id))?.state === 'disconnected', 60_000, 10);
  }
  const again = await stack.api('POST', '/v1/connections', otherBody());
  expect({ status: again.status, state: again.body.state }).toEqual({ status: 201, state: 'connected' });
  expect((await stack.api('DELETE', `/v1/connections/${id}`)).status).toBe(202);
});
