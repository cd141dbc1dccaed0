import type { Client } from '@temporalio/client';
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Store } from '../store/store';
import type { AesGcmCodec } from '../boot/codec';
import type { AllowedOrigin } from '../domain/vendor-origins';
import type { HaravanAppSettings } from '../domain/haravan-app';

export interface ApiDeps {
  client: Client;
  store: Store;
  logger: Logger;
  taskQueue: string;
  apiToken: string;
  webhookSecret?: string;
  codec?: AesGcmCodec;
  /** Origins allowed to call the codec endpoint (the Temporal Web UI). */
  codecCorsOrigins?: string[];
  /** Origins a connection's Haravan/Tiki baseUrl may name beside the real hosts (ALLOWED_VENDOR_ORIGINS). */
  allowedVendorOrigins?: AllowedOrigin[];
  /** Per shop, at most one webhook nudge per this many ms (default COALESCE_MS of api/webhook-gate.ts). */
  webhookCoalesceMs?: number;
  /** A `connecting` record with no workflow run is reclaimable after this long (default 60 s). */
  staleClaimMs?: number;
  /** The Haravan app's settings (GET /install, installed shops' connections); absent when the service is not an app. */
  haravanApp?: HaravanAppSettings;
  /** Requests per minute per client on /v1 (default 600). */
  rateLimitPerMinute?: number;
  /**
   * Whether the merchant session cookie is `Secure` (default true). Only the embedded demo over plain http
   * (`npm start`, the tests) turns it off.
   */
  sessionCookieSecure?: boolean;
  /**
   * The Tiki host (TIKI_API_URL) given to Tiki credentials that name no base URL — an operator setting, so a merchant
   * types only the key. Unset: the client's default, the real Tiki host.
   */
  tikiApiUrl?: string;
}

/** Validate a request part with zod (throws ZodError → 400 VALIDATION_FAILED). */
export function parse<T extends z.ZodTypeAny>(schema: T, value: unknown): z.infer<T> {
  return schema.parse(value ?? {});
}

export const body = (req: Request) => req.body ?? {};
