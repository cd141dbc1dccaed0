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
import { makeKeyring } from '../../store/secrets';
import { Store } from '../../store/store';
import { startHaravanSandbox } from '../../sandbox/haravan/app';
import { startTikiSandbox } from '../../sandbox/tiki/app';
import { dataConverterFor, codecFromEnv } from '../../boot/codec';
import { createAppWorker, installRuntime } from '../../worker/temporal';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { temporalCliPath } from './temporal-cli';
import { parseAllowedOrigins } from '../../domain/vendor-origins';

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

  const app = createApp({
    client,
    store,
    logger,
    taskQueue,
    apiToken: token,
    webhookSecret: opts.webhookSecret ?? 'test-webhook-secret',
    codec: codecFromEnv(encryptionKey),
    codecCorsOrigins: ['http://localhost:8233'],
    rateLimitPerMinute: opts.rateLimitPerMinute ?? 20_000,
    allowedVendorOrigins: parseAllowedOrigins(opts.allowedVendorOrigins ?? 'http://127.0.0.1:*'),
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const stack: TestStack = {
    env,
    client,
    store,
    taskQueue,
    token,
    apiUrl,
    haravan,
    tiki,
    get worker() {
      return worker;
    },
    async startWorker() {
      worker = (await createAppWorker({ address: '', connection: env.nativeConnection, namespace: 'default', taskQueue, store, client, logger, encryptionKey })).worker;
      running = worker.run();
    },
    async stopWorker() {
      if (!worker) return;
      worker.shutdown();
      await running;
      worker = undefined;
    },
    async api(method, path, body, headers = {}) {
      const res = await fetch(apiUrl + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
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
  if (opts.worker !== false) await stack.startWorker();
  return stack;
}

/** Poll until fn returns a truthy value (or throw after timeoutMs). */
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
