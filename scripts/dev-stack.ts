/**
 * `npm start`: the whole service on embedded defaults, in the foreground.
 *
 *   Temporal dev server (+ Web UI, persisted under DATA_DIR) unless TEMPORAL_ADDRESS is set
 *   PGlite under DATA_DIR, shared with the worker process over a local Postgres-protocol socket
 *   Haravan + Tiki sandboxes with a demo shop (unless SANDBOX=off), the service registered with the Haravan one as
 *     a Haravan app (GET /install; unless HARAVAN_APP_CLIENT_ID names the operator's own app, boot/demo-app.ts)
 *   the worker as a child process, restarted if it dies (killing it loses nothing)
 *   the HTTP API in this process
 *
 * Ctrl-C / SIGTERM stops all of it; a second start keeps the data, the token and the keys.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createApp } from '../api/app';
import { openDb, pgliteDir, PgliteDb } from '../store/db';
import { keyringFromEnv } from '../store/secrets';
import { Store } from '../store/store';
import { startSandboxes, RunningSandboxes } from '../sandbox/main';
import { codecFromEnv } from '../boot/codec';
import { readEnv } from '../boot/env';
import { devStackApp, haravanAppEnv, installLine } from '../boot/demo-app';
import { createLogger } from '../boot/logger';
import { connectClient } from '../boot/temporal';
import { DEV_SERVER_SEARCH_ATTRIBUTE_ARGS } from '../workflows/search-attributes';
import { freeLoopbackPort } from '../worker/metrics-server';
import { nodeTsArgs } from './node-ts';
import { parseAllowedOrigins } from '../domain/vendor-origins';

/** A loopback URL's origin under both names, `localhost` and `127.0.0.1`. */
const loopbackTwins = (url: string): string[] => {
  const u = new URL(url);
  return ['localhost', '127.0.0.1'].includes(u.hostname) ? ['localhost', '127.0.0.1'].map((h) => `${u.protocol}//${h}:${u.port}`) : [u.origin];
};

const root = path.resolve(__dirname, '..');

function persistedSecret(file: string, make: () => string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const value = make();
  fs.writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}

async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host, () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} did not open in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}


async function main(): Promise<void> {
  const env = readEnv();
  const log = createLogger('dev-stack', env.logLevel);
  fs.mkdirSync(env.dataDir, { recursive: true });
  const apiToken = env.apiToken ?? persistedSecret(path.join(env.dataDir, 'api-token'), () => crypto.randomBytes(24).toString('base64url'));
  const encryptionKey = env.encryptionKey ?? persistedSecret(path.join(env.dataDir, 'encryption-key'), () => crypto.randomBytes(32).toString('base64'));
  const webhookSecret = env.haravanWebhookSecret ?? persistedSecret(path.join(env.dataDir, 'webhook-secret'), () => crypto.randomBytes(24).toString('base64url'));
  process.env.ENCRYPTION_KEY = encryptionKey;

  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;

  // ---- Temporal
  const temporalPort = Number(process.env.TEMPORAL_PORT ?? 7233);
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let uiUrl: string | undefined;
  if (!temporalAddress) {
    const cli = execFileSync('bash', [path.join(root, 'scripts/temporal.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const args = [
      'server', 'start-dev',
      '--db-filename', path.join(env.dataDir, 'temporal.db'),
      '--ip', '127.0.0.1',
      '--port', String(temporalPort),
      '--ui-port', String(uiPort),
      '--namespace', env.temporalNamespace,
      '--log-level', 'warn',
      '--ui-codec-endpoint', `http://localhost:${env.apiPort}/codec`,
      ...DEV_SERVER_SEARCH_ATTRIBUTE_ARGS,
    ];
    const temporal = spawn(cli, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(temporal);
    temporal.on('exit', (code) => {
      if (!stopping) {
        log.error({ code }, 'Temporal dev server exited');
        void shutdown(1);
      }
    });
    temporalAddress = `127.0.0.1:${temporalPort}`;
    uiUrl = `http://localhost:${uiPort}`;
    await waitForPort(temporalPort);
  }

  // ---- Database: PGlite in this process, shared with the worker through a Postgres-protocol socket.
  let databaseUrl = env.databaseUrl;
  let db;
  if (!databaseUrl) {
    db = (await openDb({ dataDir: pgliteDir(env.dataDir) })) as PgliteDb;
    const pgPort = await freeLoopbackPort();
    const socket = new PGLiteSocketServer({ db: db.pglite, host: '127.0.0.1', port: pgPort, maxConnections: 16 });
    await socket.start();
    cleanups.push(() => socket.stop());
    databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/postgres?sslmode=disable`;
  } else {
    db = await openDb({ databaseUrl });
  }
  const store = new Store(db, keyringFromEnv(process.env, encryptionKey));
  await store.migrate();
  cleanups.push(() => store.close());

  // ---- Sandboxes
  let sandboxes: RunningSandboxes | undefined;
  if ((process.env.SANDBOX ?? 'on') !== 'off') {
    sandboxes = await startSandboxes({
      dataDir: env.dataDir,
      haravanPort: Number(process.env.SANDBOX_HARAVAN_PORT ?? 8091),
      tikiPort: Number(process.env.SANDBOX_TIKI_PORT ?? 8092),
      log: (m) => log.info(m),
    });
    cleanups.unshift(() => sandboxes!.close());
  }

  // ---- The Haravan app: the operator's (HARAVAN_APP_*), else the demo app registered with the Haravan sandbox.
  // Its secret (also the HMAC key of the app's webhooks) is made once per data directory.
  const haravanApp = devStackApp({
    env: process.env,
    apiPort: env.apiPort,
    haravanSandboxUrl: sandboxes?.haravanUrl,
    demoSecret: () => persistedSecret(path.join(env.dataDir, 'haravan-app-secret'), () => crypto.randomBytes(24).toString('base64url')),
  });
  if (haravanApp?.registration) {
    const res = await fetch(`${sandboxes!.haravanUrl}/_sandbox/apps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(haravanApp.registration) });
    if (res.status !== 201) throw new Error(`registering the demo Haravan app with the sandbox failed: ${res.status} ${await res.text()}`);
  }

  // ---- Worker (child process, restarted when it dies)
  // The worker's /metrics is on by default here (WORKER_METRICS_PORT, 9464; `off` disables it).
  const workerMetricsPort = process.env.WORKER_METRICS_PORT ?? '9464';
  const workerMetrics = workerMetricsPort === 'off' ? undefined : `http://localhost:${workerMetricsPort}/metrics`;
  const workerEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: encryptionKey,
    TASK_QUEUE: env.taskQueue,
    WORKER_METRICS_PORT: workerMetrics ? workerMetricsPort : '',
    ...(haravanApp ? haravanAppEnv(haravanApp.settings) : {}),
  };
  let restarts = 0;
  const startWorker = () => {
    const w = spawn(process.execPath, nodeTsArgs(path.join(root, 'worker/main.ts')), { env: workerEnv, stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(w);
    w.on('exit', (code, signal) => {
      children.splice(children.indexOf(w), 1);
      if (stopping) return;
      restarts++;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(restarts, 6));
      log.warn({ code, signal, restartInMs: delay }, 'worker exited; restarting');
      setTimeout(startWorker, delay);
    });
    fs.writeFileSync(path.join(env.dataDir, 'worker.pid'), String(w.pid));
  };
  startWorker();

  // ---- API
  const client = await connectClient({ address: temporalAddress, namespace: env.temporalNamespace, encryptionKey });
  const app = createApp({
    client,
    store,
    logger: createLogger('api', env.logLevel),
    taskQueue: env.taskQueue,
    apiToken,
    webhookSecret,
    codec: codecFromEnv(encryptionKey),
    codecCorsOrigins: uiUrl ? [uiUrl, `http://127.0.0.1:${uiPort}`] : [],
    // The sandboxes (under both loopback names) beside what the operator allows.
    allowedVendorOrigins: [
      ...env.allowedVendorOrigins,
      ...parseAllowedOrigins(sandboxes ? [sandboxes.haravanUrl, sandboxes.tikiUrl].flatMap(loopbackTwins).join(',') : ''),
    ],
    haravanApp: haravanApp?.settings,
    // A merchant signed in through the install types only the Tiki key: its host is the Tiki sandbox here.
    tikiApiUrl: process.env.TIKI_API_URL || sandboxes?.tikiUrl,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(env.apiPort, resolve));
  cleanups.unshift(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanups.push(async () => client.connection.close());

  const api = `http://localhost:${env.apiPort}`;
  const demo = sandboxes
    ? `\n  Demo shop ${sandboxes.demo.shopId} — connect it with:\n    curl -s -X POST ${api}/v1/connections -H 'Authorization: Bearer ${apiToken}' -H 'Content-Type: application/json' \\\n      -d '${JSON.stringify({
        shopId: sandboxes.demo.shopId,
        haravan: { accessToken: sandboxes.demo.haravanToken, baseUrl: sandboxes.haravanUrl },
        tiki: { clientId: sandboxes.demo.tiki.clientId, clientSecret: sandboxes.demo.tiki.clientSecret, baseUrl: sandboxes.tikiUrl },
      })}'\n` +
      (haravanApp?.source === 'demo' ? installLine(haravanApp.settings, sandboxes.demo.shopId) : '')
    : '';
  process.stdout.write(
    `\nHaravan ⇄ Tiki sync is running\n` +
      `  API:             ${api}   (health: ${api}/healthz, reference: ${api}/docs)\n` +
      `  Dashboard:       ${api}/app\n` +
      `  Metrics:         ${api}/metrics (API)` + (workerMetrics ? `, ${workerMetrics} (worker)\n` : '\n') +
      `  API token:       ${apiToken}\n` +
      (uiUrl ? `  Temporal Web UI: ${uiUrl}\n  Temporal:        ${temporalAddress}\n` : `  Temporal:        ${temporalAddress}\n`) +
      (sandboxes ? `  Haravan sandbox: ${sandboxes.haravanUrl}\n  Tiki sandbox:    ${sandboxes.tikiUrl}\n` : '') +
      `  Data directory:  ${env.dataDir}\n` +
      demo +
      `\nCtrl-C stops everything.\n\n`,
  );

  async function shutdown(code = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info('stopping');
    // Worker first (it finishes in-flight tasks), then the Temporal server.
    for (const c of children.slice().reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    for (const fn of cleanups) await fn().catch((err) => log.warn({ err }, 'cleanup failed'));
    process.exit(code);
  }
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
