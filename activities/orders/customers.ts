/** The buyer's Haravan customer: an existing one with the same identity (domain/customer.ts) is reused, else created. */
import { ConnectorError } from '../../connectors/errors';
import { sameCustomer } from '../../domain/customer';
import type { ConnectionClients } from '../context';

export async function findOrCreateCustomer(c: ConnectionClients, phone: string | null, email: string | null, body: Record<string, unknown>): Promise<number | undefined> {
  const find = async (): Promise<number | undefined> => {
    for (const q of [phone, email]) {
      if (!q) continue;
      const found = await c.haravan.searchCustomers(q);
      const hit = found.find((x) => sameCustomer(x, phone, email));
      if (hit) return Number(hit.id);
    }
    return undefined;
  };
  const existing = await find();
  if (existing !== undefined) return existing;
  if (!phone && !email) return undefined;
  try {
    const created = await c.haravan.createCustomer(body as never);
    return Number(created.id);
  } catch (err) {
    // A concurrent import created it first (unique phone/email): look it up again.
    if (err instanceof ConnectorError && err.code === 'VALIDATION') {
      const again = await find();
      if (again !== undefined) return again;
    }
    throw err;
  }
}
