/**
 * The buyer's Haravan customer. Its id is remembered per buyer identity (domain/customer.ts `customerKey`, store
 * per connection), so a repeat buyer costs no Haravan call; otherwise an existing customer with the same identity
 * is reused (search), else one is created. An order with no buyer data makes no call at all.
 */
import { ConnectorError } from '../../connectors/errors';
import { customerKey, customerSearches, isMissingCustomerRefusal, sameCustomer } from '../../domain/customer';
import type { Store } from '../../store/store';
import type { ConnectionClients } from '../context';

export async function findOrCreateCustomer(c: ConnectionClients, phone: string | null, email: string | null, body: Record<string, unknown>): Promise<number | undefined> {
  const find = async (everyQuery: boolean): Promise<number | undefined> => {
    for (const q of customerSearches(phone, email, everyQuery)) {
      const found = await c.haravan.searchCustomers(q);
      const hit = found.find((x) => sameCustomer(x, phone, email));
      if (hit) return Number(hit.id);
    }
    return undefined;
  };
  if (!phone && !email) return undefined;
  const existing = await find(false);
  if (existing !== undefined) return existing;
  try {
    const created = await c.haravan.createCustomer(body as never);
    return Number(created.id);
  } catch (err) {
    // A concurrent import created it first, or the first search missed it (unique phone/email): look it up again.
    if (err instanceof ConnectorError && err.code === 'VALIDATION') {
      const again = await find(true);
      if (again !== undefined) return again;
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
