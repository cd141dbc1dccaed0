/**
 * Chaos: the real service on real processes while Tiki orders and Haravan stock edits flow, with the sandboxes
 * answering ~20 % of calls with 5xx / 429 / latency and committing Haravan order creates and Tiki stock writes
 * without delivering the response (timeout after commit). Meanwhile the worker is killed with SIGKILL several
 * times (its whole process group; no process of a killed worker may survive), the Temporal dev server is
 * restarted on its persisted database, and the API is restarted.
 *
 * Then, with the faults removed: every Tiki order is imported exactly once, every linked SKU on Tiki holds the
 * value the rules give for Haravan's state, no workflow failed or is stuck, and the figures are printed.
 *
 * CHAOS_STACK=prod-shape runs the first test against `scripts/prod-shape.sh` instead (lib/prod-shape.ts): a Temporal
 * server on PostgreSQL, its two workers (killed in turn) and its two APIs (called in turn, one restarted), plus a
 * PostgreSQL restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { makeKeyring } from '../../store/secrets';
import { Store } from '../../store/store';
import { startHaravanSandbox } from '../../sandbox/haravan/app';
import { startTikiSandbox } from '../../sandbox/tiki/app';
import { dataConverterFor } from '../../boot/codec';
import { connectionWorkflowId, orderIntakeWorkflowId, stockSyncWorkflowId } from '../../workflows/ids';
import { connectBody, get, post, seedDemoShop } from '../helpers/seed';
import { callApi, eventually } from '../helpers/stack';
import { isRunning } from '../helpers/processes';
import { ApiServer } from './lib/api-server';
import { checkOrders, checkSkus } from './lib/expect';
import { sharedDatabase, TemporalDevServer, WorkerProcess } from './lib/processes';
import { prodShape, prodShapeSelected, ProdShapePostgres, ProdShapeTemporal, ProdShapeWorkers, startProdShape } from './lib/prod-shape';

jest.setTimeout(600_000);

const ENCRYPTION_KEY = 'chaos-encryption-key-material-0123456789';
const TOKEN = 'chaos-api-token';
const TRAFFIC_MS = 60_000;

const del = (url: string) => fetch(url, { method: 'DELETE' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('nothing lost, nothing duplicated, everything converges through worker kills, a Temporal restart and an API restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    // ------------------------------------------------------------------ the stack, as real processes
    const prod = prodShapeSelected() ? await startProdShape() : undefined;
    const encryptionKey = prod?.encryptionKey ?? ENCRYPTION_KEY;
    const temporal = prod ? new ProdShapeTemporal(prod.temporalAddress) : await TemporalDevServer.create(dir);
    cleanups.unshift(() => temporal.stop());
    const postgres = prod ? new ProdShapePostgres() : undefined;
    const database = await sharedDatabase(dir, prod?.databaseUrl);
    cleanups.unshift(() => database.close());
    const store = new Store(database.db, makeKeyring(encryptionKey));
    await store.migrate();
    const haravan = await startHaravanSandbox(0, { seed: 11 });
    cleanups.unshift(() => haravan.close());
    const tiki = await startTikiSandbox(0, { seed: 13 });
    cleanups.unshift(() => tiki.close());
    const taskQueue = prod?.taskQueue ?? `chaos-${Math.random().toString(36).slice(2, 8)}`;
    const worker = prod ? new ProdShapeWorkers() : new WorkerProcess({ TEMPORAL_ADDRESS: temporal.address, DATABASE_URL: database.url, ENCRYPTION_KEY, TASK_QUEUE: taskQueue }, path.join(dir, 'worker.log'));
    worker.start();
    cleanups.unshift(() => worker.stop());

    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default', dataConverter: dataConverterFor(encryptionKey) });

    const apiServer = new ApiServer({ client, store, taskQueue, apiToken: TOKEN, webhookSecret: 'chaos-webhook-secret', encryptionKey: ENCRYPTION_KEY, logFile: path.join(dir, 'api.log'), vendorUrls: [haravan.url, tiki.url] });
    const restartApi = async () => {
      if (prod) return void (await prodShape('restart', 'api-1'));
      await apiServer.restart();
    };
    if (!prod) await apiServer.start();
    cleanups.unshift(() => apiServer.stop());
    // The shape's two APIs take the calls in turn, as behind a load balancer.
    let apiTurn = 0;
    const apiBase = () => (prod ? prod.apiUrls[apiTurn++ % prod.apiUrls.length] : apiServer.url);
    const api = (method: string, p: string, body?: unknown) => callApi(apiBase(), prod?.apiToken ?? TOKEN, method, p, body);

    // ------------------------------------------------------------------ a connected, linked shop
    const shop = await seedDemoShop(haravan.url, tiki.url, { products: 20 });
    const connId = `conn-${shop.shopId}`;
    // The shape's service outlives the run: its shop is disconnected at the end (its sandboxes are gone then, and a
    // shop left connected would be polled, swept and reconciled against nothing from then on).
    if (prod) cleanups.unshift(() => api('DELETE', `/v1/connections/${connId}`));
    const created = await api('POST', '/v1/connections', connectBody(shop, haravan.url, tiki.url, { orderSweepIntervalSeconds: 20, reconcileIntervalSeconds: 45 }));
    expect(created.status).toBe(201);
    const run = await api('POST', `/v1/connections/${connId}/link-runs`, { all: true });
    expect(run.status).toBe(202);
    await eventually(async () => (await api('GET', `/v1/connections/${connId}/link-runs/${run.body.runId}`)).body.state === 'completed', 120_000, 500);
    const links = await store.getLinks(connId);
    expect(links.length).toBeGreaterThan(10);

    const skuCheck = async () => {
      const conn = (await store.getConnection(connId))!;
      return checkSkus({
        haravanUrl: haravan.url,
        accessToken: shop.accessToken,
        tikiUrl: tiki.url,
        sellerId: shop.tiki.sellerId,
        links: await store.getLinks(connId),
        config: conn.config,
        sellerWarehouseIds: conn.tikiSeller?.warehouseIds ?? [],
      });
    };
    await eventually(async () => (await skuCheck()).mismatches.length === 0, 120_000, 1_000);

    // What orders are placed on, and what stock edits touch.
    const seedVariants = shop.haravanSeed.products.flatMap((p: { variants: unknown[] }) => p.variants) as {
      barcode?: string | null;
      inventory_management: string | null;
      inventory?: { location_id: number }[];
    }[];
    const seedOf = (barcode: string) => seedVariants.find((v) => (v.barcode ?? '').trim() === barcode);
    const editable = links.filter((l) => seedOf(l.barcode)?.inventory_management === 'haravan' && (seedOf(l.barcode)?.inventory ?? []).length > 0);

    // ------------------------------------------------------------------ faults: ~20 % of calls, and timeouts after commit
    const haravanFaults = [
      { method: 'POST', path: '/com/orders.json', timeoutAfterCommit: true, mode: 'drop', probability: 0.3 },
      { path: '/com/*', status: 503, probability: 0.1 },
      { path: '/com/*', status: 429, retryAfterSeconds: 1, probability: 0.05 },
      { path: '/com/*', latencyMs: 400, probability: 0.06 },
    ];
    const tikiFaults = [
      { method: 'PUT', path: '/integration/v2/products/updateSku', timeoutAfterCommit: true, mode: 'drop', probability: 0.3 },
      { method: 'PUT', path: '/integration/v2.1/products/updateSkus', timeoutAfterCommit: true, mode: 'drop', probability: 0.3 },
      { path: '/integration/*', status: 500, probability: 0.1 },
      { path: '/integration/*', status: 429, retryAfterSeconds: 1, probability: 0.05 },
      { path: '/integration/*', latencyMs: 400, probability: 0.06 },
    ];
    await del(`${haravan.url}/_sandbox/calls`);
    await del(`${tiki.url}/_sandbox/calls`);
    await post(`${haravan.url}/_sandbox/faults`, { faults: haravanFaults });
    await post(`${tiki.url}/_sandbox/faults`, { faults: tikiFaults });

    // ------------------------------------------------------------------ traffic and disruptions, in parallel
    const orderCodes: string[] = [];
    let stockEdits = 0;
    let apiCalls = 0;
    let apiErrors = 0;
    const started = Date.now();
    const traffic = (async () => {
      let i = 0;
      while (Date.now() - started < TRAFFIC_MS) {
        i++;
        const link = links[i % links.length];
        try {
          const o = await post(`${tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders`, {
            items: [{ original_sku: link.barcode, qty: 1 }],
            customer: { full_name: `Khách Chaos ${i}`, phone: `09${String(10_000_000 + i).slice(-8)}` },
          });
          orderCodes.push(String(o.code));
        } catch {
          // Not sellable on Tiki right now (409): a customer could not buy it either.
        }
        const e = editable[i % editable.length];
        if (e) {
          await post(`${haravan.url}/_sandbox/shops/${shop.shopId}/inventory`, { variantId: e.haravanVariantId, locationId: seedOf(e.barcode)!.inventory![0].location_id, delta: i % 3 === 0 ? -1 : 2 });
          stockEdits++;
        }
        await sleep(1_500);
      }
    })();
    const apiTraffic = (async () => {
      while (Date.now() - started < TRAFFIC_MS) {
        apiCalls++;
        try {
          const r = await api('GET', `/v1/connections/${connId}`);
          if (r.status >= 500) apiErrors++;
        } catch {
          apiErrors++; // the API is down while it restarts
        }
        await sleep(1_000);
      }
    })();
    const disruptions = (async () => {
      const at = async (ms: number) => sleep(Math.max(0, started + ms - Date.now()));
      await at(8_000);
      await worker.kill9();
      await at(20_000);
      await temporal.restart();
      if (postgres) {
        await at(26_000);
        await postgres.restart();
      }
      await at(32_000);
      await worker.kill9();
      await at(42_000);
      await restartApi();
      await at(50_000);
      await worker.kill9();
    })();
    await Promise.all([traffic, apiTraffic, disruptions]);

    // Imported = on Haravan AND in the store's mapping (after a timeout-after-commit the retry finds the order by
    // its reference and records it a moment after Haravan already shows it).
    const unmapped = async () => {
      const out: string[] = [];
      for (const code of orderCodes) if (!(await store.getOrder(connId, code))?.haravanOrderId) out.push(code);
      return out;
    };
    type Fired = { fired: number; timeoutAfterCommit?: boolean; status?: number; latencyMs?: number };
    const firedBy = async (url: string) => {
      const rules = (await get(`${url}/_sandbox/faults`)).faults as Fired[];
      const calls = (await get(`${url}/_sandbox/calls`)).total as number;
      const sum = (pred: (f: Fired) => boolean) => rules.filter(pred).reduce((a, f) => a + f.fired, 0);
      return { calls, all: sum(() => true), afterCommit: sum((f) => !!f.timeoutAfterCommit), errors: sum((f) => !!f.status), slow: sum((f) => !!f.latencyMs) };
    };
    // The faults stay on past the traffic, at most 90 s, until an order create on Haravan and a stock write on Tiki
    // have committed without an answer, or every order placed has been imported (read from the store's mapping and the
    // sandboxes' control routes: no vendor call). After the third kill a loaded machine can still be catching up when
    // the traffic ends, and the creates must meet the faults: a CI run once made only 31 Haravan calls in the window.
    const trafficEndedAt = Date.now();
    await eventually(
      async () =>
        ((await firedBy(haravan.url)).afterCommit > 0 && (await firedBy(tiki.url)).afterCommit > 0) || (await unmapped()).length === 0,
      90_000,
      1_000,
    ).catch(() => undefined);
    const faultsKeptMs = Date.now() - trafficEndedAt;

    // ------------------------------------------------------------------ faults off: converge
    const faultsFired = { haravan: await firedBy(haravan.url), tiki: await firedBy(tiki.url) };
    const describeFaults = (f: Awaited<ReturnType<typeof firedBy>>) =>
      `${f.all} of ${f.calls} calls (${((100 * f.all) / Math.max(1, f.calls)).toFixed(0)} %: ${f.errors} 5xx/429, ${f.slow} slow, ${f.afterCommit} timeout-after-commit)`;
    await del(`${haravan.url}/_sandbox/faults`);
    await del(`${tiki.url}/_sandbox/faults`);
    const calmAt = Date.now();
    // Ask for the push the merchant would ask for after an incident (the poll would find the edits anyway).
    await eventually(async () => (await api('POST', `/v1/connections/${connId}/stock-pushes`, {})).status === 202, 60_000, 1_000);

    let orders = await checkOrders(haravan.url, shop.shopId, orderCodes);
    let skus = await skuCheck();
    await eventually(
      async () => {
        orders = await checkOrders(haravan.url, shop.shopId, orderCodes);
        skus = await skuCheck();
        return orders.lost.length === 0 && skus.mismatches.length === 0 && (await unmapped()).length === 0;
      },
      240_000,
      2_000,
    ).catch(() => undefined);
    const convergeMs = Date.now() - calmAt;

    // ------------------------------------------------------------------ no workflow failed or stuck
    const failedOrStuck: string[] = [];
    // The shape's namespace outlives a run: only this run's shop counts there.
    const ofThisShop = prod ? ` AND ShopId = '${shop.shopId}'` : '';
    for await (const w of client.workflow.list({ query: `(ExecutionStatus = 'Failed' OR ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Terminated')${ofThisShop}` })) {
      failedOrStuck.push(`${w.workflowId} ${w.status.name}`);
    }
    for (const id of [connectionWorkflowId(shop.shopId), stockSyncWorkflowId(shop.shopId), orderIntakeWorkflowId(shop.shopId)]) {
      const d = await client.workflow.getHandle(id).describe();
      if (d.status.name !== 'RUNNING') failedOrStuck.push(`${id} ${d.status.name}`);
    }
    const notImported: string[] = [];
    for (const code of orderCodes) {
      const rec = await store.getOrder(connId, code);
      if (!rec?.haravanOrderId) notImported.push(code);
    }
    const inbox = await api('GET', `/v1/connections/${connId}/failures`);
    const status = await api('GET', `/v1/connections/${connId}`);

    process.stdout.write(
      [
        '',
        `chaos: ${TRAFFIC_MS / 1000} s of traffic on ${links.length} linked SKUs; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
        `chaos: stack: ${prod ? `prod-shape (Temporal server ${prod.temporalAddress} on PostgreSQL, 2 workers, 2 APIs)` : 'dev server, 1 worker, in-process API'}`,
        `chaos: disruptions: worker kill -9 ×${worker.kills} (worker starts ${worker.starts}, unexpected exits ${worker.unexpectedExits}), Temporal restarts ×${temporal.restarts}, API restarts ×1${postgres ? `, PostgreSQL restarts ×${postgres.restarts}` : ''}`,
        `chaos: faults: haravan ${describeFaults(faultsFired.haravan)}; tiki ${describeFaults(faultsFired.tiki)}; on ${(faultsKeptMs / 1000).toFixed(1)} s past the traffic`,
        `chaos: API calls during chaos ${apiCalls} (${apiErrors} failed while it restarted)`,
        `chaos: orders: placed ${orders.tikiOrders}, imported ${orders.imported}, duplicates ${orders.duplicates.length}, lost ${orders.lost.length}`,
        `chaos: stock edits ${stockEdits}; SKUs converged ${skus.converged}/${skus.total}`,
        `chaos: time to converge after the faults stopped: ${(convergeMs / 1000).toFixed(1)} s`,
        `chaos: failed/stuck workflows: ${failedOrStuck.length}; open failures ${inbox.body?.total}; connection ${status.body?.state}`,
        '',
      ].join('\n'),
    );

    expect(orders.tikiOrders).toBeGreaterThan(10);
    expect(orders.duplicates).toEqual([]);
    expect(orders.lost).toEqual([]);
    expect(notImported).toEqual([]);
    expect(skus.mismatches).toEqual([]);
    expect(failedOrStuck).toEqual([]);
    expect(inbox.body.total).toBe(0);
    expect(status.body.state).toBe('connected');
    expect(worker.kills).toBe(3);
    // Each kill took the real worker down (kill9 also checks it at once): none of the killed pids runs.
    expect(worker.killedPids).toHaveLength(3);
    expect(worker.killedPids.filter(isRunning)).toEqual([]);
    expect(temporal.restarts).toBe(1);
    if (postgres) expect(postgres.restarts).toBe(1);
    // The hard cases really happened: creates and stock writes committed without an answer.
    expect(faultsFired.haravan.afterCommit).toBeGreaterThan(0);
    expect(faultsFired.tiki.afterCommit).toBeGreaterThan(0);
    expect(faultsFired.haravan.errors + faultsFired.tiki.errors).toBeGreaterThan(0);
  } finally {
    for (const fn of cleanups) await fn().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Haravan performs creates late while the worker that sent them is killed: each create is held 40 s by Haravan
 * (its deadline here 50 s, the service's settle window 55 s), longer than the 30 s heartbeat timeout after which
 * the killed worker's imports are retried — so the retries start while the creates are still uncommitted. The
 * worker is killed while they are held, and its successor again while it waits out the window. Every Tiki order
 * ends with exactly one Haravan order.
 */
// Needs its own worker settings (HARAVAN_CREATE_SETTLE_SECONDS) and a single worker: not run against the shape.
(prodShapeSelected() ? test.skip : test)('late commits while the worker is killed: exactly one Haravan order per Tiki order', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-late-'));
  const undo: (() => Promise<unknown>)[] = [];
  try {
    const temporal = await TemporalDevServer.create(dir);
    undo.unshift(() => temporal.stop());
    const shared = await sharedDatabase(dir);
    undo.unshift(() => shared.close());
    const db = new Store(shared.db, makeKeyring(ENCRYPTION_KEY));
    await db.migrate();
    const [h, t] = [await startHaravanSandbox(0, { requestDeadlineMs: 50_000 }), await startTikiSandbox(0)];
    undo.unshift(() => Promise.all([h.close(), t.close()]));
    const queue = `chaos-late-${Math.random().toString(36).slice(2, 8)}`;
    const env = { TEMPORAL_ADDRESS: temporal.address, DATABASE_URL: shared.url, ENCRYPTION_KEY, TASK_QUEUE: queue, HARAVAN_CREATE_SETTLE_SECONDS: '55' };
    const w = new WorkerProcess(env, path.join(dir, 'worker.log'));
    w.start();
    undo.unshift(() => w.stop());
    const conn = await Connection.connect({ address: temporal.address });
    undo.push(() => conn.close());
    const client = new Client({ connection: conn, dataConverter: dataConverterFor(ENCRYPTION_KEY) });
    const apiServer = await new ApiServer({ client, store: db, taskQueue: queue, apiToken: TOKEN, webhookSecret: 'w', encryptionKey: ENCRYPTION_KEY, vendorUrls: [h.url, t.url] }).start();
    undo.unshift(() => apiServer.stop());
    const call = (method: string, p: string, body?: unknown) => callApi(apiServer.url, TOKEN, method, p, body);

    const shop = await seedDemoShop(h.url, t.url, { products: 4 });
    const id = `conn-${shop.shopId}`;
    expect((await call('POST', '/v1/connections', connectBody(shop, h.url, t.url, { orderPollIntervalSeconds: 1 }))).status).toBe(201);
    const linkRun = await call('POST', `/v1/connections/${id}/link-runs`, { all: true });
    await eventually(async () => (await call('GET', `/v1/connections/${id}/link-runs/${linkRun.body.runId}`)).body.state === 'completed', 120_000, 500);
    const barcodes = (await db.getLinks(id)).map((l) => l.barcode);

    const held = (await post(`${h.url}/_sandbox/faults`, { path: '/com/orders.json', method: 'POST', holdMs: 40_000, times: 3 })).faults[0];
    const codes: string[] = [];
    for (let i = 0; codes.length < 3 && i < 20; i++) {
      const o = await post(`${t.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders`, { items: [{ original_sku: barcodes[i % barcodes.length], qty: 1 }], customer: { full_name: `Khách ${i}`, phone: `0914 000 ${100 + i}` } }).catch(() => undefined);
      if (o) codes.push(String(o.code));
    }
    expect(codes).toHaveLength(3);
    // Kill the worker while Haravan holds all three creates, and its successor while it waits out the window.
    await eventually(async () => ((await get(`${h.url}/_sandbox/faults`)).faults[0]?.fired ?? 0) >= 3, 60_000, 200);
    await w.kill9();
    await sleep(40_000);
    await w.kill9();

    const orders = await eventually(async () => {
      const r = await checkOrders(h.url, shop.shopId, codes);
      const mapped = await Promise.all(codes.map(async (c) => !!(await db.getOrder(id, c))?.haravanOrderId));
      return r.imported === codes.length && mapped.every(Boolean) && r;
    }, 240_000, 1_000);
    // The creates were held, performed after their worker died, and found — not repeated.
    expect((await get(`${h.url}/_sandbox/faults`)).faults.find((f: { id: string }) => f.id === held.id).fired).toBe(3);
    expect(orders.duplicates).toEqual([]);
    expect(orders.lost).toEqual([]);
    await sleep(5_000); // a late second create would show by now
    expect((await checkOrders(h.url, shop.shopId, codes)).duplicates).toEqual([]);
    expect(w.kills).toBe(2);
  } finally {
    for (const fn of undo) await fn().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
