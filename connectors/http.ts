import { ConnectorError, ConnectorSystem, codeForStatus, parseRetryAfterMs } from './errors';
import { recordVendorCall } from './metrics';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** JSON body (serialised here) or a pre-encoded string (e.g. form-urlencoded). */
  body?: unknown;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON, or undefined when empty. */
  body: unknown;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const USER_AGENT = 'haravan-tiki-sync/0.1 (+https://github.com/)';

/**
 * Send one HTTP request. Network failures and client timeouts become retryable ConnectorErrors;
 * HTTP statuses are returned to the caller (who classifies vendor-specific bodies).
 */
export async function sendHttp(system: ConnectorSystem, route: string, req: HttpRequest): Promise<HttpResponse> {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), req.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: 'application/json', ...req.headers };
  let payload: string | undefined;
  if (req.body !== undefined) {
    if (typeof req.body === 'string') payload = req.body;
    else {
      payload = JSON.stringify(req.body);
      headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
    }
  }
  const started = performance.now();
  try {
    const res = await fetch(req.url, { method: req.method, headers, body: payload, signal: controller.signal });
    const text = await res.text();
    recordVendorCall(system, route, res.status, (performance.now() - started) / 1000);
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.status, headers: res.headers, body };
  } catch (err) {
    const aborted = controller.signal.aborted;
    recordVendorCall(system, route, aborted ? 'timeout' : 'network', (performance.now() - started) / 1000);
    throw new ConnectorError({
      system,
      code: aborted ? 'TIMEOUT' : 'NETWORK',
      message: aborted ? `${route} timed out` : `${route} failed: ${(err as Error).message}`,
      route,
    });
  } finally {
    clearTimeout(timeout);
  }
}

/** Build a ConnectorError from a non-2xx response. */
export function errorFromResponse(system: ConnectorSystem, route: string, res: HttpResponse, message?: string): ConnectorError {
  const code = codeForStatus(res.status);
  return new ConnectorError({
    system,
    code,
    status: res.status,
    route,
    retryAfterMs: code === 'RATE_LIMITED' ? parseRetryAfterMs(res.headers.get('retry-after')) : undefined,
    message: message ?? `${route} answered ${res.status}${describeBody(res.body)}`,
    details: res.body,
  });
}

function describeBody(body: unknown): string {
  if (body === undefined) return '';
  const s = typeof body === 'string' ? body : JSON.stringify(body);
  return `: ${s.length > 300 ? s.slice(0, 300) + '…' : s}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
