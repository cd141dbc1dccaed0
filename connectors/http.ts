import http from 'node:http';
import https from 'node:https';
import { ConnectorError, ConnectorSystem, codeForStatus, parseRetryAfterMs } from './errors';
import { recordVendorCall } from './metrics';
import { MAX_RESPONSE_BYTES, tooLarge } from './limits';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** JSON body (serialised here) or a pre-encoded string (e.g. form-urlencoded). */
  body?: unknown;
  timeoutMs?: number;
  /** Keep the body as bytes (`HttpResponse.bytes`), not parsed: a file such as a label. */
  binary?: boolean;
  /** A smaller bound on the body than MAX_RESPONSE_BYTES. */
  maxBytes?: number;
}

/** Case-insensitive header lookup (WHATWG `Headers` satisfies it too). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  /** Parsed JSON, or the raw text when the body is not JSON, or undefined when empty. */
  body: unknown;
  /** The raw body, for a `binary` request. */
  bytes?: Buffer;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const USER_AGENT = 'haravan-tiki-sync/0.1 (+https://github.com/)';

/**
 * Keep-alive agents shared by every client of the process. node:http rather than `fetch`: a delta poll is a
 * small JSON GET every few seconds on every connection, and at 1,000 connections the WHATWG layer (streams,
 * AbortSignal, Headers objects) was most of an idle worker's CPU (bench/scale.ts profile).
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' }),
};

class NodeHeaders implements ResponseHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
}

/**
 * Send one HTTP request. Network failures and client timeouts become retryable ConnectorErrors;
 * HTTP statuses are returned to the caller (who classifies vendor-specific bodies).
 */
export async function sendHttp(system: ConnectorSystem, route: string, req: HttpRequest): Promise<HttpResponse> {
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: 'application/json', ...req.headers };
  let payload: string | undefined;
  if (req.body !== undefined) {
    if (typeof req.body === 'string') payload = req.body;
    else {
      payload = JSON.stringify(req.body);
      headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
    }
  }
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  const started = performance.now();
  let timedOut = false;
  let tooBig = false;
  // The whole request was handed to the socket: from then on a broken connection leaves the outcome unknown.
  let bodySent = false;
  const maxBytes = Math.min(req.maxBytes ?? MAX_RESPONSE_BYTES, MAX_RESPONSE_BYTES);
  try {
    const { status, raw, data } = await new Promise<{ status: number; raw: http.IncomingHttpHeaders; data: Buffer }>((resolve, reject) => {
      const url = new URL(req.url);
      const agent = agents[url.protocol as keyof typeof agents];
      if (!agent) return reject(new Error(`unsupported protocol ${url.protocol}`));
      const request = (url.protocol === 'https:' ? https : http).request(url, { method: req.method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const overLimit = () => {
          // Stop reading (the socket is dropped, not drained into memory).
          tooBig = true;
          request.destroy(new Error('response too large'));
        };
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) return overLimit();
        res.on('data', (c: Buffer) => {
          if (tooBig) return;
          size += c.length;
          if (size > maxBytes) return overLimit();
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: res.headers, data: Buffer.concat(chunks) }));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
      });
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy(new Error('timeout'));
      }, req.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      request.on('close', () => clearTimeout(timer));
      request.on('finish', () => {
        bodySent = true;
      });
      request.on('error', reject);
      request.end(payload);
    });
    recordVendorCall(system, route, status, (performance.now() - started) / 1000);
    if (req.binary) return { status, headers: new NodeHeaders(raw), body: undefined, bytes: data };
    const text = data.toString('utf8');
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status, headers: new NodeHeaders(raw), body };
  } catch (err) {
    recordVendorCall(system, route, timedOut ? 'timeout' : tooBig ? 'too_large' : 'network', (performance.now() - started) / 1000);
    if (tooBig) throw tooLarge(system, route, `response body over ${maxBytes} bytes`);
    throw new ConnectorError({
      system,
      code: timedOut ? 'TIMEOUT' : 'NETWORK',
      message: timedOut ? `${route} timed out` : `${route} failed: ${(err as Error).message}`,
      route,
      bodySent,
    });
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
