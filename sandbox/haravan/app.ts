/**
 * Contract-faithful Haravan Admin API simulator (see README.md for every choice made where the
 * real API is undocumented). Many shops at once, keyed by access token; in-memory state with
 * optional snapshot file; fault injection and call log from sandbox/common/faults.
 */
import express from 'express';
import { FaultInjector } from '../common/faults';
import { AccountsServer } from './accounts';
import { listenOnLoopback } from '../common/listen';
import { apiErrorHandler, apiRouter } from './api';
import { SandboxContext } from './context';
import { controlRouter } from './control';
import { SnapshotFile } from './persistence';
import { SandboxState } from './state';
import { WebhookDispatcher, WebhookOptions } from './webhooks';

export interface HaravanSandboxOptions {
  /** Leak rate of each shop's bucket (default 4/s). */
  leakPerSecond?: number;
  /** Bucket size of each shop (default 80). */
  bucketSize?: number;
  /** Seeds the fault PRNG and the id sequence. */
  seed?: number;
  /** Refuse orders for out-of-stock `deny` variants (default false: allow, stock goes negative). */
  rejectOutOfStock?: boolean;
  /** Persist the state to this JSON file after every change, and load it at start. */
  snapshotFile?: string;
  webhooks?: WebhookOptions;
  /**
   * Haravan's own request deadline (ms, default 60,000): a request the fault injector holds this long is abandoned
   * and never performed. Haravan documents none; 60 s is the usual gateway default (domain/order-create.ts).
   */
  requestDeadlineMs?: number;
}

export interface HaravanSandbox {
  app: express.Express;
  state: SandboxState;
  faults: FaultInjector;
  webhooks: WebhookDispatcher;
  context: SandboxContext;
  accounts: AccountsServer;
  /** Wait for pending webhook deliveries and snapshot writes; stop retries. */
  shutdown(): Promise<void>;
}

export function createHaravanSandbox(opts: HaravanSandboxOptions = {}): HaravanSandbox {
  const state = new SandboxState({ seed: opts.seed });
  const faults = new FaultInjector({ seed: opts.seed, requestDeadlineMs: opts.requestDeadlineMs ?? 60_000 });
  const webhooks = new WebhookDispatcher(opts.webhooks);
  const context = new SandboxContext(state, webhooks, {
    rateLimit: { bucketSize: opts.bucketSize ?? 80, leakPerSecond: opts.leakPerSecond ?? 4 },
    rejectOutOfStock: opts.rejectOutOfStock ?? false,
  });
  const accounts = new AccountsServer(context);
  const snapshot = opts.snapshotFile ? new SnapshotFile(opts.snapshotFile, state) : undefined;
  snapshot?.load();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (snapshot) {
    app.use((req, res, next) => {
      if (req.method !== 'GET') res.on('finish', () => snapshot.schedule());
      next();
    });
  }
  app.use('/_sandbox', faults.controlRouter());
  app.use(
    '/_sandbox',
    controlRouter(context, {
      onReset: () => {
        faults.clear();
        faults.clearCalls();
      },
    }),
  );
  app.use('/_sandbox', accounts.controlRouter());
  app.use(faults.middleware());
  app.use(accounts.router());
  app.use(apiRouter(context));
  app.use((_req, res) => {
    res.status(404).json({ errors: 'Not Found' });
  });
  app.use(apiErrorHandler);

  return {
    app,
    state,
    faults,
    webhooks,
    context,
    accounts,
    async shutdown() {
      await webhooks.close();
      await snapshot?.flush();
    },
  };
}

export interface RunningHaravanSandbox {
  url: string;
  sandbox: HaravanSandbox;
  close(): Promise<void>;
}

/** Listen on `port` (0 = any free port) on 127.0.0.1. */
export async function startHaravanSandbox(port: number, opts: HaravanSandboxOptions = {}): Promise<RunningHaravanSandbox> {
  const sandbox = createHaravanSandbox(opts);
  const { url, close } = await listenOnLoopback(sandbox.app, port, () => sandbox.shutdown());
  return { url, sandbox, close };
}
