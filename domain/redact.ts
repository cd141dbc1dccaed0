/**
 * Vendor text (error bodies, socket errors) is never shown to a caller verbatim; where it is kept for an operator
 * (logs), personal data in it is masked and its length bounded. Pure.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** Phone-like runs: 7+ digits, possibly with spaces, dots, dashes or a leading +. */
const PHONE = /\+?\d[\d .-]{5,}\d/g;
const MAX_LENGTH = 500;

export function redactVendorText(text: string): string {
  const masked = text.replace(EMAIL, '[email]').replace(PHONE, (m) => (m.replace(/\D/g, '').length >= 7 ? '[number]' : m));
  return masked.length > MAX_LENGTH ? `${masked.slice(0, MAX_LENGTH)}…` : masked;
}
