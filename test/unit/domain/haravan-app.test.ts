/** The Haravan app's pure rules (domain/haravan-app.ts). */
import { authorizeUrl, INSTALL_SCOPES, isShopAdmin, LOGIN_SCOPES, parseShopId, refreshDueAt } from '../../../domain/haravan-app';

test.each<[unknown, boolean]>([
  ['admin', true],
  [['staff', 'admin'], true],
  [' Admin ', true],
  ['staff', false],
  [['staff'], false],
  [undefined, false],
  [[1, null], false],
  ['administrator', false],
])('isShopAdmin(%j) = %s', (role, admin) => expect(isShopAdmin(role)).toBe(admin));

test.each<[unknown, number | undefined]>([
  ['200000244883', 200000244883],
  [200000244883, 200000244883],
  ['0', undefined],
  ['-5', undefined],
  ['12abc', undefined],
  ['1e5', undefined],
  ['99999999999999999', undefined],
  [undefined, undefined],
])('parseShopId(%j) = %s', (v, id) => expect(parseShopId(v)).toBe(id));

const H = 3_600_000;
test.each<[string, number, number, number]>([
  ['a day: 5 min before expiry', 0, 24 * H, 24 * H - 5 * 60_000],
  ['an hour: 5 min before expiry', 1000, 1000 + H, 1000 + H - 5 * 60_000],
  ['20 minutes: at 80 % (16 min), a margin of 4 min', 0, 20 * 60_000, 16 * 60_000],
  ['10 seconds: at 8 s, not at once (no busy loop)', 5000, 15_000, 13_000],
  ['already expired: at its expiry', 7, 7, 7],
])('refreshDueAt: %s', (_n, issued, expires, due) => {
  expect(refreshDueAt(issued, expires)).toBe(due);
  expect(refreshDueAt(issued, expires)).toBeLessThanOrEqual(expires);
});

test('authorize URLs: form_post, code id_token, the pass scopes, redirect URI on PUBLIC_URL, orgid only when given', () => {
  const app = { accountsUrl: 'https://accounts.haravan.com', clientId: 'cid', publicUrl: 'https://sync.example' };
  const login = new URL(authorizeUrl(app, { step: 'login', nonce: 'n', state: 's' }));
  expect(login.origin + login.pathname).toBe('https://accounts.haravan.com/connect/authorize');
  expect(Object.fromEntries(login.searchParams)).toEqual({ response_mode: 'form_post', response_type: 'code id_token', scope: LOGIN_SCOPES.join(' '), client_id: 'cid', redirect_uri: 'https://sync.example/install/login', nonce: 'n', state: 's' });
  const grant = new URL(authorizeUrl(app, { step: 'grant', nonce: 'n2', state: 's2', orgId: 42 }));
  expect(grant.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['grant_service', 'wh_api', 'offline_access', 'com.write_orders']));
  expect(grant.searchParams.get('scope')).toBe(INSTALL_SCOPES.join(' '));
  expect(grant.searchParams.get('redirect_uri')).toBe('https://sync.example/install/grant');
  expect(grant.searchParams.get('orgid')).toBe('42');
});
