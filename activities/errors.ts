/**
 * How a vendor error becomes a Temporal failure: a ConnectorError becomes an ApplicationFailure typed with its
 * stable code (`HARAVAN_VALIDATION`, `TIKI_AUTH_FAILED`, ...), non-retryable when the error is (auth, validation,
 * not found), retryable otherwise, with a 429's Retry-After as the next retry delay. Anything else passes through.
 * Applied once for every activity by the worker's activity interceptor (worker/activity-interceptor.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import { ConnectorError } from '../connectors/errors';
import type { RefusalFacts } from '../domain/messages';

/** Shortest next-retry delay taken from a Retry-After (a `0` would retry in a tight loop). */
const MIN_RETRY_DELAY_MS = 100;

export function toFailure(err: unknown): unknown {
  if (err instanceof ConnectorError) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.fullCode,
      nonRetryable: !err.retryable,
      nextRetryDelay: err.retryAfterMs !== undefined ? Math.max(err.retryAfterMs, MIN_RETRY_DELAY_MS) : undefined,
      details: [withVendorCode({ system: err.system, code: err.code, status: err.status ?? null, route: err.route ?? null }, vendorErrorCode(err.details))],
    });
  }
  return err;
}

/** Does this error end the activity for good (no retry)? Same answer before and after `toFailure`. */
export function isPermanent(err: unknown): boolean {
  if (err instanceof ConnectorError) return !err.retryable;
  return err instanceof ApplicationFailure && !!err.nonRetryable;
}

/** The stable code of an error for the failure inbox (the failure type it has or will get), if it has one. */
export function failureCode(err: unknown): string | undefined {
  if (err instanceof ConnectorError) return err.fullCode;
  return err instanceof ApplicationFailure ? (err.type ?? undefined) : undefined;
}

/** A failure's details carry the vendor's error code only when its body had one. */
function withVendorCode<T extends object>(details: T, vendorCode: string | undefined): T & { vendorCode?: string } {
  return vendorCode === undefined ? details : { ...details, vendorCode };
}

/** The vendor's own error code in its error body (`code`, `error_code`, `error`, `errors[0].code`), if it has one. */
export function vendorErrorCode(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const o = body as Record<string, unknown>;
  const first = Array.isArray(o.errors) ? (o.errors[0] as Record<string, unknown> | undefined) : undefined;
  for (const v of [o.code, o.error_code, o.error, first && typeof first === 'object' ? first.code : undefined]) {
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return undefined;
}

/**
 * What a caller may be told about an error (domain/messages.ts `messageWithFacts`): its stable code, HTTP status and
 * the vendor's error code — from a ConnectorError or from the failure `toFailure` made of one. Never its text.
 */
export function refusalFacts(err: unknown): RefusalFacts {
  if (err instanceof ConnectorError) return { code: err.fullCode, status: err.status, vendorCode: vendorErrorCode(err.details) };
  if (err instanceof ApplicationFailure) {
    const d = err.details?.[0] as { status?: unknown; vendorCode?: unknown } | undefined;
    return {
      code: err.type ?? undefined,
      status: typeof d?.status === 'number' ? d.status : undefined,
      vendorCode: typeof d?.vendorCode === 'string' ? d.vendorCode : undefined,
    };
  }
  return {};
}
