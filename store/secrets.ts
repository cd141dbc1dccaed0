/**
 * Credentials at rest: AES-256-GCM with a key id, so keys can be rotated.
 *
 * Key material: ENCRYPTION_KEY (32 bytes, base64 or hex; any other string is stretched with scrypt),
 * optional ENCRYPTION_KEYS_PREVIOUS (comma-separated) for decrypting records written under old keys.
 * Rotation: set the new key as ENCRYPTION_KEY, the old one in ENCRYPTION_KEYS_PREVIOUS, restart, then
 * call Store.reencryptCredentials() (run by `npm run rotate-keys`); afterwards drop the old key.
 */
import crypto from 'node:crypto';

export interface Keyring {
  current: { id: string; key: Buffer };
  all: Map<string, Buffer>;
  /** The HMAC key of merchant session cookies (current material only: a rotation ends the open sessions). */
  session: Buffer;
}

export function deriveKey(material: string): Buffer {
  const trimmed = material.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const b64 = Buffer.from(trimmed, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(trimmed)) return b64;
  return crypto.scryptSync(trimmed, 'haravan-tiki-sync/credentials', 32);
}

/**
 * One key per use, derived from the key material with HKDF-SHA256: credentials at rest and the Temporal payload
 * codec never share a key (a key recovered from one says nothing about the other).
 */
export type KeyPurpose = 'credentials' | 'payload-codec' | 'session-cookie';

export function purposeKey(material: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', deriveKey(material), 'haravan-tiki-sync', `haravan-tiki-sync/${purpose}/v1`, 32));
}

/**
 * The keys that may decrypt for `purpose`: the derived key of every material, and the material's key itself (what
 * records and payloads written before the per-purpose keys use), by key id. The first is the one that encrypts.
 */
export function decryptionKeys(current: string, previous: string[], purpose: KeyPurpose): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const m of [current, ...previous.filter(Boolean)]) {
    for (const k of [purposeKey(m, purpose), deriveKey(m)]) keys.set(keyId(k), k);
  }
  return keys;
}

export function keyId(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export function makeKeyring(current: string, previous: string[] = []): Keyring {
  const key = purposeKey(current, 'credentials');
  return { current: { id: keyId(key), key }, all: decryptionKeys(current, previous, 'credentials'), session: purposeKey(current, 'session-cookie') };
}

export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env, fallback?: string): Keyring {
  const current = env.ENCRYPTION_KEY || fallback;
  if (!current) throw new Error('ENCRYPTION_KEY is not set');
  return makeKeyring(current, (env.ENCRYPTION_KEYS_PREVIOUS ?? '').split(','));
}

/** Encrypt a JSON value: `v1.<iv b64>.<tag b64>.<ciphertext b64>`, authenticated with the aad. */
export function seal(keyring: Pick<Keyring, 'current'>, value: unknown, aad: string): { keyId: string; ciphertext: string } {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyring.current.key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { keyId: keyring.current.id, ciphertext: ['v1', iv.toString('base64'), tag.toString('base64'), ct.toString('base64')].join('.') };
}

export function open<T>(keyring: Keyring, sealed: { keyId: string; ciphertext: string }, aad: string): T {
  const key = keyring.all.get(sealed.keyId);
  if (!key) throw new Error(`no key for key id ${sealed.keyId} (set ENCRYPTION_KEYS_PREVIOUS)`);
  const [version, ivB64, tagB64, ctB64] = sealed.ciphertext.split('.');
  if (version !== 'v1') throw new Error('unknown ciphertext version');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(ivB64, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tagB64, 'base64'));
  const pt = Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64')), decipher.final()]);
  return JSON.parse(pt.toString('utf8')) as T;
}
