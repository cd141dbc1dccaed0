/**
 * Keys: credentials at rest and the payload codec use separate keys derived (HKDF) from ENCRYPTION_KEY; a rotation
 * (new material, the old one in ENCRYPTION_KEYS_PREVIOUS) keeps old payloads and records readable, and
 * re-encryption leaves no credential under the old key.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec } from '../../../boot/codec';
import { openDb } from '../../../store/db';
import { deriveKey, keyId, makeKeyring, purposeKey, seal } from '../../../store/secrets';
import { Store } from '../../../store/store';

jest.setTimeout(60_000);

const OLD = 'old-key-material-0123456789-abcdefghij';
const NEW = 'new-key-material-9876543210-jihgfedcba';
const creds = { haravan: { accessToken: 'hrv-secret' }, tiki: { clientId: 'c', clientSecret: 'tiki-secret' } };
const keyIdOf = (p: { metadata?: Record<string, Uint8Array> | null }) => Buffer.from(p.metadata!['encryption-key-id']).toString();

test('credentials and the payload codec use different keys, both derived from the material', async () => {
  const credentialsKey = makeKeyring(NEW).current.key;
  const codecKey = purposeKey(NEW, 'payload-codec');
  expect(credentialsKey.equals(codecKey)).toBe(false);
  expect(credentialsKey.equals(deriveKey(NEW))).toBe(false);
  const [payload] = await new AesGcmCodec(NEW).encode([defaultPayloadConverter.toPayload({ x: 1 })]);
  expect(keyIdOf(payload)).toBe(keyId(codecKey));
  expect(makeKeyring(NEW).current.id).not.toBe(keyId(codecKey));
});

test('a rotation: old payloads (also from before the per-purpose keys) still decode, credentials are re-encrypted', async () => {
  const oldPayload = defaultPayloadConverter.toPayload({ phone: '0901234567' });
  const [underOld] = await new AesGcmCodec(OLD).encode([oldPayload]);
  // Written before the keys were derived per purpose: encrypted with the material's key itself.
  const legacyRing = { current: { id: keyId(deriveKey(OLD)), key: deriveKey(OLD) }, all: new Map([[keyId(deriveKey(OLD)), deriveKey(OLD)]]) };
  const legacySealed = seal(legacyRing, creds, 'credentials:conn-legacy');

  const db = await openDb({ dataDir: 'memory://' });
  const before = new Store(db, makeKeyring(OLD));
  await before.migrate();
  await before.saveCredentials('conn-a', creds);
  await db.query('INSERT INTO credentials (connection_id, key_id, ciphertext) VALUES ($1, $2, $3)', ['conn-legacy', legacySealed.keyId, legacySealed.ciphertext]);

  // Restarted with the new material and the old one as previous.
  const codec = new AesGcmCodec(NEW, [OLD]);
  const after = new Store(db, makeKeyring(NEW, [OLD]));
  expect(defaultPayloadConverter.fromPayload(await codec.decode([underOld]).then((d) => d[0]))).toEqual({ phone: '0901234567' });
  const [fresh] = await codec.encode([oldPayload]);
  expect(keyIdOf(fresh)).toBe(keyId(purposeKey(NEW, 'payload-codec')));
  expect(await after.loadCredentials('conn-a')).toEqual(creds);
  expect(await after.loadCredentials('conn-legacy')).toEqual(creds);
  expect(await after.credentialsUnderOldKeys()).toBe(2);
  expect(await after.reencryptCredentials()).toBe(2);
  expect(await after.credentialsUnderOldKeys()).toBe(0);
  // Once re-encrypted, the old material is not needed for credentials any more.
  expect(await new Store(db, makeKeyring(NEW)).loadCredentials('conn-a')).toEqual(creds);
  await after.close();
});

test("a rotation: the Haravan app installations' sealed tokens stay readable and are re-encrypted under the new key", async () => {
  const db = await openDb({ dataDir: 'memory://' });
  const before = new Store(db, makeKeyring(OLD));
  await before.migrate();
  const grant = { accessToken: 'hrv-app-access', refreshToken: 'hrv-app-refresh', scopes: ['openid', 'wh_api'], installedBy: '100001', issuedAt: new Date(), expiresAt: new Date(Date.now() + 3_600_000) };
  await before.saveInstallation(4242, grant);
  await before.saveInstallation(4343, { ...grant, accessToken: 'hrv-app-access-2', refreshToken: undefined });
  const tokens = { accessToken: 'hrv-app-access', refreshToken: 'hrv-app-refresh' };
  // Under the new material alone, the old seal cannot be opened.
  await expect(new Store(db, makeKeyring(NEW)).loadInstallationTokens(4242)).rejects.toThrow();

  const after = new Store(db, makeKeyring(NEW, [OLD]));
  expect(await after.loadInstallationTokens(4242)).toEqual(tokens);
  expect(await after.installationsUnderOldKeys()).toBe(2);
  expect(await after.reencryptInstallations()).toBe(2);
  expect(await after.installationsUnderOldKeys()).toBe(0);
  expect(await after.reencryptInstallations()).toBe(0);
  const keyIds = await db.query<{ key_id: string }>('SELECT DISTINCT key_id FROM installations');
  expect(keyIds.map((r) => r.key_id)).toEqual([makeKeyring(NEW).current.id]);
  // Once re-encrypted, the old material is not needed: the tokens and the record read with the new key alone.
  const onlyNew = new Store(db, makeKeyring(NEW));
  expect(await onlyNew.loadInstallationTokens(4242)).toEqual(tokens);
  expect((await onlyNew.loadInstallationTokens(4343))?.accessToken).toBe('hrv-app-access-2');
  expect(await onlyNew.getInstallation(4242)).toMatchObject({ shopId: 4242, installedBy: '100001', status: 'installed', scopes: ['openid', 'wh_api'] });
  await after.close();
});
