/**
 * The API under fuzz (`scripts/fuzz.sh`): the embedded test stack (Temporal dev server, PGlite, sandboxes,
 * worker) with a connected demo shop, and the API on its own port wrapped in a recorder that, for every
 * request, notes server errors (5xx) and whether a *rejected* request (4xx) changed merchant-visible state.
 *
 * Prints one line `FUZZ_URL=… FUZZ_TOKEN=… FUZZ_CONNECTION=… FUZZ_HARAVAN_URL=… FUZZ_TIKI_URL=…` when ready;
 * `GET /_fuzz/report` answers the recorder's findings; SIGTERM stops everything.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { createApp } from '../../api/app';
import { codecFromEnv } from '../../boot/codec';
import { parseAllowedOrigins } from '../../domain/vendor-origins';
import { startStack } from '../helpers/stack';
import { connectBody, seedDemoShop } from '../helpers/seed';

interface Finding {
  method: string;
  path: string;
  status: number;
  body?: string;
  changed?: string[];
}

async function main(): Promise<void> {
  const stack = await startStack();
  const shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 20 });
  const connected = await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url));
  if (connected.status !== 201) throw new Error(`could not connect the demo shop: ${JSON.stringify(connected.body)}`);
  const connId = connected.body.id as string;

  /**
   * What a request handler itself writes: connections (state, config, attention), credentials (incl. pending ones),
   * link runs. Failed connect attempts (state `failed`, no credentials) and the audit trail are excluded, and so is
   * what background work writes later (links, sync errors, orders), which an earlier accepted request may cause.
   */
  // The demo connection lives on (its workflows may change its state in the background): it is compared only
  // around requests that address it; any other live connection must not appear or change.
  const fingerprint = async (demoToo: boolean) => {
    const q = async (sql: string, params: unknown[] = []) => JSON.stringify(await stack.store.db.query(sql, params));
    return {
      connections: await q("SELECT id, state, config::text AS c, attention::text AS a FROM connections WHERE state <> 'failed' AND ($1 OR id <> $2) ORDER BY id", [demoToo, connId]),
      credentials: await q('SELECT connection_id, ciphertext FROM credentials ORDER BY connection_id'),
      linkRuns: await q('SELECT count(*)::int AS n FROM link_runs'),
    };
  };
  const changedParts = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).filter((k) => a[k] !== b[k]);

  const serverErrors: Finding[] = [];
  const stateChanges: Finding[] = [];
  let requests = 0;
  let rejected = 0;
  // One request at a time, so a change seen around a request is that request's doing.
  let chain: Promise<void> = Promise.resolve();

  const api = createApp({
    client: stack.client,
    store: stack.store,
    logger: pino({ level: 'silent' }),
    taskQueue: stack.taskQueue,
    apiToken: stack.token,
    webhookSecret: 'fuzz-webhook-secret',
    codec: codecFromEnv('test-encryption-key-material-0123456789'),
    codecCorsOrigins: ['http://localhost:8233'],
    rateLimitPerMinute: 1_000_000,
    // Only the sandboxes: a generated baseUrl is a 400, nothing is contacted.
    allowedVendorOrigins: parseAllowedOrigins(`${stack.haravan.url},${stack.tiki.url}`),
  });
  const outer = express();
  outer.get('/_fuzz/report', (_req, res) => {
    res.json({ requests, rejected, serverErrors, stateChanges });
  });
  outer.use((req, res, next) => {
    const run = chain.then(async () => {
      requests++;
      const demoToo = req.originalUrl.includes(connId);
      const before = await fingerprint(demoToo);
      const chunks: Buffer[] = [];
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (chunk) chunks.push(Buffer.from(chunk as string));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
        return (end as (...a: unknown[]) => typeof res)(chunk, ...rest);
      }) as typeof res.end;
      await new Promise<void>((resolve) => {
        res.once('finish', resolve);
        res.once('close', resolve);
        next();
      });
      const finding = { method: req.method, path: req.originalUrl.slice(0, 300), status: res.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, 500) };
      if (res.statusCode >= 500) serverErrors.push(finding);
      if (res.statusCode >= 400 && res.statusCode < 500) {
        rejected++;
        const changed = changedParts(before, await fingerprint(demoToo));
        if (changed.length > 0) stateChanges.push({ ...finding, changed });
      }
    });
    chain = run.catch(() => undefined);
  });
  outer.use(api);
  const server = http.createServer(outer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`FUZZ_URL=${url} FUZZ_TOKEN=${stack.token} FUZZ_CONNECTION=${connId} FUZZ_HARAVAN_URL=${stack.haravan.url} FUZZ_TIKI_URL=${stack.tiki.url}\n`);

  const stop = async () => {
    server.close();
    await stack.stop().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
