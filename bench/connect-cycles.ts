/**
 * Benchmark: what a worker keeps of disconnected shops. 1,000 connect/disconnect cycles, each a new shop, run
 * through the worker's real activities (a worker's ClientFactory, real Haravan/Tiki clients against the sandboxes):
 * verify the credentials, connected, one full stock pass and one round of the delta poll (clients with decrypted
 * credentials, limiter, bucket, token, write gate, poll cadence, latency samples), then the disconnect's
 * `finalizeDisconnect`. Every 10th connect is refused by Tiki (wrong secret) and ends `markConnectionFailed`.
 * Prints the heap after a warm-up and after the cycles (a full gc before each reading), and what the caches hold.
 * The sandboxes run in a child process (bench/lib/sandboxes-proc.ts); the PGlite store is in this process (its
 * rows of 1,000 shops are in WebAssembly memory, outside the JS heap, shown as `external`).
 *
 * Run: `npm run bench:connect-cycles [-- cycles=1000 haravanPort=25100 tikiPort=25101]`
 * (`node --expose-gc --import tsx bench/connect-cycles.ts`).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../activities';
import { ClientFactory, type ActivityDeps } from '../activities/context';
import { pollCadence } from '../activities/poll-cadence';
import { gateFor, freshnessFor, refusedFor, writtenFor } from '../activities/stock/write-gate';
import { sharedRateLimiterCount } from '../connectors/haravan/rate-limiter';
import { processTokenCache } from '../connectors/tiki';
import { sharedBucketCount } from '../connectors/tiki/rate-limiter';
import { DEFAULT_CONFIG } from '../domain/config';
import { openDb } from '../store/db';
import { makeKeyring } from '../store/secrets';
import { Store } from '../store/store';
import { classifyVendorErrors } from '../worker/activity-interceptor';
import { loadAverage, loadLine, runBench } from './lib/util';

const MiB = 1024 * 1024;
const WARM_UP = 30;

async function startSandboxes(haravanPort: number, tikiPort: number) {
  const child = fork(path.join(__dirname, 'lib/sandboxes-proc.ts'), [String(haravanPort), String(tikiPort)], { execArgv: ['--import', 'tsx'] });
  const urls = await new Promise<{ haravanUrl: string; tikiUrl: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { haravanUrl: string; tikiUrl: string }));
    child.once('exit', (code) => reject(new Error(`sandboxes exited with ${code}`)));
  });
  return { ...urls, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.disconnect())) };
}

async function postJson(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url} → ${res.status} ${await res.text()}`);
}

function heap(): { heapUsed: number; external: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:connect-cycles)');
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external + m.arrayBuffers };
}

async function main(): Promise<void> {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
  const cycles = Number(args.cycles ?? 1000);
  const loadBefore = loadAverage();
  const sandboxes = await startSandboxes(Number(args.haravanPort ?? 25100), Number(args.tikiPort ?? 25101));
  const store = new Store(await openDb({ dataDir: 'memory://' }), makeKeyring('bench-connect-cycles-key-material-0123456789'));
  await store.migrate();
  const clients = new ClientFactory(store);
  const deps: ActivityDeps = { store, temporal: undefined as never, logger: pino({ level: 'silent' }), taskQueue: 'bench', clients };
  const acts = createActivities(deps);
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    new MockActivityEnvironment({ startToCloseTimeoutMs: 60_000 }, { interceptors: [classifyVendorErrors], logger: new DefaultLogger('ERROR') }).run(
      (...a: unknown[]) => fn(...(a as A)),
      ...args,
    );

  let failed = 0;
  const cycle = async (i: number) => {
    const shopId = 430000000000 + i;
    const sellerId = 630000 + i;
    const refused = i % 10 === 9;
    await postJson(`${sandboxes.haravanUrl}/_sandbox/shops`, {
      shop: { id: shopId, name: `Cycle ${i}` },
      accessToken: `hrv-cycle-${shopId}`,
      locations: [{ id: 1, name: 'Kho', is_primary: true }],
      products: [{ title: 'Áo', variants: [{ title: 'S', sku: 'A-S', barcode: `8930${String(i).padStart(8, '0')}`, price: 100000, inventory_management: 'haravan', inventory_policy: 'deny', inventory: [{ location_id: 1, qty_onhand: 5 }] }] }],
    });
    await postJson(`${sandboxes.tikiUrl}/_sandbox/sellers`, {
      seller: { id: sellerId, name: `Seller ${i}` },
      clientId: `tiki-cycle-${shopId}`,
      clientSecret: `tiki-secret-${shopId}`,
      warehouses: [{ id: 9000 + i, name: 'Kho HCM', is_primary: true }],
      products: [{ name: 'Áo S', original_sku: `8930${String(i).padStart(8, '0')}`, price: 99000, stocks: [{ warehouse_id: 9000 + i, quantity_available: 5 }] }],
    });
    const connectionId = `conn-${shopId}`;
    await store.claimConnection({ id: connectionId, shopId, workflowId: `connection-${shopId}`, config: DEFAULT_CONFIG });
    await store.saveCredentials(connectionId, {
      haravan: { accessToken: `hrv-cycle-${shopId}`, baseUrl: sandboxes.haravanUrl },
      tiki: { clientId: `tiki-cycle-${shopId}`, clientSecret: refused ? 'wrong' : `tiki-secret-${shopId}`, baseUrl: sandboxes.tikiUrl },
    });
    const verified = await run(acts.verifyCredentials, connectionId, shopId, { pending: false });
    if (!verified.ok) {
      failed++;
      await run(acts.markConnectionFailed, connectionId, { code: verified.code!, message: verified.message!, messageVi: verified.messageVi! });
      return;
    }
    await run(acts.setConnectionState, connectionId, 'connected', null);
    await run(acts.pushProducts, connectionId, 'all');
    await run(acts.pollHaravanChanges, connectionId, { durationMs: 50, intervalMs: 1_000 });
    await run(acts.setConnectionState, connectionId, 'disconnecting', null);
    await run(acts.finalizeDisconnect, connectionId);
  };

  try {
    for (let i = 0; i < WARM_UP; i++) await cycle(i);
    failed = 0;
    const before = heap();
    const t0 = Date.now();
    for (let i = WARM_UP; i < WARM_UP + cycles; i++) await cycle(i);
    const ms = Date.now() - t0;
    const after = heap();
    const held = {
      clients: clients.size,
      limiters: sharedRateLimiterCount(),
      buckets: sharedBucketCount(),
      tokens: processTokenCache.size,
      guards: [gateFor, freshnessFor, writtenFor, refusedFor].reduce((n, m) => n + m.size, 0),
      pollCadence: pollCadence.size,
    };
    const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
    console.log(`connect/disconnect cycles        ${cycles} (${failed} refused connects) after ${WARM_UP} warm-up cycles, ${(ms / cycles).toFixed(0)} ms per cycle`);
    console.log(`heap used (after gc)             before ${mib(before.heapUsed)}; after ${mib(after.heapUsed)}; delta ${mib(after.heapUsed - before.heapUsed)}`);
    console.log(`external + array buffers         before ${mib(before.external)}; after ${mib(after.external)} (PGlite's WebAssembly memory: the store's rows)`);
    console.log(`held after the cycles            ${Object.entries(held).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(loadLine(loadBefore));
  } finally {
    await store.close();
    await sandboxes.stop();
  }
}

runBench(main);
