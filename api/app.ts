/** The express app: security headers, body limits, rate limiting, auth and shop scope on /v1 (api/security.ts), routes, error shape. */
import express from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import client from 'prom-client';
import type { ApiDeps } from './context';
import { ApiError, errorHandler } from './errors';
import { authenticate } from './security';
import { scopeGuard } from './routes/connection-access';
import { registerStoreGauges } from './metrics';
import { dashboardApiRoutes, dashboardRoutes } from './routes/app';
import { auditRoutes } from './routes/audit';
import { chartRoutes } from './routes/charts';
import { connectionRoutes } from './routes/connections';
import { failureRoutes } from './routes/failures';
import { installRoutes } from './routes/install';
import { startSession } from './session';
import { linkRoutes } from './routes/links';
import { orderBatchRoutes } from './routes/order-batches';
import { orderRoutes } from './routes/orders';
import { publicationRoutes } from './routes/publications';
import { sessionRoutes } from './routes/session';
import { systemRoutes } from './routes/system';
import { webhookRoutes } from './routes/webhooks';

const httpHistogram =
  (client.register.getSingleMetric('api_request_duration_seconds') as client.Histogram<string> | undefined) ??
  new client.Histogram({ name: 'api_request_duration_seconds', help: 'API request duration', labelNames: ['method', 'route', 'status'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30] });

export function createApp(deps: ApiDeps): express.Express {
  registerStoreGauges(deps.store);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: false }));
  app.use((req, res, next) => {
    const end = httpHistogram.startTimer({ method: req.method });
    res.on('finish', () => end({ route: (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : req.baseUrl || req.path), status: String(res.statusCode) }));
    next();
  });

  // Webhooks read the raw body themselves (HMAC first).
  app.use(webhookRoutes(deps));
  app.use(systemRoutes(deps));
  app.use(dashboardRoutes(deps));
  app.use(installRoutes(deps, startSession));

  const v1 = express.Router();
  v1.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMinute ?? 600,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (_req, _res, next) => next(new ApiError(429, 'RATE_LIMITED')),
    }),
  );
  // Who calls (operator, per-shop token, merchant session + CSRF), then a one-shop caller kept to its shop.
  v1.use(authenticate(deps));
  v1.use(express.json({ limit: '256kb' }));
  v1.use(scopeGuard());
  v1.use(sessionRoutes(deps));
  v1.use(connectionRoutes(deps));
  v1.use(linkRoutes(deps));
  v1.use(failureRoutes(deps));
  v1.use(orderRoutes(deps));
  v1.use(auditRoutes(deps));
  v1.use(orderBatchRoutes(deps));
  v1.use(publicationRoutes(deps));
  v1.use(dashboardApiRoutes(deps));
  v1.use(chartRoutes(deps));
  app.use('/v1', v1);

  app.use((_req, _res, next) => next(new ApiError(404, 'NOT_FOUND')));
  app.use(errorHandler(deps.logger));
  return app;
}
