/**
 * Haravan webhook signatures: base64( HMAC-SHA256( secret, raw request body ) ).
 * The header name is spelled three ways across Haravan's code and docs;
 * all are accepted. Always verify the raw bytes, before any JSON parsing.
 */
import { createHmac, timingSafeEqual } from 'crypto';

export const HARAVAN_HMAC_HEADERS = ['X-Haravan-Hmac-Sha256', 'X-Haravan-HmacSha256', 'X-Haravan-Hmacsha256'] as const;
export const HARAVAN_TOPIC_HEADER = 'X-Haravan-Topic';
export const HARAVAN_ORG_ID_HEADER = 'X-Haravan-Org-Id';
export const HARAVAN_TEST_HEADER = 'X-Haravan-Test';

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

const HMAC_HEADER_NAMES = new Set(HARAVAN_HMAC_HEADERS.map((h) => h.toLowerCase()));

export function signHaravanWebhook(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** The signature header value, whatever its spelling or letter case. */
export function haravanSignatureHeader(headers: WebhookHeaders): string | undefined {
  return readHeader(headers, HMAC_HEADER_NAMES);
}

/** True when the body carries a valid signature for `secret` (constant-time comparison). */
export function verifyHaravanWebhook(rawBody: Buffer | string, headers: WebhookHeaders, secret: string): boolean {
  if (!secret) return false;
  const received = haravanSignatureHeader(headers)?.trim();
  if (!received || !/^[A-Za-z0-9+/]+={0,2}$/.test(received)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const actual = Buffer.from(received, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Topic and shop id headers of a delivery. */
export function haravanWebhookMeta(headers: WebhookHeaders): { topic?: string; orgId?: string; test: boolean } {
  const one = (name: string) => readHeader(headers, new Set([name.toLowerCase()]));
  const test = one(HARAVAN_TEST_HEADER);
  return { topic: one(HARAVAN_TOPIC_HEADER), orgId: one(HARAVAN_ORG_ID_HEADER), test: test !== undefined && test !== 'false' };
}

function readHeader(headers: WebhookHeaders, lowerNames: Set<string>): string | undefined {
  if (headers instanceof Headers) {
    for (const name of lowerNames) {
      const value = headers.get(name);
      if (value) return value;
    }
    return undefined;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!lowerNames.has(name.toLowerCase()) || value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first) return first;
  }
  return undefined;
}
