/**
 * Customers: email and phone are unique per shop (422 on duplicates); search is a
 * case-insensitive substring match over name, email and phone.
 */
import { unprocessable } from './errors';
import { ModelContext } from './inventory';
import { AddressJson, CustomerJson, ShopData } from './types';

export const GUEST_EMAIL = 'guest@haravan.com';

export interface CustomerInput {
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string | null;
  verified_email?: boolean;
  addresses?: AddressJson[];
}

/** Read a vendor `customer` body, keeping only well-typed known fields. */
export function customerInput(raw: Record<string, unknown>): CustomerInput {
  const text = (v: unknown) => (typeof v === 'string' ? v : v === null ? null : undefined);
  return {
    first_name: text(raw.first_name),
    last_name: text(raw.last_name),
    email: text(raw.email),
    phone: text(raw.phone),
    note: text(raw.note),
    tags: text(raw.tags),
    verified_email: raw.verified_email === true,
    addresses: Array.isArray(raw.addresses) ? raw.addresses.filter((a): a is AddressJson => !!a && typeof a === 'object') : [],
  };
}

/**
 * Phone key for uniqueness and search, as a dialer reads the number: digits only, a leading 84 country code read as
 * 0, and the trunk 0 written after it (`+84 (0)90…`) dropped.
 */
export function phoneKey(phone: string | null | undefined): string | undefined {
  if (!phone) return undefined;
  let digits = phone.replace(/\D/g, '');
  if (digits.startsWith('840') && digits.length >= 12) digits = digits.slice(2);
  else if (digits.startsWith('84') && digits.length >= 11) digits = `0${digits.slice(2)}`;
  return digits || undefined;
}

export function findByEmail(shop: ShopData, email: string): CustomerJson | undefined {
  const key = email.trim().toLowerCase();
  return shop.customers.find((c) => c.email?.toLowerCase() === key);
}

export function findByPhone(shop: ShopData, phone: string): CustomerJson | undefined {
  const key = phoneKey(phone);
  return key ? shop.customers.find((c) => phoneKey(c.phone) === key) : undefined;
}

export function createCustomer(shop: ShopData, ctx: ModelContext, input: CustomerInput): CustomerJson {
  const email = input.email?.trim() || null;
  const phone = input.phone?.trim() || null;
  if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) throw unprocessable(`Email ${email} is invalid`);
  if (phone && !/^\+?[\d\s().-]{6,}$/.test(phone)) throw unprocessable(`Phone ${phone} is invalid`);
  if (email && findByEmail(shop, email)) throw unprocessable(`Email ${email} has already been taken`);
  if (phone && findByPhone(shop, phone)) throw unprocessable(`Phone ${phone} has already been taken`);
  const at = ctx.now();
  const id = ctx.newId();
  const addresses = (input.addresses ?? []).map((a, i) => ({
    ...a,
    id: ctx.newId(),
    customer_id: id,
    default: i === 0,
    name: `${a.first_name ?? ''} ${a.last_name ?? ''}`.trim(),
  }));
  const customer: CustomerJson = {
    id,
    first_name: input.first_name ?? null,
    last_name: input.last_name ?? null,
    email,
    phone,
    accepts_marketing: false,
    addresses,
    default_address: addresses[0] ?? null,
    state: 'disabled',
    verified_email: input.verified_email ?? false,
    note: input.note ?? null,
    tags: input.tags ?? null,
    orders_count: 0,
    total_spent: 0,
    total_paid: 0,
    last_order_id: null,
    last_order_name: null,
    last_order_date: null,
    multipass_identifier: null,
    group_name: null,
    birthday: null,
    gender: null,
    created_at: at,
    updated_at: at,
  };
  shop.customers.push(customer);
  return customer;
}

/** The shared guest customer attached to orders that name no customer and no email. */
export function guestCustomer(shop: ShopData, ctx: ModelContext): CustomerJson {
  return findByEmail(shop, GUEST_EMAIL) ?? createCustomer(shop, ctx, { first_name: 'Khách', last_name: 'lẻ', email: GUEST_EMAIL });
}

export function searchCustomers(shop: ShopData, query: string): CustomerJson[] {
  const q = query.trim().toLowerCase();
  const qPhone = phoneKey(q);
  return shop.customers
    .filter((c) => {
      if (!q) return true;
      const name = `${c.first_name ?? ''} ${c.last_name ?? ''}`.toLowerCase();
      const fields = [name, `${c.last_name ?? ''} ${c.first_name ?? ''}`.toLowerCase(), c.email?.toLowerCase() ?? '', c.phone ?? ''];
      if (fields.some((f) => f.includes(q))) return true;
      const cPhone = phoneKey(c.phone);
      return !!qPhone && !!cPhone && /^[\d\s+().-]+$/.test(q) && cPhone.includes(qPhone);
    })
    .sort((a, b) => (b.last_order_date ?? '').localeCompare(a.last_order_date ?? '') || b.id - a.id);
}
