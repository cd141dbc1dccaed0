/**
 * Installations of the Haravan app, one per shop: who installed it, the granted scopes, the access token's
 * lifetime and whether its refresh failed; the access and refresh tokens sealed with the keyring (AES-GCM bound to
 * the shop id). A connection made from an installation (credentials `haravan.installation`) reads the
 * installation's current token (`resolveCredentials`), so a refresh reaches every client.
 */
import { open, seal } from '../secrets';
import type { Credentials } from '../types';
import { CredentialRepo } from './credentials';
import { iso, Row } from './rows';

export type InstallationStatus = 'installed' | 'refresh_failed';

export interface InstallationRecord {
  shopId: number;
  scopes: string[];
  installedBy: string;
  issuedAt: string;
  expiresAt: string;
  status: InstallationStatus;
  installedAt: string;
  updatedAt: string;
}

export interface InstallationTokens {
  accessToken: string;
  refreshToken?: string;
}

export interface InstallationGrant extends InstallationTokens {
  scopes: string[];
  installedBy: string;
  issuedAt: Date;
  expiresAt: Date;
}

const aad = (shopId: number) => `installation:${shopId}`;

const toInstallation = (r: Row): InstallationRecord => ({
  shopId: Number(r.shop_id),
  scopes: String(r.scopes).split(' ').filter(Boolean),
  installedBy: r.installed_by,
  issuedAt: iso(r.issued_at)!,
  expiresAt: iso(r.expires_at)!,
  status: r.status,
  installedAt: iso(r.installed_at)!,
  updatedAt: iso(r.updated_at)!,
});

/** Extends CredentialRepo for `resolveCredentials` (the Store mixes in only each class's own methods). */
export class InstallationRepo extends CredentialRepo {
  /** A new install replaces whatever the shop had (a reinstall starts clean). */
  async saveInstallation(shopId: number, g: InstallationGrant): Promise<void> {
    const sealed = seal(this.keyring, { accessToken: g.accessToken, refreshToken: g.refreshToken } satisfies InstallationTokens, aad(shopId));
    await this.db.query(
      `INSERT INTO installations (shop_id, key_id, ciphertext, scopes, installed_by, issued_at, expires_at, status, installed_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'installed', now(), now())
       ON CONFLICT (shop_id) DO UPDATE SET key_id = EXCLUDED.key_id, ciphertext = EXCLUDED.ciphertext, scopes = EXCLUDED.scopes,
         installed_by = EXCLUDED.installed_by, issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at, status = 'installed',
         installed_at = now(), updated_at = now()`,
      [shopId, sealed.keyId, sealed.ciphertext, g.scopes.join(' '), g.installedBy, g.issuedAt.toISOString(), g.expiresAt.toISOString()],
    );
  }

  /** After a refresh: the new tokens (a refresh token not rotated keeps the stored one). */
  async saveRefreshedTokens(shopId: number, t: { accessToken: string; refreshToken?: string; issuedAt: Date; expiresAt: Date }): Promise<void> {
    const previous = await this.loadInstallationTokens(shopId);
    if (!previous) return;
    const sealed = seal(this.keyring, { accessToken: t.accessToken, refreshToken: t.refreshToken ?? previous.refreshToken } satisfies InstallationTokens, aad(shopId));
    await this.db.query(
      `UPDATE installations SET key_id = $2, ciphertext = $3, issued_at = $4, expires_at = $5, status = 'installed', updated_at = now() WHERE shop_id = $1`,
      [shopId, sealed.keyId, sealed.ciphertext, t.issuedAt.toISOString(), t.expiresAt.toISOString()],
    );
  }

  async markInstallationRefreshFailed(shopId: number): Promise<void> {
    await this.db.query(`UPDATE installations SET status = 'refresh_failed', updated_at = now() WHERE shop_id = $1`, [shopId]);
  }

  /** What is known of the shop's installation, without its tokens; null when the app is not installed. */
  async getInstallation(shopId: number): Promise<InstallationRecord | null> {
    const rows = await this.db.query<Row>('SELECT shop_id, scopes, installed_by, issued_at, expires_at, status, installed_at, updated_at FROM installations WHERE shop_id = $1', [shopId]);
    return rows[0] ? toInstallation(rows[0]) : null;
  }

  async loadInstallationTokens(shopId: number): Promise<InstallationTokens | null> {
    const rows = await this.db.query<{ key_id: string; ciphertext: string }>('SELECT key_id, ciphertext FROM installations WHERE shop_id = $1', [shopId]);
    if (!rows[0]) return null;
    return open<InstallationTokens>(this.keyring, { keyId: rows[0].key_id, ciphertext: rows[0].ciphertext }, aad(shopId));
  }

  /** Uninstall: the tokens are forgotten. */
  async deleteInstallation(shopId: number): Promise<void> {
    await this.db.query('DELETE FROM installations WHERE shop_id = $1', [shopId]);
  }

  /**
   * A connection's credentials as its clients use them: those made from the installation carry the installation's
   * current access token and its expiry ('' once the app is uninstalled, which Haravan refuses like any revoked token).
   */
  async resolveCredentials(connectionId: string, shopId: number): Promise<Credentials | null> {
    const creds = await this.loadCredentials(connectionId);
    if (!creds?.haravan.installation) return creds;
    const rows = await this.db.query<{ key_id: string; ciphertext: string; expires_at: unknown }>('SELECT key_id, ciphertext, expires_at FROM installations WHERE shop_id = $1', [shopId]);
    if (!rows[0]) return { ...creds, haravan: { ...creds.haravan, accessToken: '' } };
    const tokens = open<InstallationTokens>(this.keyring, { keyId: rows[0].key_id, ciphertext: rows[0].ciphertext }, aad(shopId));
    return { ...creds, haravan: { ...creds.haravan, accessToken: tokens.accessToken, expiresAt: iso(rows[0].expires_at as never)! } };
  }

  /** Key rotation: re-seal every installation under the current key. Returns how many were rewritten. */
  async reencryptInstallations(): Promise<number> {
    const rows = await this.db.query<{ shop_id: string; key_id: string }>('SELECT shop_id, key_id FROM installations');
    let n = 0;
    for (const r of rows) {
      if (r.key_id === this.keyring.current.id) continue;
      const shopId = Number(r.shop_id);
      const tokens = await this.loadInstallationTokens(shopId);
      if (!tokens) continue;
      const sealed = seal(this.keyring, tokens, aad(shopId));
      await this.db.query('UPDATE installations SET key_id = $2, ciphertext = $3 WHERE shop_id = $1', [shopId, sealed.keyId, sealed.ciphertext]);
      n++;
    }
    return n;
  }

  /** Key rotation: how many installations are still sealed under a key other than the current one. */
  async installationsUnderOldKeys(): Promise<number> {
    const rows = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM installations WHERE key_id <> $1', [this.keyring.current.id]);
    return Number(rows[0].n);
  }
}
