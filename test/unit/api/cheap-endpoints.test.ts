/**
 * Cheap endpoints stay cheap: /metrics reads the store's aggregates at most once per cache period however often
 * it is scraped; /healthz names the dependency that is down without echoing its error; GET /v1/connections is
 * paginated like every other list.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import type { Client } from '@temporalio/client';
import { DEFAULT_CONFIG } from '../../../domain/config';
import { openDb } from '../../../store/db';
import { makeKeyring } from '../../../store/secrets';
import { Store } from '../../../store/store';
import { registerStoreGauges } from '../../../api/metrics';
import { systemRoutes } from '../../../api/routes/system';
import { connectionRoutes } from '../../../api/routes/connections';
import { errorHandler } from '../../../api/errors';
import type { ApiDeps } from '../../../api/context';

jest.setTimeout(60_000);

let store: Store;
let server: http.Server;
let url: string;
let dbDown = false;
let snapshots = 0;
const logged: string[] = [];

beforeAll(async () => {
  store = new Store(await openDb({ dataDir: 'memory://' }), makeKeyring('cheap-endpoints-key-material-0123456789'));
  await store.migrate();
  for (let i = 1; i <= 7; i++) {
    await store.claimConnection({ id: `conn-${i}`, shopId: i, workflowId: `connection-${i}`, config: DEFAULT_CONFIG });
    await store.setConnectionState(`conn-${i}`, 'disconnected'); // no live workflow to ask
  }
  const realSnapshot = store.metricsSnapshot.bind(store);
  store.metricsSnapshot = async () => {
    snapshots++;
    return realSnapshot();
  };
  const realPing = store.ping.bind(store);
  store.ping = async () => {
    if (dbDown) throw new Error('connect ECONNREFUSED 10.1.2.3:5432 (password authentication failed for user "sync_prod")');
    return realPing();
  };
  const client = { connection: { workflowService: { getSystemInfo: async () => ({}) } }, workflow: { getHandle: () => ({}) } } as unknown as Client;
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
  const deps: ApiDeps = { client, store, logger, taskQueue: 'q', apiToken: 't' };
  registerStoreGauges(store, { cacheMs: 1_000 });
  const app = express();
  app.use(systemRoutes(deps));
  // The caller is the operator, as `authenticate` decides for the operator token (api/security.ts).
  const operator: express.RequestHandler = (_req, res, next) => ((res.locals.principal = { kind: 'operator' }), next());
  app.use('/v1', operator, express.json(), connectionRoutes(deps));
  app.use(errorHandler(logger));
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await store?.close();
});

test('/metrics: many scrapes within the cache period cost one read of the aggregates; the next period reads again', async () => {
  snapshots = 0;
  for (let i = 0; i < 10; i++) {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^sync_connections\{state="disconnected"\} 7$/m);
  }
  expect(snapshots).toBe(1);
  await new Promise((r) => setTimeout(r, 1_100));
  await fetch(`${url}/metrics`);
  expect(snapshots).toBe(2);
});

test('/healthz names the dependency that is down and none of its error text', async () => {
  const ok = await fetch(`${url}/healthz`);
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({ status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
  dbDown = true;
  try {
    const down = await fetch(`${url}/healthz`);
    expect(down.status).toBe(503);
    const text = await down.text();
    expect(JSON.parse(text)).toEqual({ status: 'degraded', checks: { database: 'down', temporal: 'ok' } });
    expect(text).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|sync_prod|password/);
    expect(logged.join('')).toContain('health check failed'); // the operator's copy
  } finally {
    dbDown = false;
  }
});

test('GET /v1/connections is paginated: page and limit, items and total; a wrong limit is a 400', async () => {
  const first = (await (await fetch(`${url}/v1/connections?limit=3`)).json()) as any;
  expect(first.total).toBe(7);
  expect(first.items.map((c: { id: string }) => c.id)).toEqual(['conn-1', 'conn-2', 'conn-3']);
  const last = (await (await fetch(`${url}/v1/connections?page=3&limit=3`)).json()) as any;
  expect(last.items.map((c: { id: string }) => c.id)).toEqual(['conn-7']);
  const all = (await (await fetch(`${url}/v1/connections`)).json()) as any;
  expect(all.items).toHaveLength(7); // default limit 50
  expect((await fetch(`${url}/v1/connections?limit=251`)).status).toBe(400);
  expect((await fetch(`${url}/v1/connections?other=1`)).status).toBe(400);
});
