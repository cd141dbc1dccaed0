/** Classification of Tiki answers into ConnectorErrors (the shared model in connectors/errors.ts). */
import { ConnectorError } from '../errors';
import { HttpResponse, errorFromResponse } from '../http';
import { z } from 'zod';

/** Human text of a Tiki error body: `errors[]`, OAuth `error`/`error_description`, legacy `msg`, or `message`. */
export function tikiErrorText(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(o.errors)) parts.push(...o.errors.map(describeErrorItem).filter((s) => s.length > 0));
  else if (typeof o.errors === 'string') parts.push(o.errors);
  if (typeof o.error === 'string') {
    parts.push([o.error, o.error_description, o.error_hint].filter((s) => typeof s === 'string' && s).join(': '));
  } else if (o.error && typeof o.error === 'object') {
    parts.push(describeErrorItem(o.error));
  }
  if (typeof o.msg === 'string') parts.push(o.msg);
  if (typeof o.message === 'string' && parts.length === 0) parts.push(o.message);
  return parts.length ? parts.join('; ') : undefined;
}

function describeErrorItem(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    for (const k of ['message', 'msg', 'msg_eng', 'description']) if (typeof o[k] === 'string') return o[k] as string;
  }
  return JSON.stringify(item);
}

/** A ConnectorError for a non-2xx Tiki answer, carrying Tiki's own text. */
export function tikiErrorFromResponse(route: string, res: HttpResponse, prefix?: string): ConnectorError {
  const text = tikiErrorText(res.body);
  const message = `${prefix ? prefix + ': ' : ''}${route} answered ${res.status}${text ? `: ${text}` : ''}`;
  return errorFromResponse('tiki', route, res, message);
}

/** Legacy key: a 2xx whose body carries `msg` and/or `integration_status` means the seller paused the connection. */
export function pausedConnectionError(route: string, res: HttpResponse): ConnectorError | undefined {
  const body = res.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  if (!('integration_status' in o) && typeof o.msg !== 'string') return undefined;
  return new ConnectorError({
    system: 'tiki',
    code: 'CONNECTION_PAUSED',
    status: res.status,
    route,
    message: `Tiki connection paused by the seller (${route}): ${typeof o.msg === 'string' ? o.msg : 'integration paused'}`,
    details: body,
  });
}

/** A 2xx body that did not match the expected schema. */
export function badResponse(route: string, error: z.ZodError, body: unknown): ConnectorError {
  return new ConnectorError({
    system: 'tiki',
    code: 'BAD_RESPONSE',
    route,
    message: `${route}: unexpected response shape: ${z.prettifyError(error).slice(0, 500)}`,
    details: { issues: error.issues.slice(0, 20), body: truncate(body) },
  });
}

/** A request the client refuses to send (caller error); non-retryable. */
export function clientValidationError(route: string, message: string, details?: unknown): ConnectorError {
  return new ConnectorError({ system: 'tiki', code: 'VALIDATION', route, message: `${route}: ${message}`, details });
}

function truncate(body: unknown): unknown {
  const s = typeof body === 'string' ? body : JSON.stringify(body);
  return s !== undefined && s.length > 2000 ? s.slice(0, 2000) + '…' : body;
}
