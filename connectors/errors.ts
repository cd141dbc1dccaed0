/**
 * One error model for every outbound call (Haravan and Tiki).
 * Activities turn a non-retryable ConnectorError into a non-retryable ApplicationFailure
 * (type = code) and a retryable one into a retryable failure (with nextRetryDelay from retryAfterMs).
 */
export type ConnectorSystem = 'haravan' | 'tiki';

export type ConnectorErrorCode =
  | 'NETWORK' // connection refused/reset, DNS, socket hang up, client-side timeout
  | 'TIMEOUT'
  | 'RATE_LIMITED' // 429
  | 'SERVER_ERROR' // 5xx
  | 'AUTH_FAILED' // 401 / bad credentials / token cannot be obtained
  | 'FORBIDDEN' // 403 (missing scope, seller inactive, wrong key)
  | 'CONNECTION_PAUSED' // Tiki legacy key: 200 with {msg, integration_status}
  | 'NOT_FOUND' // 404
  | 'VALIDATION' // 400 / 422
  | 'CONFLICT' // 409
  | 'BAD_RESPONSE' // response body did not match the expected schema
  | 'NOT_SENT' // never sent: its send deadline passed while it waited (rate limiter)
  | 'TOO_LARGE'; // an answer over our bounds: body, page count or page items (connectors/limits.ts)

const RETRYABLE: Record<ConnectorErrorCode, boolean> = {
  NETWORK: true,
  TIMEOUT: true,
  RATE_LIMITED: true,
  SERVER_ERROR: true,
  AUTH_FAILED: false,
  FORBIDDEN: false,
  CONNECTION_PAUSED: false,
  NOT_FOUND: false,
  VALIDATION: false,
  CONFLICT: false,
  BAD_RESPONSE: false,
  NOT_SENT: true,
  TOO_LARGE: false,
};

export interface ConnectorErrorInit {
  system: ConnectorSystem;
  code: ConnectorErrorCode;
  message: string;
  status?: number;
  retryAfterMs?: number;
  /** Vendor error details (never credentials). */
  details?: unknown;
  /** e.g. 'GET /com/products.json' — the route template, never the query string with secrets. */
  route?: string;
  /** NETWORK / TIMEOUT: whether the whole request had been handed to the socket before it failed. */
  bodySent?: boolean;
}

export class ConnectorError extends Error {
  readonly system: ConnectorSystem;
  readonly code: ConnectorErrorCode;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly details?: unknown;
  readonly route?: string;
  readonly bodySent?: boolean;

  constructor(init: ConnectorErrorInit) {
    super(init.message);
    this.name = 'ConnectorError';
    this.system = init.system;
    this.code = init.code;
    this.status = init.status;
    this.retryable = RETRYABLE[init.code];
    this.retryAfterMs = init.retryAfterMs;
    this.details = init.details;
    this.route = init.route;
    this.bodySent = init.bodySent;
  }

  /** Stable, namespaced code, e.g. HARAVAN_RATE_LIMITED, TIKI_AUTH_FAILED. */
  get fullCode(): string {
    return `${this.system.toUpperCase()}_${this.code}`;
  }
}

export function isRetryableCode(code: ConnectorErrorCode): boolean {
  return RETRYABLE[code];
}

/** Map an HTTP status to the error code (the caller still decides about 200-with-error bodies). */
export function codeForStatus(status: number): ConnectorErrorCode {
  if (status === 401) return 'AUTH_FAILED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'SERVER_ERROR';
  return 'VALIDATION';
}

/** Parse a Retry-After header (seconds, possibly fractional like "2.0", or an HTTP date). */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, Math.round(secs * 1000));
  const at = Date.parse(value);
  if (Number.isFinite(at)) return Math.max(0, at - nowMs);
  return undefined;
}
