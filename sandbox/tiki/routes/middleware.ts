/** Authentication, per-seller rate limiting and Tiki-shaped error rendering for `/integration/**`. */
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../api-error';
import type { Identity } from '../services/auth';
import type { TikiSandboxState } from '../state';

/** Bearer token (OAuth) or `tiki-api` key; the Bearer wins when both are sent. */
export function authenticate(state: TikiSandboxState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const authorization = req.get('authorization');
    const key = req.get('tiki-api');
    let identity: Identity;
    if (authorization && /^bearer\s+/i.test(authorization)) {
      identity = state.auth.resolveBearer(authorization.replace(/^bearer\s+/i, '').trim());
    } else if (key) {
      identity = state.auth.resolveKey(key);
    } else {
      throw new ApiError(401, { errors: ['Unauthorized: missing access token'] });
    }
    if (identity.seller.active !== 1)
      throw new ApiError(403, { errors: ['Forbidden: the seller store is not active'] });
    res.locals.identity = identity;
    next();
  };
}

export function identityOf(res: Response): Identity {
  return res.locals.identity as Identity;
}

/** Fixed one-second windows per seller; over the limit → 429 with Retry-After (seconds to the next window). */
export class SellerRateLimiter {
  private windows = new Map<number, { start: number; count: number }>();

  constructor(
    private readonly limit: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  middleware() {
    return (_req: Request, res: Response, next: NextFunction): void => {
      const sellerId = identityOf(res).seller.id;
      const now = this.now();
      let w = this.windows.get(sellerId);
      if (!w || now - w.start >= 1000) {
        w = { start: now, count: 0 };
        this.windows.set(sellerId, w);
      }
      w.count++;
      const limit = this.limit();
      if (w.count > limit) {
        const retryAfter = Math.max(1, Math.ceil((w.start + 1000 - now) / 1000));
        throw new ApiError(
          429,
          { errors: [`Current rate limit is ${limit} request / per second / per seller`] },
          { 'Retry-After': String(retryAfter) },
        );
      }
      next();
    };
  }

  reset(): void {
    this.windows.clear();
  }
}

/** Render ApiErrors (and body-parser failures) in Tiki's shapes. */
export function errorHandler() {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    if (err instanceof ApiError) {
      res.status(err.status).set(err.headers).json(err.body);
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json({ errors: ['Invalid JSON body'] });
      return;
    }
    if (e?.status && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ errors: [e.message ?? 'Bad request'] });
      return;
    }
    res.status(500).json({ errors: [`Internal error: ${e?.message ?? String(err)}`] });
  };
}
