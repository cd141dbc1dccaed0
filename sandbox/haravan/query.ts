/** Query-string and path parsing for the simulated endpoints (bad values → Haravan-style errors). */
import type { Request } from 'express';
import { ApiError, notFound, unprocessable } from './errors';

function raw(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string') return undefined;
  // A blank filter is treated as absent (observed: `sku=` returns an unfiltered page).
  return first.trim() === '' ? undefined : first.trim();
}

export function stringParam(req: Request, name: string): string | undefined {
  return raw(req, name);
}

export function intParam(req: Request, name: string, opts: { min?: number } = {}): number | undefined {
  const value = raw(req, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (opts.min ?? 0)) throw new ApiError(400, `${name} must be an integer`);
  return n;
}

export function idListParam(req: Request, name: string, max?: number): number[] | undefined {
  const value = raw(req, name);
  if (value === undefined) return undefined;
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n <= 0) throw unprocessable(`${name} must be a comma-separated list of ids`);
      return n;
    });
  if (max !== undefined && ids.length > max) throw unprocessable(`${name} accepts at most ${max} ids`);
  return ids;
}

/** Milliseconds since epoch of an ISO date parameter. */
export function dateParam(req: Request, name: string): number | undefined {
  const value = raw(req, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw unprocessable(`${name} is not a valid date`);
  return ms;
}

export function fieldsParam(req: Request): string[] | undefined {
  const value = raw(req, 'fields');
  return value
    ?.split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
}

/** Page/limit with the endpoint's cap (values above the cap are clamped, as observed for products). */
export function paging(req: Request, defaults: { limit: number; max: number }): { page: number; limit: number } {
  const page = intParam(req, 'page', { min: 1 }) ?? 1;
  const limit = Math.min(intParam(req, 'limit', { min: 1 }) ?? defaults.limit, defaults.max);
  return { page, limit };
}

export function pathId(req: Request, name = 'id'): number {
  const n = Number(req.params[name]);
  if (!Number.isInteger(n) || n <= 0) throw notFound();
  return n;
}

export function within(iso: string, min?: number, max?: number): boolean {
  const t = Date.parse(iso);
  return (min === undefined || t >= min) && (max === undefined || t <= max);
}
