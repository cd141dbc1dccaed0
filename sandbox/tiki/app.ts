/**
 * Contract-faithful Tiki Seller Open API simulator (see README.md beside this file for every choice made where
 * Tiki's behaviour is undocumented).
 *
 * Order of middleware: control API (`/_sandbox`, no auth, no faults) → fault injection → OAuth token endpoint →
 * `/integration/**` (auth → per-seller rate limit → routes) → Tiki-shaped error rendering.
 */
import express, { Express } from 'express';
import fs from 'node:fs';
import v8 from 'node:v8';
import { FaultInjector } from '../common/faults';
import { listenOnLoopback } from '../common/listen';
import type { SandboxSettings } from './context';
import { catalogRouter } from './routes/catalog';
import { controlRouter } from './routes/control';
import { LabelPlans, labelRouter } from './routes/labels';
import { authenticate, errorHandler, SellerRateLimiter } from './routes/middleware';
import { oauthRouter } from './routes/oauth';
import { ordersRouter } from './routes/orders';
import { productRequestControlRouter, productRequestRouter } from './routes/product-requests';
import { queuesRouter } from './routes/queues';
import { TikiSandboxState } from './state';

export interface TikiSandboxOptions extends Partial<SandboxSettings> {
  /** Seeds ids, tokens and fault probabilities (default 0x71c1). */
  seed?: number;
  /** Clock (tests). */
  now?: () => number;
  /** Persist the whole world to this file (v8 serialisation) after changes and load it at start (`npm start`). */
  snapshotFile?: string;
}

export interface TikiSandbox {
  app: Express;
  state: TikiSandboxState;
  faults: FaultInjector;
}

export function createTikiSandbox(opts: TikiSandboxOptions = {}): TikiSandbox {
  const { seed = 0x71c1, now, snapshotFile, ...settings } = opts;
  const state = new TikiSandboxState(seed, settings, now);
  if (snapshotFile && fs.existsSync(snapshotFile)) state.ctx.world = v8.deserialize(fs.readFileSync(snapshotFile));
  const faults = new FaultInjector({ seed });
  const limiter = new SellerRateLimiter(() => state.settings.rateLimitPerSecond, now);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '20mb' }));
  if (snapshotFile) {
    let timer: NodeJS.Timeout | undefined;
    const save = () => {
      timer = undefined;
      fs.writeFileSync(`${snapshotFile}.tmp`, v8.serialize(state.world));
      fs.renameSync(`${snapshotFile}.tmp`, snapshotFile);
    };
    app.use((req, res, next) => {
      if (req.method !== 'GET') res.on('finish', () => (timer ??= setTimeout(save, 200)));
      next();
    });
    persistOnClose.set(app, () => {
      if (timer) clearTimeout(timer);
      save();
    });
  }
  const labelPlans = new LabelPlans();
  app.use('/_sandbox', faults.controlRouter());
  app.use('/_sandbox', labelRouter(labelPlans));
  app.use(
    '/_sandbox',
    controlRouter(state, {
      onReset: () => {
        labelPlans.reset();
        limiter.reset();
        faults.clear();
        faults.clearCalls();
      },
    }),
  );
  app.use('/_sandbox', productRequestControlRouter(state.productRequests));
  app.use(faults.middleware());
  app.use(oauthRouter(state));
  // Routers carry full paths (not mounted under a prefix) so the call log records real paths.
  app.use('/integration', authenticate(state), limiter.middleware());
  app.use(catalogRouter(state));
  app.use(ordersRouter(state));
  app.use(queuesRouter(state));
  app.use(productRequestRouter(state.productRequests));
  app.use((req, res) => {
    res.status(404).json({ errors: [`No route ${req.method} ${req.path}`] });
  });
  app.use(errorHandler());
  return { app, state, faults };
}

const persistOnClose = new WeakMap<Express, () => void>();

export interface RunningTikiSandbox {
  url: string;
  sandbox: TikiSandbox;
  close(): Promise<void>;
}

/** Listen on `port` (0 = any free port) on 127.0.0.1. */
export async function startTikiSandbox(port = 0, opts: TikiSandboxOptions = {}): Promise<RunningTikiSandbox> {
  const sandbox = createTikiSandbox(opts);
  const { url, close } = await listenOnLoopback(sandbox.app, port, () => persistOnClose.get(sandbox.app)?.());
  return { url, sandbox, close };
}
