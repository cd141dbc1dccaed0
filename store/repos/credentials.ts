/** Per-connection vendor credentials, sealed with the keyring (AES-GCM bound to the connection id). */
import { open, seal } from '../secrets';
import type { Credentials } from '../types';
import { Repo } from './repo';

export class CredentialRepo extends Repo {
  async saveCredentials(connectionId: string, creds: Credentials): Promise<void> {
    const sealed = seal(this.keyring, creds, `credentials:${connectionId}`);
    await this.db.query(
      `INSERT INTO credentials (connection_id, key_id, ciphertext) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id) DO UPDATE SET key_id = EXCLUDED.key_id, ciphertext = EXCLUDED.ciphertext, updated_at = now()`,
      [connectionId, sealed.keyId, sealed.ciphertext],
    );
  }

  async loadCredentials(connectionId: string): Promise<Credentials | null> {
    const rows = await this.db.query<{ key_id: string; ciphertext: string }>('SELECT key_id, ciphertext FROM credentials WHERE connection_id = $1', [connectionId]);
    if (!rows[0]) return null;
    return open<Credentials>(this.keyring, { keyId: rows[0].key_id, ciphertext: rows[0].ciphertext }, `credentials:${connectionId}`);
  }

  async deleteCredentials(connectionId: string): Promise<void> {
    await this.db.query('DELETE FROM credentials WHERE connection_id = $1', [connectionId]);
  }

  /** Key rotation: re-encrypt every record with the current key. Returns how many were rewritten. */
  async reencryptCredentials(): Promise<number> {
    const rows = await this.db.query<{ connection_id: string; key_id: string }>('SELECT connection_id, key_id FROM credentials');
    let n = 0;
    for (const r of rows) {
      if (r.key_id === this.keyring.current.id) continue;
      const creds = await this.loadCredentials(r.connection_id);
      if (creds) {
        await this.saveCredentials(r.connection_id, creds);
        n++;
      }
    }
    return n;
  }

  /** How many records are still encrypted under a key other than the current one (0 once a rotation is done). */
  async credentialsUnderOldKeys(): Promise<number> {
    const rows = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM credentials WHERE key_id <> $1', [this.keyring.current.id]);
    return Number(rows[0].n);
  }
}
