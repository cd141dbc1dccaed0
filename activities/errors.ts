/**
 * The one place vendor errors become Temporal failures: non-retryable ConnectorErrors (auth, validation,
 * not found) become non-retryable ApplicationFailures typed with a stable code; retryable ones keep
 * retrying, and a 429's Retry-After becomes the next retry delay.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ConnectorError } from '../connectors/errors';

export function toFailure(err: unknown): unknown {
  if (err instanceof ConnectorError) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.fullCode,
      nonRetryable: !err.retryable,
      nextRetryDelay: err.retryAfterMs !== undefined ? Math.max(err.retryAfterMs, 100) : undefined,
      details: [{ system: err.system, code: err.code, status: err.status ?? null, route: err.route ?? null }],
    });
  }
  return err;
}

/** Wrap an activity implementation so connector errors are classified on the way out. */
export function classified<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toFailure(err);
    }
  };
}

/** Codes that mean "the merchant's credentials no longer work" (connection goes to attention). */
export const CREDENTIAL_FAILURE_TYPES = [
  'TIKI_AUTH_FAILED',
  'TIKI_FORBIDDEN',
  'TIKI_CONNECTION_PAUSED',
  'HARAVAN_AUTH_FAILED',
  'HARAVAN_FORBIDDEN',
];

export function isCredentialFailure(err: unknown): { system: 'haravan' | 'tiki'; code: string; message: string } | null {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    if (e instanceof ConnectorError) {
      return CREDENTIAL_FAILURE_TYPES.includes(e.fullCode) ? { system: e.system, code: e.code, message: e.message } : null;
    }
    const af = e as { type?: string; message?: string; cause?: unknown };
    if (af.type && CREDENTIAL_FAILURE_TYPES.includes(af.type)) {
      const [system, ...rest] = af.type.split('_');
      return { system: system.toLowerCase() as 'haravan' | 'tiki', code: rest.join('_'), message: af.message ?? af.type };
    }
    e = af.cause;
  }
  return null;
}
