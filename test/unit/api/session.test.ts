/**
 * The merchant session cookie: signed with the store's session key, HttpOnly + SameSite=Lax (+ Secure unless
 * turned off for the embedded demo), short-lived with sliding renewal, revocable server-side, and its CSRF token.
 */
import type { Request, Response } from 'express';
import { parseSetCookie } from 'cookie';
import { openDb } from '../../../store/db';
import { makeKeyring } from '../../../store/secrets';
import { Store } from '../../../store/store';
import { csrfMatches, endSession, readSession, startSession } from '../../../api/session';
import { SESSION_COOKIE, SESSION_IDLE_MS, SESSION_MAX_MS } from '../../../domain/session';

jest.setTimeout(60_000);

let store: Store;

beforeAll(async () => {
  store = new Store(await openDb({ dataDir: 'memory://' }), makeKeyring('session-test-key-material-0123456789'));
  await store.migrate();
});

afterAll(() => store.close());

function fakeRes() {
  const cookies: string[] = [];
  const res = { append: (name: string, value: string) => (name === 'Set-Cookie' ? cookies.push(value) : undefined) } as unknown as Response;
  return { res, cookies };
}
const reqWith = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } }) as unknown as Request;
const cookieHeader = (setCookie: string) => {
  const c = parseSetCookie(setCookie);
  return `other=1; ${c.name}=${c.value}`;
};

async function signIn(shopId = 1001, deps: { store: Store; sessionCookieSecure?: boolean } = { store }) {
  const { res, cookies } = fakeRes();
  await startSession(res, deps, { shopId, userId: `user-${shopId}` });
  expect(cookies).toHaveLength(1);
  return cookies[0];
}

test('startSession sets a signed, HttpOnly, SameSite=Lax, Secure cookie that names a stored session of that shop', async () => {
  const set = await signIn(1001);
  const c = parseSetCookie(set);
  expect(c.name).toBe(SESSION_COOKIE);
  expect(set).toMatch(/HttpOnly/);
  expect(set).toMatch(/SameSite=Lax/);
  expect(set).toMatch(/Secure/);
  expect(c.path).toBe('/');
  expect(c.maxAge).toBeGreaterThan(SESSION_IDLE_MS / 1000 - 5);
  expect(c.maxAge).toBeLessThanOrEqual(SESSION_IDLE_MS / 1000);
  const s = await readSession(reqWith(cookieHeader(set)), fakeRes().res, { store });
  expect(s).toMatchObject({ shopId: 1001, userId: 'user-1001' });
  expect(s!.csrfToken.length).toBeGreaterThanOrEqual(40);
});

test('the embedded demo (sessionCookieSecure: false) drops only Secure', async () => {
  const set = await signIn(1002, { store, sessionCookieSecure: false });
  expect(set).not.toMatch(/Secure/);
  expect(set).toMatch(/HttpOnly/);
  expect(set).toMatch(/SameSite=Lax/);
});

test('a tampered, unsigned or foreign-key cookie is no session', async () => {
  const set = await signIn(1003);
  const value = parseSetCookie(set).value!;
  const [id, sig] = value.split('.');
  const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  for (const bad of [`${id}.${flip(sig)}`, `${flip(id)}.${sig}`, id, `${id}.`, '', 'x.y']) {
    expect(await readSession(reqWith(`${SESSION_COOKIE}=${bad}`), fakeRes().res, { store })).toBeUndefined();
  }
  expect(await readSession(reqWith(), fakeRes().res, { store })).toBeUndefined();
  // Same rows, another key material: the signature no longer verifies.
  const other = new Store(store.db, makeKeyring('another-key-material-0123456789abcdef'));
  expect(await readSession(reqWith(cookieHeader(set)), fakeRes().res, { store: other })).toBeUndefined();
});

test('sliding renewal: past half the idle window the expiry moves on and a fresh cookie is set; early requests write nothing', async () => {
  const set = await signIn(1004);
  const header = cookieHeader(set);
  const first = (await readSession(reqWith(header), fakeRes().res, { store }))!;
  const start = first.createdAt.getTime();

  const early = fakeRes();
  const e = (await readSession(reqWith(header), early.res, { store }, new Date(start + SESSION_IDLE_MS / 4)))!;
  expect(early.cookies).toHaveLength(0);
  expect(e.expiresAt.getTime()).toBe(first.expiresAt.getTime());

  const late = fakeRes();
  const at = new Date(start + SESSION_IDLE_MS * 0.75);
  const l = (await readSession(reqWith(header), late.res, { store }, at))!;
  expect(l.expiresAt.getTime()).toBe(at.getTime() + SESSION_IDLE_MS);
  expect(late.cookies).toHaveLength(1);
  expect(parseSetCookie(late.cookies[0]).value).toBe(parseSetCookie(set).value);
  // Stored: a request after the first expiry but before the renewed one still finds the session.
  expect(await readSession(reqWith(header), fakeRes().res, { store }, new Date(start + SESSION_IDLE_MS + 60_000))).toBeDefined();
});

test('an idle session expires; however active, a session ends at its maximum age', async () => {
  const header = cookieHeader(await signIn(1005));
  const s = (await readSession(reqWith(header), fakeRes().res, { store }))!;
  expect(await readSession(reqWith(header), fakeRes().res, { store }, new Date(s.expiresAt.getTime()))).toBeUndefined();

  const busy = cookieHeader(await signIn(1006));
  const b = (await readSession(reqWith(busy), fakeRes().res, { store }))!;
  let t = b.createdAt.getTime();
  let last = b;
  // A request every 20 minutes keeps it alive, up to the maximum age and not beyond.
  while (t < b.createdAt.getTime() + SESSION_MAX_MS - 20 * 60_000) {
    t += 20 * 60_000;
    last = (await readSession(reqWith(busy), fakeRes().res, { store }, new Date(t)))!;
    expect(last).toBeDefined();
  }
  expect(last.expiresAt.getTime()).toBeLessThanOrEqual(b.createdAt.getTime() + SESSION_MAX_MS);
  expect(await readSession(reqWith(busy), fakeRes().res, { store }, new Date(b.createdAt.getTime() + SESSION_MAX_MS))).toBeUndefined();
});

test('a revoked session is gone at once; signing out clears the cookie', async () => {
  const header = cookieHeader(await signIn(1007));
  const s = (await readSession(reqWith(header), fakeRes().res, { store }))!;
  const out = fakeRes();
  await endSession(out.res, { store }, s);
  expect(parseSetCookie(out.cookies[0])).toMatchObject({ name: SESSION_COOKIE, value: '' });
  expect(await readSession(reqWith(header), fakeRes().res, { store })).toBeUndefined();

  const h2 = cookieHeader(await signIn(1008));
  expect(await store.revokeShopSessions(1008)).toBe(1);
  expect(await readSession(reqWith(h2), fakeRes().res, { store })).toBeUndefined();
});

test('the CSRF token: only the session\'s own token matches', async () => {
  const a = (await readSession(reqWith(cookieHeader(await signIn(1009))), fakeRes().res, { store }))!;
  const b = (await readSession(reqWith(cookieHeader(await signIn(1010))), fakeRes().res, { store }))!;
  expect(csrfMatches(a, a.csrfToken)).toBe(true);
  expect(csrfMatches(a, b.csrfToken)).toBe(false);
  expect(csrfMatches(a, undefined)).toBe(false);
  expect(csrfMatches(a, '')).toBe(false);
  expect(csrfMatches(a, [a.csrfToken])).toBe(false);
});
