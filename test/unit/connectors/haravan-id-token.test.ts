/** The id_token checks of the Haravan app install (connectors/haravan/accounts.ts verifyIdToken), one per rule. */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { HaravanAccounts, IdTokenError } from '../../../connectors/haravan/accounts';
import type { HaravanAppSettings } from '../../../domain/haravan-app';

const app: HaravanAppSettings = {
  publicUrl: 'https://sync.example',
  clientId: 'app-client',
  clientSecret: 'app-secret',
  accountsUrl: 'https://accounts.haravan.com',
  apiUrl: 'https://apis.haravan.com',
  webhookUrl: 'https://webhook.haravan.com',
};
const NONCE = 'nonce-123';

let issuerKey: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;
let accounts: HaravanAccounts;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  issuerKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  accounts = new HaravanAccounts(app, createLocalJWKSet({ keys: [jwk] }));
});

interface Variant {
  /** Signed by a key the issuer does not publish (same kid). */
  foreignKey?: boolean;
  iss?: string;
  aud?: string;
  nonce?: string | null;
  exp?: number | string;
}

function token(v: Variant = {}): Promise<string> {
  const claims: Record<string, unknown> = { orgid: '200000244883', role: ['admin'], orgname: 'Demo' };
  if (v.nonce !== null) claims.nonce = v.nonce ?? NONCE;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(v.iss ?? app.accountsUrl)
    .setAudience(v.aud ?? app.clientId)
    .setSubject('100001')
    .setIssuedAt()
    .setExpirationTime(v.exp ?? '5m')
    .sign(v.foreignKey ? otherKey : issuerKey);
}

async function problemOf(idToken: string, nonce = NONCE): Promise<string> {
  try {
    await accounts.verifyIdToken(idToken, nonce);
    return 'accepted';
  } catch (err) {
    return err instanceof IdTokenError ? err.problem : `other: ${String(err)}`;
  }
}

test('a token of the issuer, for this app, fresh and with our nonce, is accepted with its claims', async () => {
  await expect(accounts.verifyIdToken(await token(), NONCE)).resolves.toEqual({ userId: '100001', shopId: 200000244883, shopName: 'Demo', role: ['admin'], email: undefined });
});

test.each<[string, Variant, string]>([
  ['signed by another key (same kid)', { foreignKey: true }, 'signature'],
  ['for another app (audience)', { aud: 'someone-else' }, 'audience'],
  ['from another issuer', { iss: 'https://accounts.evil.example' }, 'issuer'],
  ['expired (beyond the 30 s tolerance)', { exp: Math.floor(Date.now() / 1000) - 120 }, 'expired'],
  ['without a nonce', { nonce: null }, 'nonce'],
  ['with another nonce', { nonce: 'replayed-nonce' }, 'nonce'],
])('refused when %s', async (_name, v, problem) => {
  expect(await problemOf(await token(v))).toBe(problem);
});

test('refused when we expected no nonce at all (a callback without its browser state)', async () => {
  expect(await problemOf(await token(), '')).toBe('nonce');
});

test('an unsigned token (alg none) and a shared-secret token (HS256) are refused', async () => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const payload = { iss: app.accountsUrl, aud: app.clientId, sub: '1', nonce: NONCE, exp: Math.floor(Date.now() / 1000) + 300 };
  expect(await problemOf(`${b64({ alg: 'none' })}.${b64(payload)}.`)).toBe('signature');
  const hs = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(app.clientSecret));
  expect(await problemOf(hs)).toBe('signature');
});

test('garbage is refused as malformed', async () => {
  expect(await problemOf('not-a-jwt')).toBe('malformed');
});
