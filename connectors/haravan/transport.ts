/**
 * One Haravan Admin API call: pace it through the shop's rate limiter, send it with Bearer auth,
 * feed the call-limit header back, retry 429s (honouring Retry-After, capped), map failures to
 * ConnectorError and validate 2xx bodies with a zod schema.
 */
import type { z } from 'zod';
import { ConnectorError, parseRetryAfterMs } from '../errors';
import { HttpResponse, errorFromResponse, sendHttp } from '../http';
import { CALL_LIMIT_HEADER, HaravanRateLimiter, LimiterDeadlineError, RequestPriority, ReleaseUnit } from './rate-limiter';

export type QueryValue = string | number | boolean | Date | readonly (string | number)[] | null | undefined;
export type Query = Record<string, QueryValue>;

export interface HaravanRequest<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Route template for errors and logs, e.g. `/com/orders/{id}.json`. */
  route: string;
  /** Concrete path, e.g. `/com/orders/123.json`. */
  path: string;
  query?: Query;
  body?: unknown;
  schema: S;
  /** `high` jumps the rate-limiter queue. */
  priority?: RequestPriority;
  /**
   * Send only before this time (epoch ms): waiting for the rate limit (or for a 429 retry) past it fails with
   * `NOT_SENT` and nothing is sent. Checked again after the wait, right before the request goes out.
   */
  sendBy?: number;
  /** Runs right before each send (after the rate-limit wait), e.g. to record that a create is about to go out. */
  beforeSend?: () => Promise<void>;
}

export interface HaravanResult<T> {
  status: number;
  data: T;
}

export interface TransportOptions {
  baseUrl: string;
  accessToken: string;
  timeoutMs?: number;
  limiter: HaravanRateLimiter;
  /** Retries after a 429 before giving up (default 3). */
  maxRateLimitRetries?: number;
  /** Longest Retry-After honoured per retry (default 10 s). */
  maxRetryAfterMs?: number;
  /** Wait used when a 429 carries no Retry-After (default 1 s). */
  defaultRetryAfterMs?: number;
}

export class HaravanTransport {
  readonly baseUrl: string;
  private readonly accessToken: string;
  private readonly timeoutMs?: number;
  readonly limiter: HaravanRateLimiter;
  private readonly maxRateLimitRetries: number;
  private readonly maxRetryAfterMs: number;
  private readonly defaultRetryAfterMs: number;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.accessToken = options.accessToken;
    this.timeoutMs = options.timeoutMs;
    this.limiter = options.limiter;
    this.maxRateLimitRetries = options.maxRateLimitRetries ?? 3;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 1_000;
  }

  async request<S extends z.ZodType>(req: HaravanRequest<S>): Promise<HaravanResult<z.output<S>>> {
    const routeLabel = `${req.method} ${req.route}`;
    const url = this.baseUrl + req.path + encodeQuery(req.query);
    for (let attempt = 0; ; attempt++) {
      const release = await this.acquire(routeLabel, req);
      let res: HttpResponse;
      try {
        if (req.beforeSend) await req.beforeSend();
        res = await sendHttp('haravan', routeLabel, {
          method: req.method,
          url,
          headers: { Authorization: `Bearer ${this.accessToken}` },
          body: req.body,
          timeoutMs: this.timeoutMs,
        });
      } finally {
        release();
      }
      const callLimit = res.headers.get(CALL_LIMIT_HEADER);
      if (res.status === 429) {
        const retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after')) ?? this.defaultRetryAfterMs;
        this.limiter.pause(Math.min(retryAfterMs, this.maxRetryAfterMs), callLimit);
        if (attempt < this.maxRateLimitRetries) continue;
      } else {
        this.limiter.observe(callLimit);
      }
      if (res.status < 200 || res.status >= 300) throw haravanError(routeLabel, res);
      return { status: res.status, data: parseBody(routeLabel, req.schema, res) };
    }
  }

  /** A unit of the shop's bucket; with `sendBy`, only while it is still time to send (else NOT_SENT). */
  private async acquire(routeLabel: string, req: HaravanRequest<z.ZodType>): Promise<ReleaseUnit> {
    let release: ReleaseUnit;
    try {
      release = await this.limiter.acquire(req.priority, { deadline: req.sendBy });
    } catch (err) {
      if (err instanceof LimiterDeadlineError) throw notSent(routeLabel, err.message);
      throw err;
    }
    // "Too late?" once more after the wait: the turn may have come just as the deadline passed.
    if (req.sendBy !== undefined && Date.now() >= req.sendBy) {
      release();
      throw notSent(routeLabel, 'its send deadline passed while it waited for the Haravan rate limit');
    }
    return release;
  }
}

function notSent(routeLabel: string, why: string): ConnectorError {
  return new ConnectorError({ system: 'haravan', code: 'NOT_SENT', route: routeLabel, message: `Haravan ${routeLabel} was not sent: ${why}`, bodySent: false });
}

/** Map a non-2xx response to a ConnectorError, keeping the vendor's error text in the message. */
export function haravanError(routeLabel: string, res: HttpResponse): ConnectorError {
  const vendorText = vendorErrorText(res.body);
  const message = `Haravan ${routeLabel} answered ${res.status}${vendorText ? `: ${vendorText}` : ''}`;
  return errorFromResponse('haravan', routeLabel, res, message);
}

/**
 * The human text of a Haravan error body. Accepts every shape seen in the wild:
 * `{"errors":"…"}`, `{"errors":{"field":["…"]}}`, `{"errors":["…"]}`, `{"error":"…"}`, `{"message":"…"}`.
 */
export function vendorErrorText(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return truncate(body.trim()) || undefined;
  if (typeof body !== 'object') return String(body);
  const record = body as Record<string, unknown>;
  for (const key of ['errors', 'error', 'message', 'error_description']) {
    const text = flattenErrors(record[key]);
    if (text) return truncate(text);
  }
  return truncate(JSON.stringify(body));
}

function flattenErrors(value: unknown): string | undefined {
  if (value === undefined || value === null || value === false || value === true) return undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(flattenErrors).filter((p): p is string => !!p);
    return parts.length ? parts.join('; ') : undefined;
  }
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .map(([field, v]) => {
        const text = flattenErrors(v);
        return text ? `${field}: ${text}` : undefined;
      })
      .filter((p): p is string => !!p);
    return parts.length ? parts.join('; ') : undefined;
  }
  return undefined;
}

function parseBody<S extends z.ZodType>(routeLabel: string, schema: S, res: HttpResponse): z.output<S> {
  const parsed = schema.safeParse(res.body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new ConnectorError({
    system: 'haravan',
    code: 'BAD_RESPONSE',
    status: res.status,
    route: routeLabel,
    message: `Haravan ${routeLabel} returned an unexpected body: ${issues}`,
    details: { issues: parsed.error.issues.slice(0, 20) },
  });
}

/** Encode query parameters, skipping undefined/null/blank values (Haravan treats `sku=` as "no filter"). */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    let text: string;
    if (value instanceof Date) text = value.toISOString();
    else if (Array.isArray(value)) text = value.join(',');
    else text = String(value);
    if (text.trim() === '') continue;
    params.set(key, text);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function truncate(s: string, max = 500): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
