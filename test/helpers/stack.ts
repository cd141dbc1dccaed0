/**
 * The real embedded stack for workflow and end-to-end tests: a Temporal dev server (the provisioned CLI,
 * through TestWorkflowEnvironment.createLocal), PGlite, the Haravan and Tiki sandboxes, a worker and the
 * HTTP API — all in this process except the Temporal server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../api/app';
import { openDb } from '../../store/db';
import { keyringFromEnv, makeKeyring } from '../../store/secrets';
import { Store } from '../../store/store';
import { startHaravanSandbox } from '../../sandbox/haravan/app';
import { startTikiSandbox } from '../../sandbox/tiki/app';
import { dataConverterFor, codecFromEnv } from '../../boot/codec';
import { createAppWorker, installRuntime } from '../../worker/temporal';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { temporalCliPath } from './temporal-cli';
import { parseAllowedOrigins } from '../../domain/vendor-origins';
import type { HaravanAppSettings } from '../../domain/haravan-app';

export interface StackOptions {
  encryptionKey?: string;
  webhookSecret?: string;
  /** Start the worker (default true). */
  worker?: boolean;
  haravanSandbox?: Parameters<typeof startHaravanSandbox>[1];
  tikiSandbox?: Parameters<typeof startTikiSandbox>[1];
  /** API requests per minute per client (default 20,000: tests and benchmarks poll hard; production default is 600). */
  rateLimitPerMinute?: number;
  /** Origins a connection baseUrl may name (default: any port on 127.0.0.1, where the sandboxes and test doubles listen). */
  allowedVendorOrigins?: string;
  /** Collect log lines (for secret scans). */
  logSink?: string[];
  /**
   * Run as a Haravan app against the sandbox's accounts server: PUBLIC_URL is the API under `localhost`, the
   * sandbox stays on `127.0.0.1` — another site, as Haravan is for the real service (test/helpers/install.ts).
   */
  haravanApp?: boolean;
}

export interface TestStack {
  env: TestWorkflowEnvironment;
  client: Client;
  store: Store;
  taskQueue: string;
  token: string;
  apiUrl: string;
  haravan: Awaited<ReturnType<typeof startHaravanSandbox>>;
  tiki: Awaited<ReturnType<typeof startTikiSandbox>>;
  worker?: Worker;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  /**
   * A key rotation's restart (README, Key rotation, step 1): the worker, the API and their client and store come
   * back with `encryptionKey` as ENCRYPTION_KEY and `previous` as ENCRYPTION_KEYS_PREVIOUS (set in process.env,
   * where the processes read it), on the same database and API port.
   */
  restartWithKeys(encryptionKey: string, previous: string[]): Promise<void>;
  /** Set with `haravanApp`: the settings the API and the worker run with. */
  haravanApp?: HaravanAppSettings;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<TestStack> {
  installRuntime();
  const encryptionKey = opts.encryptionKey ?? 'test-encryption-key-material-0123456789';
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: SEARCH_ATTRIBUTES, ui: false },
  });
  const client = new Client({ connection: env.connection, namespace: 'default', dataConverter: dataConverterFor(encryptionKey) });
  const db = await openDb({ dataDir: 'memory://' });
  const store = new Store(db, makeKeyring(encryptionKey));
  await store.migrate();
  const haravan = await startHaravanSandbox(0, opts.haravanSandbox);
  const tiki = await startTikiSandbox(0, opts.tikiSandbox);
  const taskQueue = `test-${Math.random().toString(36).slice(2, 8)}`;
  const token = 'test-api-token';
  const sink = opts.logSink;
  const logger = pino({ level: 'info' }, sink ? { write: (line: string) => void sink.push(line) } : pino.destination({ dest: '/dev/null', sync: false }));

  // Filled in once the API listens (PUBLIC_URL names its port); the API and the worker share this object.
  const haravanApp: HaravanAppSettings | undefined = opts.haravanApp
    ? { publicUrl: '', clientId: 'test-haravan-app', clientSecret: 'test-haravan-app-secret', accountsUrl: haravan.url, apiUrl: haravan.url, webhookUrl: haravan.url }
    : undefined;
  const serveApi = async (key: string, port = 0) => {
    const app = createApp({
      client: stack.client,
      store: stack.store,
      logger,
      taskQueue,
      apiToken: token,
      webhookSecret: opts.webhookSecret ?? 'test-webhook-secret',
      codec: codecFromEnv(key),
      codecCorsOrigins: ['http://localhost:8233'],
      rateLimitPerMinute: opts.rateLimitPerMinute ?? 20_000,
      allowedVendorOrigins: parseAllowedOrigins(opts.allowedVendorOrigins ?? 'http://127.0.0.1:*'),
      sessionCookieSecure: false, // plain http, like the embedded demo
      haravanApp,
      // A merchant of an installed shop types only the Tiki key: the operator's Tiki host is the sandbox.
      tikiApiUrl: haravanApp ? tiki.url : undefined,
    });
    const srv = http.createServer(app);
    await new Promise<void>((resolve) => srv.listen(port, '127.0.0.1', resolve));
    return srv;
  };
  let server: http.Server;
  let currentKey = encryptionKey;

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const stack: TestStack = {
    env,
    client,
    store,
    taskQueue,
    token,
    apiUrl: '',
    haravan,
    tiki,
    haravanApp,
    get worker() {
      return worker;
    },
    async startWorker() {
      worker = (await createAppWorker({ address: '', connection: env.nativeConnection, namespace: 'default', taskQueue, store: stack.store, client: stack.client, logger, encryptionKey: currentKey, haravanApp })).worker;
      running = worker.run();
    },
    async stopWorker() {
      if (!worker) return;
      worker.shutdown();
      await running;
      worker = undefined;
    },
    api: (method, path, body, headers = {}) => callApi(stack.apiUrl, token, method, path, body, headers),
    async restartWithKeys(key, previous) {
      const hadWorker = Boolean(worker);
      await stack.stopWorker();
      const port = (server.address() as AddressInfo).port;
      await new Promise((resolve) => server.close(resolve));
      process.env.ENCRYPTION_KEYS_PREVIOUS = previous.join(',');
      currentKey = key;
      stack.client = new Client({ connection: env.connection, namespace: 'default', dataConverter: dataConverterFor(key) });
      stack.store = new Store(stack.store.db, keyringFromEnv({ ENCRYPTION_KEY: key, ENCRYPTION_KEYS_PREVIOUS: process.env.ENCRYPTION_KEYS_PREVIOUS }));
      server = await serveApi(key, port);
      if (hadWorker) await stack.startWorker();
    },
    async stop() {
      await stack.stopWorker();
      await new Promise((resolve) => server.close(resolve));
      await haravan.close();
      await tiki.close();
      await env.teardown();
      await store.close();
    },
  };
  server = await serveApi(encryptionKey);
  stack.apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (haravanApp) {
    haravanApp.publicUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
    const res = await fetch(`${haravan.url}/_sandbox/apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        clientId: haravanApp.clientId,
        clientSecret: haravanApp.clientSecret,
        redirectUris: [`${haravanApp.publicUrl}/install/login`, `${haravanApp.publicUrl}/install/grant`],
        webhookUrl: `${stack.apiUrl}/webhooks/haravan`,
        topics: ['app/uninstalled', 'products/update', 'orders/create'],
      }),
    });
    if (res.status !== 201) throw new Error(`registering the app with the sandbox: ${res.status}`);
  }
  if (opts.worker !== false) await stack.startWorker();
  return stack;
}

/** Poll until fn returns a truthy value (or throw after timeoutMs). */
/** One authorised call to the service's API: a JSON body (a string goes as it is), the answer parsed when there is one. */
export async function callApi(baseUrl: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, stepMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
