/** The Haravan customer id remembered per buyer identity (domain/customer.ts `customerKey`), per connection. */
import { Repo } from './repo';

export class CustomerRepo extends Repo {
  async getHaravanCustomerId(connectionId: string, identity: string): Promise<number | null> {
    const rows = await this.db.query<{ id: string | number }>('SELECT haravan_customer_id AS id FROM haravan_customers WHERE connection_id = $1 AND identity = $2', [connectionId, identity]);
    return rows[0] ? Number(rows[0].id) : null;
  }

  async rememberHaravanCustomer(connectionId: string, identity: string, haravanCustomerId: number): Promise<void> {
    await this.db.query(
      `INSERT INTO haravan_customers (connection_id, identity, haravan_customer_id) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id, identity) DO UPDATE SET haravan_customer_id = EXCLUDED.haravan_customer_id, updated_at = now()`,
      [connectionId, identity, haravanCustomerId],
    );
  }

  /** Forget a remembered id (Haravan no longer has that customer); only if it is still the one remembered. */
  async forgetHaravanCustomer(connectionId: string, identity: string, haravanCustomerId: number): Promise<void> {
    await this.db.query('DELETE FROM haravan_customers WHERE connection_id = $1 AND identity = $2 AND haravan_customer_id = $3', [connectionId, identity, haravanCustomerId]);
  }
}
