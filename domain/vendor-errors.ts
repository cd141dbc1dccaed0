/**
 * Vendor error codes with a business meaning. A connector error's code is `<SYSTEM>_<CODE>` (e.g.
 * `TIKI_AUTH_FAILED`); the activity interceptor (worker/activity-interceptor.ts) makes it the type of the Temporal
 * failure, so workflows decide on the type alone.
 */

/** Codes that mean "the merchant's credentials no longer work": the connection goes to attention. */
export const CREDENTIAL_FAILURE_TYPES = ['TIKI_AUTH_FAILED', 'TIKI_FORBIDDEN', 'TIKI_CONNECTION_PAUSED', 'HARAVAN_AUTH_FAILED', 'HARAVAN_FORBIDDEN'] as const;

export type CredentialFailureType = (typeof CREDENTIAL_FAILURE_TYPES)[number];

/** Does this failure type mean the credentials were rejected? */
export function isCredentialFailureType(type: string | null | undefined): type is CredentialFailureType {
  return !!type && (CREDENTIAL_FAILURE_TYPES as readonly string[]).includes(type);
}
