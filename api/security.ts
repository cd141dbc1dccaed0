/** Bearer token check in constant time, and the security middleware of the API. */
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './errors';

export function checkToken(header: string | undefined, token: string): boolean {
  if (!header || !header.startsWith('Bearer ')) return false;
  const given = crypto.createHash('sha256').update(header.slice(7).trim()).digest();
  const expected = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(given, expected);
}

export function requireBearer(token: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!checkToken(req.headers.authorization, token)) return next(new ApiError(401, 'UNAUTHORIZED'));
    next();
  };
}
