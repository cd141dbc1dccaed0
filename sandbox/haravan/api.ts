/**
 * The simulated Admin API under `/com`: Bearer auth (401 + `WWW-Authenticate: Bearer`; the legacy
 * `X-Haravan-Access-Token` header is not accepted), the per-shop leaky bucket with
 * `X-Haravan-Api-Call-Limit` on every authenticated answer, scopes (403), JSON bodies only.
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import { catalogRoutes } from './api-catalog';
import { orderRoutes } from './api-orders';
import { SandboxContext, shopOf } from './context';
import { ApiError } from './errors';

export const CALL_LIMIT_HEADER = 'X-Haravan-Api-Call-Limit';

/**
 * Mounted without a path prefix: Express rewrites `req.url` inside prefixed routers, and the
 * shared fault injector reads `req.path` when a response finishes (its call log must see `/com/...`).
 */
export function apiRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  router.use((req, _res, next) => next(req.path.startsWith('/com/') ? undefined : 'router'));
  router.use(authenticate(ctx));
  router.use(throttle(ctx));
  router.use(requireScope);
  router.use(requireJsonBody, express.json({ limit: '5mb' }));
  router.use(catalogRoutes(ctx));
  router.use(orderRoutes(ctx));
  router.use((_req, _res, next) => next(new ApiError(404, 'Not Found')));
  return router;
}

function authenticate(ctx: SandboxContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const shop = match ? ctx.state.shopByToken(match[1]) : undefined;
    if (!shop) {
      next(
        new ApiError(401, '[API] Invalid API key or access token (unrecognized login or wrong password)', {
          'WWW-Authenticate': 'Bearer',
        }),
      );
      return;
    }
    res.locals.shop = shop;
    next();
  };
}

function throttle(ctx: SandboxContext) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const decision = ctx.bucketFor(shopOf(res)).take();
    res.setHeader(CALL_LIMIT_HEADER, `${decision.used}/${decision.size}`);
    if (!decision.allowed) {
      const retryAfter = (decision.retryAfterSeconds ?? 1).toFixed(1);
      next(new ApiError(429, 'Exceeded API rate limit, please retry later.', { 'Retry-After': retryAfter }));
      return;
    }
    next();
  };
}

/** Scope needed by a path: `com.read_<group>` for GET, `com.write_<group>` otherwise (write implies read). */
function scopeGroups(fullPath: string): string[] {
  const path = fullPath.replace(/^\/com/, '');
  if (path.startsWith('/shop')) return ['shop'];
  if (path.startsWith('/locations')) return ['shop', 'inventories'];
  if (path.startsWith('/products') || path.startsWith('/variants')) return ['products'];
  if (path.startsWith('/inventor')) return ['inventories'];
  if (path.startsWith('/orders')) return ['orders'];
  if (path.startsWith('/customers')) return ['customers'];
  return [];
}

function requireScope(req: Request, res: Response, next: NextFunction): void {
  const granted = shopOf(res).scopes;
  const groups = scopeGroups(req.path);
  if (granted === null || groups.length === 0) return next();
  const read = req.method === 'GET';
  const ok = groups.some((g) => granted.includes(`com.write_${g}`) || (read && granted.includes(`com.read_${g}`)));
  if (ok) return next();
  const needed = `com.${read ? 'read' : 'write'}_${groups[0]}`;
  next(new ApiError(403, `Forbidden: the access token lacks the ${needed} scope`));
}

function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if ((req.method === 'POST' || req.method === 'PUT') && hasBody && !req.is('application/json')) {
    next(new ApiError(400, 'Content-Type must be application/json'));
    return;
  }
  next();
}

/** Render ApiErrors (and body-parser failures) as Haravan `{"errors": ...}` answers. */
export function apiErrorHandler(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  if (err instanceof ApiError) {
    for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
    res.status(err.status).json({ errors: err.errors });
    return;
  }
  const parserError = err as { type?: string; status?: number; message?: string };
  if (parserError.type === 'entity.parse.failed') {
    res.status(400).json({ errors: 'The request body is not valid JSON' });
    return;
  }
  if (parserError.status && parserError.status >= 400 && parserError.status < 500) {
    res.status(parserError.status).json({ errors: parserError.message ?? 'Bad Request' });
    return;
  }
  res.status(500).json({ errors: 'Internal Server Error' });
}
