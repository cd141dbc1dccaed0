/**
 * One Tiki HTTP call end to end: rate limit → auth header → send → classify → (retry) → zod-parse.
 *
 *  - OAuth2: `Authorization: Bearer <token>` from the process-wide token cache; a 401 drops the token, fetches
 *    a new one and retries the call once; a second 401 is AUTH_FAILED.
 *  - Legacy key: header `tiki-api: <key>`; 403 `{"msg":"Permission denied"}` is FORBIDDEN; any 2xx whose body
 *    carries `msg` / `integration_status` is CONNECTION_PAUSED (checked on every call).
 *  - 429: RATE_LIMITED; retried here up to `maxRateLimitRetries` times, waiting Retry-After (or an exponential
 *    backoff when absent). A Retry-After longer than 10 s is not slept on: the error goes to the caller (the
 *    activity's retry policy honours `retryAfterMs`), and until it has passed every call for that seller
 *    credential in this process fails fast with RATE_LIMITED without being sent.
 *  - 5xx → SERVER_ERROR, 400/422 → VALIDATION, 404 → NOT_FOUND, network/timeout → NETWORK/TIMEOUT: thrown
 *    as is (no in-client retry; writes are re-read by the caller before a retry).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConnectorError } from '../errors';
import { HttpResponse, sendHttp, sleep } from '../http';
import { MAX_FILE_BYTES } from '../limits';
import { badResponse, pausedConnectionError, tikiErrorFromResponse } from './errors';
import { fetchClientCredentialsToken, TikiOAuthCredentials } from './oauth';
import { releaseBucket, sharedBucket, TokenBucket } from './rate-limiter';
import { processTokenCache, TokenCache } from './token-cache';

export interface TikiApiKeyCredentials {
  /** The seller's "Tham số kết nối" (legacy Seller Center key). */
  apiKey: string;
}

export type TikiAuth = TikiOAuthCredentials | TikiApiKeyCredentials;

export function isApiKeyAuth(auth: TikiAuth): auth is TikiApiKeyCredentials {
  return typeof (auth as TikiApiKeyCredentials).apiKey === 'string';
}

export interface TransportOptions {
  baseUrl: string;
  auth: TikiAuth;
  timeoutMs?: number;
  maxRequestsPerSecond: number;
  maxRateLimitRetries: number;
  tokenCache?: TokenCache;
}

export type Query = Record<string, string | number | undefined>;

export interface CallSpec<T> {
  method: 'GET' | 'POST' | 'PUT';
  /** Concrete path, e.g. `/integration/v2/orders/123`. */
  path: string;
  /** Route template for errors and logs, e.g. `GET /integration/v2/orders/:code`. */
  route: string;
  query?: Query;
  body?: unknown;
  schema: z.ZodType<T>;
}

export const RETRY_AFTER_CAP_MS = 10_000;
const BACKOFF_BASE_MS = 500;

export class TikiTransport {
  private readonly bucket: TokenBucket;
  private readonly tokens: TokenCache;
  private readonly credentialKey: string;

  constructor(private readonly opts: TransportOptions) {
    this.tokens = opts.tokenCache ?? processTokenCache;
    this.credentialKey = credentialKey(opts.baseUrl, opts.auth);
    this.bucket = sharedBucket(this.credentialKey, opts.maxRequestsPerSecond);
  }

  /** Drop this credential's process-wide rate bucket and cached token (the connection is gone or idle). */
  release(): void {
    releaseBucket(this.credentialKey);
    this.tokens.invalidate(this.credentialKey);
  }

  get usesApiKey(): boolean {
    return isApiKeyAuth(this.opts.auth);
  }

  async call<T>(spec: CallSpec<T>): Promise<T> {
    const res = await this.send(spec);
    const parsed = spec.schema.safeParse(res.body);
    if (!parsed.success) throw badResponse(spec.route, parsed.error, res.body);
    return parsed.data;
  }

  /** Send with auth, rate limiting and retries; returns a 2xx response or throws a ConnectorError. */
  async send(spec: Omit<CallSpec<unknown>, 'schema'>): Promise<HttpResponse> {
    let refreshedAfter401 = false;
    let rateLimitRetries = 0;
    for (;;) {
      const paused = this.bucket.pauseRemainingMs();
      if (paused > RETRY_AFTER_CAP_MS) {
        // Tiki asked this seller's callers to wait longer than we sleep in-process: fail fast, unsent.
        throw new ConnectorError({
          system: 'tiki',
          code: 'RATE_LIMITED',
          route: spec.route,
          retryAfterMs: paused,
          message: `${spec.route} not sent: Tiki rate limit in force for another ${paused} ms`,
        });
      }
      await this.bucket.acquire();
      const { headers, bearer } = await this.authHeaders();
      const res = await sendHttp('tiki', spec.route, {
        method: spec.method,
        url: this.url(spec.path, spec.query),
        headers,
        body: spec.body,
        timeoutMs: this.opts.timeoutMs,
      });
      if (res.status === 401 && bearer !== undefined && !refreshedAfter401) {
        refreshedAfter401 = true;
        this.tokens.invalidate(this.credentialKey, bearer);
        continue;
      }
      if (res.status === 429) {
        const err = tikiErrorFromResponse(spec.route, res);
        const wait = err.retryAfterMs ?? backoffMs(rateLimitRetries);
        if (err.retryAfterMs !== undefined) this.bucket.pauseFor(err.retryAfterMs);
        if (rateLimitRetries >= this.opts.maxRateLimitRetries || wait > RETRY_AFTER_CAP_MS) {
          throw withRetryAfter(err, wait);
        }
        rateLimitRetries++;
        await sleep(wait);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        throw tikiErrorFromResponse(spec.route, res, this.describeAuthFailure(res.status));
      }
      if (this.usesApiKey) {
        const paused = pausedConnectionError(spec.route, res);
        if (paused) throw paused;
      }
      return res;
    }
  }

  /**
   * GET a file Tiki linked to (a label), within this seller's rate budget and the file size bound. No credential is
   * sent (the link may be on another Tiki host) and no redirect is followed; a non-2xx answer is a ConnectorError.
   */
  async fetchFile(url: string, route: string): Promise<{ contentType: string | null; bytes: Buffer }> {
    await this.bucket.acquire();
    const res = await sendHttp('tiki', route, { method: 'GET', url, headers: { Accept: '*/*' }, timeoutMs: this.opts.timeoutMs, binary: true, maxBytes: MAX_FILE_BYTES });
    if (res.status < 200 || res.status >= 300) throw tikiErrorFromResponse(route, res);
    return { contentType: res.headers.get('content-type'), bytes: res.bytes ?? Buffer.alloc(0) };
  }

  private describeAuthFailure(status: number): string | undefined {
    if (status === 401) return this.usesApiKey ? 'Tiki rejected the API key' : 'Tiki rejected a freshly issued token';
    if (status === 403 && this.usesApiKey) return 'Tiki rejected the API key';
    return undefined;
  }

  private async authHeaders(): Promise<{ headers: Record<string, string>; bearer?: string }> {
    const auth = this.opts.auth;
    if (isApiKeyAuth(auth)) return { headers: { 'tiki-api': auth.apiKey } };
    const token = await this.tokens.get(this.credentialKey, () =>
      fetchClientCredentialsToken(this.opts.baseUrl, auth, this.opts.timeoutMs),
    );
    return { headers: { Authorization: `Bearer ${token}` }, bearer: token };
  }

  private url(path: string, query?: Query): string {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const s = qs.toString();
    return `${this.opts.baseUrl}${path}${s ? `?${s}` : ''}`;
  }
}

/** Cache / bucket key of a credential: base URL + client id (+ secret fingerprint) or a key fingerprint. */
export function credentialKey(baseUrl: string, auth: TikiAuth): string {
  if (isApiKeyAuth(auth)) return `${baseUrl}|key|${fingerprint(auth.apiKey)}`;
  return `${baseUrl}|oauth|${auth.clientId}|${fingerprint(auth.clientSecret)}`;
}

function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

function backoffMs(attempt: number): number {
  const base = BACKOFF_BASE_MS * 2 ** attempt;
  return Math.round(base / 2 + Math.random() * (base / 2));
}

function withRetryAfter(err: ConnectorError, waitMs: number): ConnectorError {
  if (err.retryAfterMs !== undefined) return err;
  return new ConnectorError({
    system: err.system,
    code: err.code,
    status: err.status,
    route: err.route,
    message: err.message,
    details: err.details,
    retryAfterMs: waitMs,
  });
}
