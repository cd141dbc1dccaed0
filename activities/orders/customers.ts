/**
 * The buyer's Haravan customer. Its id is remembered per buyer identity (domain/customer.ts `customerKey`, store
 * per connection), so a repeat buyer costs no Haravan call; otherwise the customer is created, and when Haravan
 * refuses the create because it has that phone or email already (both unique per shop), the existing customer is
 * found by search and reused (domain/customer.ts `customerSearches`). An order with no buyer data makes no call.
 */
import { ConnectorError } from '../../connectors/errors';
import { customerKey, customerSearches, isMissingCustomerRefusal, sameCustomer } from '../../domain/customer';
import type { Store } from '../../store/store';
import type { ConnectionClients } from '../context';

export async function findOrCreateCustomer(c: ConnectionClients, phone: string | null, email: string | null, body: Record<string, unknown>): Promise<number | undefined> {
  const find = async (): Promise<number | undefined> => {
    for (const q of customerSearches(phone, email)) {
      const found = await c.haravan.searchCustomers(q);
      const hit = found.find((x) => sameCustomer(x, phone, email));
      if (hit) return Number(hit.id);
    }
    return undefined;
  };
  if (!phone && !email) return undefined;
  // Create first: a buyer new to the shop (the common case for a marketplace) costs one call, not a search and a
  // create; one Haravan already has costs the refused create and a search (a lost create answer likewise).
  try {
    const created = await c.haravan.createCustomer(body as never);
    return Number(created.id);
  } catch (err) {
    // Haravan has that phone or email already (the buyer, or a concurrent import's create): find and reuse it.
    if (err instanceof ConnectorError && err.code === 'VALIDATION') {
      const existing = await find();
      if (existing !== undefined) return existing;
    }
    throw err;
  }
}

export interface Buyer {
  phone: string | null;
  email: string | null;
  /** Haravan customer create body, used when the buyer has no Haravan customer yet. */
  body: Record<string, unknown>;
}

/**
 * Run `use` with the buyer's Haravan customer id (undefined: no buyer data). A remembered id is used without any
 * Haravan call; if `use` fails because Haravan no longer has that customer (`isMissingCustomerRefusal`), the id is
 * forgotten and `use` runs once more with the customer found or created anew.
 */
export async function withCustomer<T>(store: Store, connectionId: string, c: ConnectionClients, buyer: Buyer, use: (customerId: number | undefined) => Promise<T>): Promise<T> {
  const key = customerKey(buyer.phone, buyer.email);
  if (key === null) return use(undefined);
  const resolve = async () => {
    const id = await findOrCreateCustomer(c, buyer.phone, buyer.email, buyer.body);
    if (id !== undefined) await store.rememberHaravanCustomer(connectionId, key, id);
    return id;
  };
  const remembered = await store.getHaravanCustomerId(connectionId, key);
  if (remembered === null) return use(await resolve());
  try {
    return await use(remembered);
  } catch (err) {
    if (!(err instanceof ConnectorError) || !isMissingCustomerRefusal(err.status, err.message)) throw err;
    await store.forgetHaravanCustomer(connectionId, key, remembered);
    return use(await resolve());
  }
}
