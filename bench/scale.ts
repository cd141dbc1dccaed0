/**
 * bench/scale — N connections on one or two worker processes, on the embedded stack with the sandboxes.
 *
 *   npx tsx bench/scale.ts                       # SCALE_CONNECTIONS=1000 by default
 *   SCALE_CONNECTIONS=200 SCALE_WORKERS=2 SCALE_TRAFFIC_SECONDS=60 npx tsx bench/scale.ts
 *
 * Stack: a Temporal dev server (the provisioned CLI, in-memory), a throw-away PostgreSQL (scripts/postgres.sh on
 * its own port and directory), the Haravan and the Tiki sandbox each in a process of its own (bench/lib/sandbox-host.ts;
 * every vendor call counted, bench/lib/call-recorder.ts), the HTTP API and the traffic probes in this process, and
 * each worker as its own process (`node --import tsx worker/main.ts`) so its RSS and CPU are its own; the idle and
 * traffic lines also print the CPU of the rest of the rig (`rig CPU:`). SCALE_PROFILE_DIR=<dir> writes CPU profiles
 * of the first worker and both sandboxes over the idle phase.
 * POLL_MODE (default shards) and POLL_SHARDS (default here 8) are passed to the workers.
 *
 * Phases, each printed as it ends:
 *   1. setup     — seed N demo shops (19 products / 44 variants each, ~30 linked), connect each through the API
 *                  and run its link run; stops early when SCALE_SETUP_BUDGET_SECONDS is spent (prints how far).
 *   2. with SCALE_WORKERS=2: idle and traffic (below) on both workers, then the second stops (SIGTERM) and its
 *                  shard activities start again on the first; the phases below run on that one worker.
 *   3. idle      — worker RSS and CPU over SCALE_IDLE_SECONDS with no traffic, vendor calls per second, Temporal
 *                  actions per idle connection-hour (the dev server's `action` counter), where the shards run; and
 *                  the CPU floor: the vendor calls of the first SCALE_FLOOR_SECONDS are recorded and made again,
 *                  at the same times, by a bare keep-alive client in its own process (bench/lib/floor-client.ts):
 *                  worker CPU per call against the floor's.
 *   4. traffic   — light traffic on random connections: Haravan stock edits (SCALE_STOCK_PER_SECOND) measured
 *                  until Tiki shows the new quantity, Tiki orders (SCALE_ORDERS_PER_SECOND) measured until the
 *                  Haravan order exists; worker RSS/CPU; Temporal task backlog.
 *   5. fairness  — one big merchant (SCALE_BIG_SKUS variants, 0 = skip) runs a link run and a full stock pass
 *                  while the same light traffic goes on: the small merchants' latencies during it.
 *   6. histories — history length of the current run of every connection / stock-sync / order-intake workflow.
 *
 * SCALE_STACK=prod-shape: the Temporal server and PostgreSQL of `scripts/prod-shape.sh` (started if not running; the
 * bench uses a database `scale_bench` of its own on that cluster) instead of a dev server and a throw-away cluster.
 *
 * Targets (issue 18, 1,000 connections on one worker at the 2 s cadence): RSS ≤ 1 GiB, idle CPU ≤ 50 % of one core,
 * CPU per call ≤ 2× the floor, stock p50 ≤ 1.5 s / p95 ≤ 3 s, orders p50 ≤ 2 s / p95 ≤ 5 s, no backlog, Temporal
 * actions ≤ 10 per idle connection-hour. The workers get POLL_IDLE_MAX_SECONDS (default here 8; 0 = the fixed 2 s).
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../api/app';
import fs from 'node:fs';
import { generateDemoShop } from '../sandbox/demo-data';
import { openDb } from '../store/db';
import { makeKeyring } from '../store/secrets';
import { Store } from '../store/store';
import { codecFromEnv, dataConverterFor } from '../boot/codec';
import { parseAllowedOrigins } from '../domain/vendor-origins';
import { connectionWorkflowId, orderIntakeWorkflowId, pollShardWorkflowId, stockSyncWorkflowId } from '../workflows/ids';
import { shardCountFrom } from '../domain/poll-shards';
import { DEV_SERVER_SEARCH_ATTRIBUTE_ARGS } from '../workflows/search-attributes';
import { ProcSampler, percentile, summarize } from './lib/scale-proc';
import type { RecordedCall } from './lib/call-recorder';
import { startSandboxProcess } from './lib/sandbox-process';
import { runBench, sleep } from './lib/util';
import { freeLoopbackPort } from '../worker/metrics-server';
import { parseProdShapeEnv } from '../scripts/prod-shape-env';

const root = path.resolve(__dirname, '..');
const execFileAsync = promisify(execFile);
const num = (name: string, def: number) => (process.env[name] !== undefined ? Number(process.env[name]) : def);
const N = num('SCALE_CONNECTIONS', 1000);
const CONNECT_CONCURRENCY = num('SCALE_CONNECT_CONCURRENCY', 6);
const SETUP_BUDGET_S = num('SCALE_SETUP_BUDGET_SECONDS', 1800);
const IDLE_S = num('SCALE_IDLE_SECONDS', 60);
/** Set to a directory to write a V8 CPU profile of the worker over the idle phase. */
const PROFILE_DIR = process.env.SCALE_PROFILE_DIR ?? '';
const SETTLE_S = num('SCALE_SETTLE_SECONDS', 30);
const TRAFFIC_S = num('SCALE_TRAFFIC_SECONDS', 120);
const STOCK_RATE = num('SCALE_STOCK_PER_SECOND', 2);
const ORDER_RATE = num('SCALE_ORDERS_PER_SECOND', 0.5);
const BIG_SKUS = num('SCALE_BIG_SKUS', 10_000);
const BIG_BUDGET_S = num('SCALE_BIG_BUDGET_SECONDS', 600);
const POLL_IDLE_MAX = process.env.POLL_IDLE_MAX_SECONDS ?? '8';
/** Who polls (docs/architecture.md, Poll shards): shards (default) or per-connection. */
const POLL_MODE = process.env.POLL_MODE ?? 'shards';
/** Worker processes at the start; with 2, phases run with both, then the second stops and the rest run on one. */
const WORKERS = Math.max(1, num('SCALE_WORKERS', 1));
/** Seconds of the idle phase whose vendor calls are recorded and made again by the bare client (the CPU floor). */
const FLOOR_WINDOW_S = num('SCALE_FLOOR_SECONDS', 20);
const ENCRYPTION_KEY = 'scale-bench-encryption-key-0123456789';
const API_TOKEN = 'scale-bench-token';
const TASK_QUEUE = 'scale-bench';
/** Task-queue fairness (the connection and order workflows carry a fairness key per connection). */
const FAIRNESS_ARGS =
  process.env.SCALE_FAIRNESS === '0' ? [] : ['--dynamic-config-value', 'matching.enableFairness=true'];

const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

interface Shop {
  i: number;
  shopId: number;
  connectionId: string;
  sellerId: number;
  locationId: number;
  primaryWarehouse: number;
  /** Tracked, deny-policy variants linked to a Tiki SKU: safe probes for quantity deltas. */
  probes: { variantId: number; barcode: string; tikiProductId: number }[];
  busy: Set<number>;
}

async function json(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  stepMs = 100,
): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch {
      /* retry */
    }
    await sleep(stepMs);
  }
  return undefined;
}

async function pool<T>(
  items: T[],
  width: number,
  fn: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length && !stop()) await fn(items[next++]);
    }),
  );
}

/** The dev server's Prometheus endpoint (its `action` counter: what a hosted Temporal bills), set by startDevServer. */
let temporalMetricsUrl = '';
/** The dev server's pid (its CPU is printed beside the worker's), set by startDevServer. */
let temporalPid: number | undefined;

/** Sum of the dev server's `action` counter over every label set, or undefined when it cannot be read. */
async function temporalActions(): Promise<number | undefined> {
  if (!temporalMetricsUrl) return undefined;
  try {
    const text = await (await fetch(temporalMetricsUrl)).text();
    let sum = 0;
    for (const line of text.split('\n')) {
      const m = /^action(?:_total)?(?:\{[^}]*\})?\s+([0-9.eE+-]+)$/.exec(line);
      if (m) sum += Number(m[1]);
    }
    return sum;
  } catch {
    return undefined;
  }
}

/** A Temporal dev server (in memory) as a child process; its address. */
async function startDevServer(children: ChildProcess[]): Promise<string> {
  const cli = execFileSync('bash', [path.join(root, 'scripts/temporal.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const temporalPort = await freeLoopbackPort();
  const metricsPort = await freeLoopbackPort();
  temporalMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const temporal = spawn(
    cli,
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(temporalPort),
      '--log-level',
      'error',
      '--metrics-port',
      String(metricsPort),
      ...DEV_SERVER_SEARCH_ATTRIBUTE_ARGS,
      ...FAIRNESS_ARGS,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push(temporal);
  temporalPid = temporal.pid;
  return `127.0.0.1:${temporalPort}`;
}

/** A throw-away PostgreSQL cluster of the bench's own (scripts/postgres.sh), stopped by the cleanups; its URL. */
function startBenchPostgres(pgEnv: NodeJS.ProcessEnv, cleanups: (() => Promise<unknown>)[]): string {
  const pgOut = execFileSync('bash', [path.join(root, 'scripts/postgres.sh'), 'start'], {
    env: pgEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const databaseUrl = /DATABASE_URL=(\S+)/.exec(pgOut)?.[1];
  if (!databaseUrl) throw new Error(`no DATABASE_URL from postgres.sh: ${pgOut}`);
  cleanups.push(async () =>
    execFileSync('bash', [path.join(root, 'scripts/postgres.sh'), 'stop'], { env: pgEnv, stdio: 'ignore' }),
  );
  return databaseUrl;
}

/** A database of the bench's own on the shape's cluster (created when missing); its URL. */
async function shapeDatabase(serviceUrl: string, name: string): Promise<string> {
  const db = await openDb({ databaseUrl: serviceUrl });
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [
    name,
  ]);
  if (rows[0].n === 0) await db.query(`CREATE DATABASE ${name}`);
  await db.close();
  const url = new URL(serviceUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Terminate every running workflow of the bench's task queue (the prod-shape server keeps them between runs). */
async function terminateBenchWorkflows(client: Client): Promise<void> {
  let n = 0;
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${TASK_QUEUE}' AND ExecutionStatus = 'Running'` })) {
    await client.workflow.getHandle(wf.workflowId, wf.runId).terminate('bench/scale: cleaning up').catch(() => undefined);
    n++;
  }
  if (n > 0) log(`terminated ${n} running workflows of task queue ${TASK_QUEUE}`);
}

async function main() {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const pgEnv = {
    ...process.env,
    PG_DATA_DIR: '/tmp/haravan-tiki-scale-pg',
    PG_PORT: process.env.SCALE_PG_PORT ?? '54341',
    PG_DATABASE: 'scale_bench',
  };
  try {
    log(`bench/scale: N=${N}, cores=${os.cpus().length}, load ${load()}, POLL_IDLE_MAX_SECONDS=${POLL_IDLE_MAX}, POLL_MODE=${POLL_MODE}`);

    const shape =
      process.env.SCALE_STACK === 'prod-shape'
        ? parseProdShapeEnv(
            execFileSync('bash', [path.join(root, 'scripts/prod-shape.sh'), 'start'], {
              encoding: 'utf8',
              stdio: ['ignore', 'pipe', 'inherit'],
            }),
          )
        : undefined;
    if (shape) log(`stack: prod-shape (Temporal server ${shape.temporalAddress} on PostgreSQL)`);
    // The shape's server counts the actions of every task queue: the service's own (idle) shops are counted too.
    if (shape?.temporalMetrics) temporalMetricsUrl = shape.temporalMetrics;

    // ---- PostgreSQL (its own cluster, or its own database on the shape's: other engineers use the default one)
    const databaseUrl = shape
      ? await shapeDatabase(shape.databaseUrl, 'scale_bench')
      : startBenchPostgres(pgEnv, cleanups);
    const store = new Store(await openDb({ databaseUrl }), makeKeyring(ENCRYPTION_KEY));
    // A clean database every run: cursors and queue codes of an earlier run point at sandboxes that are gone.
    await store.db.query('DROP SCHEMA IF EXISTS public CASCADE');
    await store.db.query('CREATE SCHEMA public');
    await store.migrate();
    cleanups.unshift(() => store.close());

    // ---- Temporal dev server (in memory), or the shape's server
    const address = shape ? shape.temporalAddress : await startDevServer(children);
    const connection = (await waitFor(() => Connection.connect({ address }), 60_000, 500))!;
    const client = new Client({ connection, namespace: 'default', dataConverter: dataConverterFor(ENCRYPTION_KEY) });
    cleanups.unshift(() => connection.close());
    if (shape) {
      // The shape's server outlives the run: what an earlier run (or an interrupted one) left running on the bench's
      // task queue goes first, and this run's goes at the end (its database is dropped above, its sandboxes die).
      await terminateBenchWorkflows(client);
      cleanups.unshift(() => terminateBenchWorkflows(client));
    }

    // ---- Sandboxes, each in its own process (every vendor call counted, a window of them recorded for the floor),
    // and the API in this process
    const haravan = await startSandboxProcess('haravan', { ...process.env, WORKER_CPU_PROFILE_DIR: PROFILE_DIR });
    cleanups.unshift(() => haravan.close());
    const tiki = await startSandboxProcess('tiki', { ...process.env, WORKER_CPU_PROFILE_DIR: PROFILE_DIR });
    cleanups.unshift(() => tiki.close());
    const vendorCalls = async () => (await haravan.served()) + (await tiki.served());
    const app = createApp({
      client,
      store,
      logger: pino({ level: 'warn' }),
      taskQueue: TASK_QUEUE,
      apiToken: API_TOKEN,
      webhookSecret: 'scale-bench-webhook',
      codec: codecFromEnv(ENCRYPTION_KEY),
      rateLimitPerMinute: 1_000_000,
      allowedVendorOrigins: parseAllowedOrigins(`${haravan.url},${tiki.url}`),
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.unshift(() => new Promise((r) => server.close(r)));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const api = (method: string, p: string, body?: unknown) =>
      json(method, apiUrl + p, body, { Authorization: `Bearer ${API_TOKEN}` });

    // ---- The workers, each its own process
    const spawnWorker = () => spawn(
      process.execPath,
      // `node --import tsx` (no tsx parent process): the sampled pid is the worker itself, and SIGUSR2 reaches it.
      ['--import', 'tsx', path.join(root, 'worker/main.ts')],
      {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: address,
          DATABASE_URL: databaseUrl,
          ENCRYPTION_KEY,
          TASK_QUEUE,
          LOG_LEVEL: 'warn',
          POLL_IDLE_MAX_SECONDS: POLL_IDLE_MAX,
          POLL_MODE,
          // A few shards per worker so that two workers share them evenly (the service's default is 4).
          POLL_SHARDS: process.env.POLL_SHARDS ?? '8',
          WORKER_CPU_PROFILE_DIR: PROFILE_DIR,
          // Per-connection polling: two poll activities per connection hold a slot each, room for them plus the real work.
          ...(POLL_MODE === 'per-connection' ? { WORKER_MAX_CONCURRENT_ACTIVITIES: process.env.WORKER_MAX_CONCURRENT_ACTIVITIES ?? String(2 * N + 300) } : {}),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const workers = Array.from({ length: WORKERS }, () => spawnWorker());
    children.unshift(...workers);
    const workerPid = workers[0].pid!;
    /** CPU and RSS of every running worker process, summed (one sampler per process). */
    const sampleWorkers = (procs: ChildProcess[]) => {
      const samplers = procs.map((w) => new ProcSampler(w.pid!).start());
      return {
        stop: () => {
          const r = samplers.map((x) => x.stop());
          return {
            cpuPercent: r.reduce((a, x) => a + x.cpuPercent, 0),
            perWorker: r.map((x) => x.cpuPercent.toFixed(1)).join(' + '),
            rssMaxMiB: r.reduce((a, x) => a + x.rssMaxMiB, 0),
            seconds: r[0].seconds,
          };
        },
      };
    };

    /**
     * CPU of the rest of the rig over the same window — each sandbox process, the Temporal dev server, PostgreSQL
     * (postmaster and backends) and this process (API, traffic probes): a saturated rig shows here, not as the worker's.
     */
    const sampleRig = () => {
      const pgPid = (() => {
        try {
          return Number(fs.readFileSync(path.join(pgEnv.PG_DATA_DIR, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
        } catch {
          return undefined;
        }
      })();
      const parts: [string, ProcSampler][] = [
        ['Haravan sandbox', new ProcSampler(haravan.child.pid!).start()],
        ['Tiki sandbox', new ProcSampler(tiki.child.pid!).start()],
        ...(shape || !temporalPid ? [] : ([['Temporal', new ProcSampler(temporalPid).start()]] as [string, ProcSampler][])),
        ...(shape || !pgPid ? [] : ([['PostgreSQL', new ProcSampler(pgPid).start()]] as [string, ProcSampler][])),
      ];
      const own = process.cpuUsage();
      const t = Date.now();
      return {
        stop: () => {
          const self = process.cpuUsage(own);
          const seconds = (Date.now() - t) / 1000;
          const line = parts.map(([name, smp]) => `${name} ${smp.stop().cpuPercent.toFixed(0)} %`);
          line.push(`bench (API, probes) ${((100 * (self.user + self.system)) / 1e6 / Math.max(seconds, 0.001)).toFixed(0)} %`);
          return `rig CPU: ${line.join(', ')}`;
        },
      };
    };

    // ---- 1. setup
    const t0 = Date.now();
    const shops: Shop[] = [];
    let setupStop = '';
    const setupErrors: string[] = [];
    const order = Array.from({ length: N }, (_, i) => i);
    const connectLat: number[] = [];
    await pool(
      order,
      CONNECT_CONCURRENCY,
      async (i) => {
        if ((Date.now() - t0) / 1000 > SETUP_BUDGET_S) {
          setupStop ||= `setup budget of ${SETUP_BUDGET_S} s spent`;
          return;
        }
        try {
          shops.push(await setupShop(i));
        } catch (err) {
          // A failed shop is counted and skipped; ten failures end the setup (the reason is printed).
          setupErrors.push(`shop ${i}: ${String(err).slice(0, 200)}`);
          if (setupErrors.length >= 10) setupStop ||= `10 shops failed, last ${setupErrors[setupErrors.length - 1]}`;
        }
        if (shops.length % 50 === 0)
          log(
            `setup: ${shops.length}/${N} connected and linked (${((Date.now() - t0) / 1000).toFixed(0)} s, load ${load()})`,
          );
      },
      () => !!setupStop,
    );
    log(
      `setup: ${shops.length}/${N} connections in ${((Date.now() - t0) / 1000).toFixed(0)} s${setupStop ? ` — stopped: ${setupStop}` : ''}; ${setupErrors.length} failed${setupErrors.length ? ` (first: ${setupErrors[0]})` : ''}; connect+link per shop ${summarize(connectLat)}`,
    );
    if (shops.length === 0) throw new Error('no connection could be set up');

    async function setupShop(i: number): Promise<Shop> {
      const shopId = 210_000_000_000 + i;
      const sellerId = 300_000 + i;
      const accessToken = `hrv-scale-${shopId}`;
      const creds = { sellerId, clientId: `tiki-scale-${shopId}`, clientSecret: `tiki-secret-${shopId}` };
      const demo = generateDemoShop({ seed: 7, shopId, products: 0, accessToken, tiki: creds });
      const started = Date.now();
      const h = await json('POST', `${haravan.url}/_sandbox/shops`, demo.haravan);
      if (h.status >= 300) throw new Error(`seed haravan ${h.status} ${JSON.stringify(h.body).slice(0, 200)}`);
      const t = await json('POST', `${tiki.url}/_sandbox/sellers`, demo.tiki);
      if (t.status >= 300) throw new Error(`seed tiki ${t.status} ${JSON.stringify(t.body).slice(0, 200)}`);
      const c = await api('POST', '/v1/connections', {
        shopId,
        haravan: { accessToken, baseUrl: haravan.url },
        tiki: { clientId: creds.clientId, clientSecret: creds.clientSecret, baseUrl: tiki.url },
      });
      if (c.status !== 201) throw new Error(`connect ${c.status} ${JSON.stringify(c.body).slice(0, 200)}`);
      const connectionId = c.body.id as string;
      const run = await api('POST', `/v1/connections/${connectionId}/link-runs`, { all: true });
      if (run.status >= 300) throw new Error(`link run ${run.status}`);
      const done = await waitFor(
        async () => {
          const r = await store.getLinkRun(connectionId, run.body.runId);
          return r && r.state !== 'running' ? r.state : undefined;
        },
        300_000,
        250,
      );
      if (done !== 'completed') throw new Error(`link run ${done ?? 'timed out'}`);
      connectLat.push(Date.now() - started);
      const links = await store.getLinks(connectionId);
      const variants = demo.haravan.products.flatMap((p: any) => p.variants) as any[];
      const okVariant = new Set(
        variants.filter((v) => v.inventory_management === 'haravan' && v.inventory_policy === 'deny').map((v) => v.id),
      );
      return {
        i,
        shopId,
        connectionId,
        sellerId,
        locationId: demo.haravan.locations.find((l: any) => l.is_primary)!.id,
        primaryWarehouse: demo.tiki.warehouses.find((w: any) => w.is_primary)!.id,
        probes: links
          .filter((l) => okVariant.has(l.haravanVariantId))
          .map((l) => ({ variantId: l.haravanVariantId, barcode: l.barcode, tikiProductId: l.tikiProductId })),
        busy: new Set(),
      };
    }

    // By the linked Tiki product id: an original_sku can name several Tiki products (the demo shops have an
    // inactive duplicate of one), and the sandbox's lookup by original_sku answers with the first of them.
    const tikiQty = async (s: Shop, p: { tikiProductId: number }): Promise<number | undefined> => {
      const r = await json('GET', `${tiki.url}/_sandbox/sellers/${s.sellerId}/skus`);
      const sku = (r.body?.skus ?? []).find((x: any) => x.product_id === p.tikiProductId);
      return sku?.stocks?.find((x: any) => x.warehouse_id === s.primaryWarehouse)?.quantity_available;
    };

    // ---- traffic generator (used by phases 3 and 4)
    const traffic = async (seconds: number, among: Shop[]) => {
      const stockMs: number[] = [];
      const orderMs: number[] = [];
      let stockWrong = 0;
      let stockLost = 0;
      let orderLost = 0;
      let stockLostSettled = 0;
      const lostSamples: string[] = [];
      let orderRefused = 0;
      let refusedSample = '';
      const inflight: Promise<void>[] = [];
      const end = Date.now() + seconds * 1000;
      const pick = () => among[Math.floor(Math.random() * among.length)];
      const stockProbe = async () => {
        const s = pick();
        const p = s.probes.filter((x) => !s.busy.has(x.variantId))[
          0 + Math.floor(Math.random() * Math.max(1, s.probes.length - s.busy.size))
        ];
        if (!p) return;
        s.busy.add(p.variantId);
        try {
          const before = await tikiQty(s, p);
          // Only variants with a positive quantity on Tiki: a negative or zero stock stays 0 after a small delta.
          if (!before || before <= 0) {
            s.probes = s.probes.filter((x) => x !== p);
            return;
          }
          const delta = 1 + Math.floor(Math.random() * 5);
          const at = Date.now();
          await json('POST', `${haravan.url}/_sandbox/shops/${s.shopId}/inventory`, {
            variantId: p.variantId,
            locationId: s.locationId,
            delta,
          });
          const after = await waitFor(
            async () => {
              const q = await tikiQty(s, p);
              return q !== undefined && q !== before ? { q } : undefined;
            },
            60_000,
            100,
          );
          if (!after) {
            stockLost++;
            // Tell a change that never reached Tiki from one cancelled out meanwhile (e.g. an order on the same
            // variant): compare Tiki with what Haravan holds now (deny policy, all locations, default config).
            const v = await json('GET', `${haravan.url}/com/variants/${p.variantId}.json`, undefined, {
              Authorization: `Bearer hrv-scale-${s.shopId}`,
            });
            const target = Math.max(0, Number(v.body?.variant?.inventory_quantity ?? NaN));
            const now = await tikiQty(s, p);
            if (now === target) stockLostSettled++;
            else
              lostSamples.push(
                `shop ${s.shopId} variant ${p.variantId}: Tiki ${before} → ${now}, Haravan now ${target} (edit +${delta})`,
              );
          } else {
            stockMs.push(Date.now() - at);
            if (before !== undefined && after.q !== before + delta) stockWrong++;
          }
        } finally {
          s.busy.delete(p.variantId);
        }
      };
      const orderProbe = async () => {
        const s = pick();
        const p = s.probes[Math.floor(Math.random() * s.probes.length)];
        const at = Date.now();
        const o = await json('POST', `${tiki.url}/_sandbox/sellers/${s.sellerId}/orders`, {
          items: [{ original_sku: p.barcode, qty: 1 }],
          customer: {
            full_name: 'Khách Bench',
            phone: `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
          },
        });
        if (o.status >= 300) {
          // Tiki refused the order itself (e.g. the probe SKU is not sellable any more): no order, nothing to lose.
          orderRefused++;
          refusedSample ||= `${o.status} ${JSON.stringify(o.body).slice(0, 160)}`;
          return;
        }
        const ok = await waitFor(
          async () => (await store.getOrder(s.connectionId, String(o.body.code)))?.haravanOrderId,
          90_000,
          150,
        );
        if (ok) orderMs.push(Date.now() - at);
        else orderLost++;
      };
      let nextStock = Date.now();
      let nextOrder = Date.now() + 500;
      while (Date.now() < end) {
        const now = Date.now();
        if (STOCK_RATE > 0 && now >= nextStock) {
          inflight.push(stockProbe().catch(() => void stockLost++));
          nextStock += 1000 / STOCK_RATE;
        }
        if (ORDER_RATE > 0 && now >= nextOrder) {
          inflight.push(orderProbe().catch(() => void orderLost++));
          nextOrder += 1000 / ORDER_RATE;
        }
        await sleep(20);
      }
      await Promise.all(inflight);
      return {
        stockMs,
        orderMs,
        stockWrong,
        stockLost,
        stockLostSettled,
        lostSamples,
        orderLost,
        orderRefused,
        refusedSample,
      };
    };

    const backlog = async () => {
      const out: string[] = [];
      for (const [name, type] of [
        ['workflow', 1],
        ['activity', 2],
      ] as const) {
        try {
          const r = await connection.workflowService.describeTaskQueue({
            namespace: 'default',
            taskQueue: { name: TASK_QUEUE, kind: 1 },
            taskQueueType: type,
            reportStats: true,
          });
          const stats = r.stats;
          out.push(
            `${name} backlog=${Number(stats?.approximateBacklogCount ?? 0)} age=${Number(stats?.approximateBacklogAge?.seconds ?? 0)}s`,
          );
        } catch (err) {
          out.push(`${name} backlog=? (${String(err).slice(0, 80)})`);
        }
      }
      return out.join(', ');
    };

    // ---- where the shard activities run (pid of the worker identity `<pid>@<host>`, per shard)
    const placement = async () => {
      const shards = shardCountFrom(process.env.POLL_SHARDS ?? '8');
      const on: string[] = [];
      for (let k = 0; k < shards; k++) {
        try {
          const d = await client.workflow.getHandle(pollShardWorkflowId(TASK_QUEUE, k)).describe();
          const act = d.raw.pendingActivities?.find((a) => a.activityType?.name === 'pollShard');
          on.push(String(act?.lastWorkerIdentity ?? '-').split('@')[0]);
        } catch {
          on.push('none');
        }
      }
      const counts = new Map<string, number>();
      for (const pid of on) counts.set(pid, (counts.get(pid) ?? 0) + 1);
      return `${shards} shards on ${[...counts].map(([pid, n]) => `pid ${pid}: ${n}`).join(', ')}`;
    };

    // ---- 2. idle (with the CPU floor: the recorded window's calls made again by a bare keep-alive client)
    const idlePhase = async (label: string, procs: ChildProcess[], withFloor: boolean) => {
      const sampler = sampleWorkers(procs);
      const rig = sampleRig();
      const actionsBefore = await temporalActions();
      const callsBefore = await vendorCalls();
      // Start the CPU profiles of the worker and the sandboxes (worker/cpu-profile.ts).
      if (PROFILE_DIR && withFloor) for (const pid of [workerPid, haravan.child.pid!, tiki.child.pid!]) process.kill(pid, 'SIGUSR2');
      let recorded: RecordedCall[] | undefined;
      let win: ReturnType<ReturnType<typeof sampleWorkers>['stop']> | undefined;
      if (withFloor && FLOOR_WINDOW_S > 0) {
        const windowSampler = sampleWorkers(procs);
        recorded = (await Promise.all([haravan.record(FLOOR_WINDOW_S * 1000), tiki.record(FLOOR_WINDOW_S * 1000)])).flat().sort((a, b) => a.atMs - b.atMs);
        win = windowSampler.stop();
        await sleep(Math.max(0, IDLE_S - FLOOR_WINDOW_S) * 1000);
      } else {
        await sleep(IDLE_S * 1000);
      }
      const idle = sampler.stop();
      const rigLine = rig.stop();
      const calls = (await vendorCalls()) - callsBefore;
      const actionsAfter = await temporalActions();
      const actionsLine =
        actionsBefore !== undefined && actionsAfter !== undefined
          ? `Temporal actions ${actionsAfter - actionsBefore} over ${idle.seconds.toFixed(0)} s = ${(((actionsAfter - actionsBefore) / shops.length) * (3600 / idle.seconds)).toFixed(1)} per idle connection-hour (POLL_MODE=${POLL_MODE}; target ≤ 10)`
          : 'Temporal actions: not read (no Temporal metrics)';
      let floorLine = '';
      if (recorded && win) {
        const workerCpuMs = (win.cpuPercent / 100) * win.seconds * 1000;
        const planFile = path.join(os.tmpdir(), `scale-floor-${process.pid}.json`);
        fs.writeFileSync(planFile, JSON.stringify({ bases: { haravan: haravan.url, tiki: tiki.url }, calls: recorded }));
        const out = (await execFileAsync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/lib/floor-client.ts'), planFile], { encoding: 'utf8', maxBuffer: 1 << 20 })).stdout;
        fs.rmSync(planFile, { force: true });
        const floor = JSON.parse(out.trim().split('\n').pop()!) as { calls: number; ok: number; cpuMs: number; seconds: number };
        const perCall = (workerCpuMs / Math.max(1, recorded.length)) * 1000;
        const floorPerCall = (floor.cpuMs / Math.max(1, floor.calls)) * 1000;
        const haravanCalls = recorded.filter((c) => c.vendor === 'haravan').length;
        floorLine =
          `FLOOR (${FLOOR_WINDOW_S} s of the idle phase: ${recorded.length} vendor calls, ${haravanCalls} Haravan + ${recorded.length - haravanCalls} Tiki, ${(recorded.length / win.seconds).toFixed(0)}/s): ` +
          `worker ${perCall.toFixed(0)} µs CPU per call (${win.cpuPercent.toFixed(1)} % of one core), ${((perCall * 3) / 1000).toFixed(2)} ms per idle round of 3 calls; ` +
          `the same calls by a bare keep-alive client: ${floorPerCall.toFixed(0)} µs per call (${floor.ok}/${floor.calls} answered ok in ${floor.seconds.toFixed(0)} s) → ratio ${(perCall / floorPerCall).toFixed(2)}× (target ≤ 2×)`;
      }
      if (PROFILE_DIR && withFloor) {
        for (const pid of [workerPid, haravan.child.pid!, tiki.child.pid!]) process.kill(pid, 'SIGUSR2');
        log(`idle CPU profile of the worker: ${PROFILE_DIR}/worker-${workerPid}-1.cpuprofile`);
      }
      log(
        `${label} (${shops.length} connections, ${procs.length} worker${procs.length > 1 ? 's' : ''}, ${idle.seconds.toFixed(0)} s, load ${load()}): worker CPU ${idle.cpuPercent.toFixed(1)} % of one core${procs.length > 1 ? ` (${idle.perWorker})` : ''}, RSS max ${idle.rssMaxMiB.toFixed(0)} MiB; vendor calls ${(calls / idle.seconds).toFixed(0)}/s; ${await backlog()}; ${actionsLine}; ${await placement()}`,
      );
      log(`  ${rigLine}`);
      if (floorLine) log(floorLine);
      return idle;
    };

    // ---- 3. traffic
    const trafficPhase = async (label: string, procs: ChildProcess[]) => {
      const sampler = sampleWorkers(procs);
      const rig = sampleRig();
      const backlogMid = setTimeout(async () => log(`traffic midpoint: ${await backlog()}`), (TRAFFIC_S * 1000) / 2);
      const tr = await traffic(TRAFFIC_S, shops);
      clearTimeout(backlogMid);
      const busy = sampler.stop();
      const rigLine = rig.stop();
      log(
        `${label} (${shops.length} connections, ${procs.length} worker${procs.length > 1 ? 's' : ''}, ${TRAFFIC_S} s, ${STOCK_RATE} stock edits/s + ${ORDER_RATE} orders/s, load ${load()}): worker CPU ${busy.cpuPercent.toFixed(1)} %${procs.length > 1 ? ` (${busy.perWorker})` : ''}, RSS max ${busy.rssMaxMiB.toFixed(0)} MiB; ${await backlog()}`,
      );
      log(`  ${rigLine}`);
      log(
        `  stock  Haravan edit → Tiki quantity: ${summarize(tr.stockMs)}, lost ${tr.stockLost} (${tr.stockLostSettled} of them equal to Haravan's value when given up: cancelled out meanwhile), wrong value ${tr.stockWrong} (target p50 ≤ 1.50 s, p95 ≤ 3.00 s)${tr.lostSamples.length ? `\n    not on Tiki: ${tr.lostSamples.slice(0, 5).join('; ')}` : ''}`,
      );
      log(
        `  orders Tiki order → Haravan order:   ${summarize(tr.orderMs)}, lost ${tr.orderLost} (target p50 ≤ 2.00 s, p95 ≤ 5.00 s)${tr.orderRefused ? `; ${tr.orderRefused} refused by Tiki when placed (${tr.refusedSample})` : ''}`,
      );
      return { tr, busy };
    };

    log(`settling ${SETTLE_S} s (initial pushes, first polls)…`);
    await sleep(SETTLE_S * 1000);
    if (workers.length > 1) {
      await idlePhase('IDLE', workers, false);
      await trafficPhase('TRAFFIC', workers);
      // The others stop (SIGTERM: their shard activities wind down and start again on the first worker).
      for (const w of workers.slice(1)) {
        w.kill('SIGTERM');
        await new Promise<void>((r) => (w.exitCode !== null ? r() : w.once('exit', () => r())));
      }
      log(`stopped ${workers.length - 1} worker(s): the rest runs on pid ${workerPid}; settling ${SETTLE_S} s`);
      await sleep(SETTLE_S * 1000);
    }
    const idle = await idlePhase('IDLE', [workers[0]], true);
    const { tr, busy } = await trafficPhase('TRAFFIC', [workers[0]]);

    // ---- 4. fairness: a big merchant working while the small ones trade
    if (BIG_SKUS > 0) {
      const bigProducts = Math.ceil(BIG_SKUS / 2.5);
      const bigId = 219_999_099_999; // its own id slot (demo ids derive from shopId % 100,000): no clash with the small shops
      const creds = { sellerId: 399_999, clientId: 'tiki-scale-big', clientSecret: 'tiki-secret-big' };
      const demo = generateDemoShop({
        seed: 9,
        shopId: bigId,
        products: bigProducts,
        accessToken: 'hrv-scale-big',
        tiki: creds,
      });
      const variants = demo.haravan.products.reduce((a: number, p: any) => a + p.variants.length, 0);
      log(
        `fairness: seeding a big merchant with ${demo.haravan.products.length} products / ${variants} variants / ${demo.tiki.products.length} Tiki SKUs…`,
      );
      const hs = await json('POST', `${haravan.url}/_sandbox/shops`, demo.haravan);
      if (hs.status >= 300)
        throw new Error(`big merchant: seed haravan ${hs.status} ${JSON.stringify(hs.body).slice(0, 200)}`);
      const ts = await json('POST', `${tiki.url}/_sandbox/sellers`, demo.tiki);
      if (ts.status >= 300)
        throw new Error(`big merchant: seed tiki ${ts.status} ${JSON.stringify(ts.body).slice(0, 200)}`);
      const c = await api('POST', '/v1/connections', {
        shopId: bigId,
        haravan: { accessToken: 'hrv-scale-big', baseUrl: haravan.url },
        tiki: { clientId: creds.clientId, clientSecret: creds.clientSecret, baseUrl: tiki.url },
      });
      if (c.status !== 201)
        throw new Error(`big merchant: connect answered ${c.status} ${JSON.stringify(c.body).slice(0, 300)}`);
      const bigConn = c.body.id as string;
      const bigStarted = Date.now();
      const run = await api('POST', `/v1/connections/${bigConn}/link-runs`, { all: true });
      if (run.status !== 202)
        throw new Error(`big merchant: link run answered ${run.status} ${JSON.stringify(run.body).slice(0, 300)}`);
      const bigSampler = new ProcSampler(workerPid).start();
      let bigDone: string | undefined;
      let pushNowAt: number | undefined;
      const watcher = (async () => {
        bigDone = await waitFor(
          async () => {
            const r = await store.getLinkRun(bigConn, run.body.runId);
            return r && r.state !== 'running' ? r.state : undefined;
          },
          BIG_BUDGET_S * 1000,
          1000,
        );
        if (bigDone === 'completed') {
          pushNowAt = Date.now();
          await api('POST', `/v1/connections/${bigConn}/stock-pushes`, {});
        }
      })();
      const during = await traffic(Math.min(BIG_BUDGET_S, TRAFFIC_S), shops);
      await watcher;
      const big = bigSampler.stop();
      const linked = (await store.counts(bigConn)).linkedVariants;
      log(
        `FAIRNESS (big merchant ${variants} variants: link run ${bigDone ?? 'still running'} after ${((Date.now() - bigStarted) / 1000).toFixed(0)} s, ${linked} linked${pushNowAt ? ', then a full push' : ''}; load ${load()}): worker CPU ${big.cpuPercent.toFixed(1)} %, RSS max ${big.rssMaxMiB.toFixed(0)} MiB; ${await backlog()}`,
      );
      log(
        `  small merchants' stock:  ${summarize(during.stockMs)}, lost ${during.stockLost}, wrong ${during.stockWrong}`,
      );
      log(
        `  small merchants' orders: ${summarize(during.orderMs)}, lost ${during.orderLost}${during.orderRefused ? `; ${during.orderRefused} refused by Tiki when placed` : ''}`,
      );
    }

    // ---- 5. histories
    const lengths: Record<string, number[]> = { connection: [], 'stock-sync': [], 'order-intake': [] };
    const sample = shops.length <= 200 ? shops : shops.filter((_, k) => k % Math.ceil(shops.length / 200) === 0);
    await pool(sample, 8, async (s) => {
      for (const [kind, id] of [
        ['connection', connectionWorkflowId(s.shopId)],
        ['stock-sync', stockSyncWorkflowId(s.shopId)],
        ['order-intake', orderIntakeWorkflowId(s.shopId)],
      ] as const) {
        const d = await client.workflow.getHandle(id).describe();
        lengths[kind].push(d.historyLength);
      }
    });
    for (const [kind, v] of Object.entries(lengths)) {
      log(
        `HISTORY ${kind} (current run, ${v.length} sampled): p50=${percentile(v, 50)} p95=${percentile(v, 95)} max=${Math.max(...v)} events (continue-as-new at 1000)`,
      );
    }
    const rss = Math.max(idle.rssMaxMiB, busy.rssMaxMiB);
    log(
      `SUMMARY ${shops.length}/${N} connections: RSS max ${rss.toFixed(0)} MiB (${rss <= 1024 ? 'ok' : 'OVER'} ≤ 1024), idle CPU ${idle.cpuPercent.toFixed(1)} % (${idle.cpuPercent <= 50 ? 'ok' : 'OVER'} ≤ 50), stock p50/p95 ${(percentile(tr.stockMs, 50) / 1000).toFixed(2)}/${(percentile(tr.stockMs, 95) / 1000).toFixed(2)} s, orders p50/p95 ${(percentile(tr.orderMs, 50) / 1000).toFixed(2)}/${(percentile(tr.orderMs, 95) / 1000).toFixed(2)} s`,
    );
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await sleep(2000);
    for (const c of cleanups) await c().catch(() => undefined);
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  }
}

runBench(main);
