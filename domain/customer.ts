/**
 * Buyer → Haravan customer: full name, phone, shipping address, and an email
 * synthesised from the phone as `<local phone>@84.phone`. Nothing is invented: no phone → no phone, no email,
 * and a CUSTOMER_PHONE_MISSING warning (Tiki masks the phone on Tiki-delivered and dropship orders).
 */
import type { TikiAddressInput, TikiOrderInput } from './types';

/** Vietnam's country calling code, used in the synthetic email domain. */
export const VN_CALLING_CODE = '84';

/** Haravan address object (of customers and orders) — names only; Tiki's ward/district codes are not Haravan's. */
export interface HaravanAddress {
  first_name: string;
  last_name: string;
  name: string;
  /** Omitted when the buyer's phone is unknown. */
  phone?: string;
  address1: string;
  ward?: string;
  district?: string;
  province?: string;
  country: string;
  country_code: string;
}

export type CustomerWarning = 'CUSTOMER_PHONE_MISSING';

export interface MappedCustomer {
  firstName: string;
  lastName: string;
  fullName: string;
  phone: string | null;
  email: string | null;
  address: HaravanAddress;
  warnings: CustomerWarning[];
}

/** Spaces (any whitespace), dots, dashes (incl. en/em dashes) and brackets. */
const SEPARATORS = /[\s.\-\u2010-\u2015()[\]{}]/g;
/** National number: 9 digits (mobile), or 10 digits starting with 2 (landline: 2-digit area code + 8 digits). */
const LOCAL_FORM = /^0(?:\d{9}|2\d{9})$/;
const INTERNATIONAL_FORM = /^(?:\+84|0084|84)0?(\d{9}|2\d{9})$/;

/**
 * Normalise a Vietnamese phone number to its local form, or null when it is not one.
 *
 * Separators are dropped; then a leading `+84`, `84` or `0084` in front of the national number (9 digits for
 * mobiles, 10 for landlines; an extra trunk `0` as in `+84 (0)90…` is tolerated) becomes `0`.
 * Examples: `+84 90-123-4567` → `0901234567`; `84901234567` → `0901234567`; `(028) 3823.4567` → `02838234567`.
 * Anything else (letters, other country codes, wrong length) → null.
 */
export function normalizePhone(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const compact = raw.replace(SEPARATORS, '');
  const international = INTERNATIONAL_FORM.exec(compact);
  if (international && !international[1].startsWith('0')) return `0${international[1]}`;
  return LOCAL_FORM.test(compact) ? compact : null;
}

/** `<local phone>@84.phone`, the customer's email in Haravan; null when the phone cannot be normalised. */
export function syntheticEmail(phone: string | null | undefined): string | null {
  const local = normalizePhone(phone);
  return local === null ? null : `${local}@${VN_CALLING_CODE}.phone`;
}

/** Collapse whitespace, trim, and use the composed Unicode form (Tiki may send decomposed Vietnamese). */
export function cleanText(raw: string | null | undefined): string {
  if (typeof raw !== 'string') return '';
  return raw.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * Vietnamese names are written family name first, given name last ("Nguyễn Văn An"): the LAST word is the
 * given name (Haravan `first_name`), everything before it is `last_name` ("Nguyễn Văn"). A one-word name is
 * a given name only. This matches how Haravan shows "last_name first_name" for Vietnamese customers.
 */
export function splitVietnameseName(fullName: string | null | undefined): { firstName: string; lastName: string } {
  const words = cleanText(fullName).split(' ').filter((w) => w !== '');
  if (words.length === 0) return { firstName: '', lastName: '' };
  return { firstName: words[words.length - 1], lastName: words.slice(0, -1).join(' ') };
}

/**
 * Customer data from a Tiki order: the shipping address's name (else the account's full_name), its phone and
 * address. The email is always the synthetic one, even when Tiki shows the buyer's real email, so that the same
 * buyer maps to the same Haravan customer on every order (Haravan keys customers on email and phone).
 */
export function mapCustomer(order: Pick<TikiOrderInput, 'shipping' | 'customer'>): MappedCustomer {
  const address: TikiAddressInput = order.shipping?.address ?? {};
  const fullName = cleanText(address.full_name) || cleanText(order.customer?.full_name);
  const { firstName, lastName } = splitVietnameseName(fullName);
  const phone = normalizePhone(address.phone);
  const email = phone === null ? null : syntheticEmail(phone);
  const warnings: CustomerWarning[] = phone === null ? ['CUSTOMER_PHONE_MISSING'] : [];

  const haravanAddress: HaravanAddress = {
    first_name: firstName,
    last_name: lastName,
    name: fullName,
    address1: cleanText(address.street),
    country: cleanText(address.country) || 'Vietnam',
    country_code: cleanText(address.country_id).toUpperCase() || 'VN',
  };
  const ward = cleanText(address.ward);
  const district = cleanText(address.district);
  const province = cleanText(address.region);
  if (phone !== null) haravanAddress.phone = phone;
  if (ward) haravanAddress.ward = ward;
  if (district) haravanAddress.district = district;
  if (province) haravanAddress.province = province;

  return { firstName, lastName, fullName, phone, email, address: haravanAddress, warnings };
}

/**
 * Customer identity: is the Haravan customer `existing` the buyer with this phone / email? The same buyer has the
 * same phone once both are normalised by `normalizePhone` (a phone that is not a Vietnamese number never
 * matches), or the same email ignoring case. Used to reuse an existing Haravan customer instead of creating a
 * duplicate.
 */
export function sameCustomer(existing: { phone?: unknown; email?: unknown }, phone: string | null, email: string | null): boolean {
  const ours = normalizePhone(phone);
  if (ours !== null && typeof existing.phone === 'string' && normalizePhone(existing.phone) === ours) return true;
  return !!email && typeof existing.email === 'string' && existing.email.trim().toLowerCase() === email.trim().toLowerCase();
}

/**
 * The key under which a buyer's Haravan customer id is remembered: the phone normalised by `normalizePhone`
 * (`phone:0901234567`), else the email ignoring case (`email:…`); null when the order carries neither — such an
 * order has no customer to look for. Two orders with the same key are the same buyer (`sameCustomer`).
 */
export function customerKey(phone: string | null | undefined, email: string | null | undefined): string | null {
  const local = normalizePhone(phone);
  if (local !== null) return `phone:${local}`;
  const mail = typeof email === 'string' ? email.trim().toLowerCase() : '';
  return mail ? `email:${mail}` : null;
}

/**
 * Does Haravan's refusal of an order create say that the customer it names is gone (deleted or merged since its
 * id was remembered)? A 404, or a 422 whose text names the customer. Any other refusal is about the order itself.
 */
export function isMissingCustomerRefusal(status: number | undefined, text: string): boolean {
  if (status === 404) return true;
  return status === 422 && /\bcustomer\b/i.test(text);
}

/**
 * The customer searches to make, in order, once Haravan refused to create a buyer not remembered yet (its phone
 * or email is taken: both are unique per shop). The caller stops at the first search that finds the buyer
 * (`sameCustomer`): the phone first — Haravan's search is free text over name, email and phone, so it also finds
 * a customer carrying the synthetic `<phone>@84.phone` — then the email, which may be what is taken.
 */
export function customerSearches(phone: string | null, email: string | null): string[] {
  return [phone, email].filter((q): q is string => !!q);
}
