/** Which Haravan app `npm start` runs as (boot/demo-app.ts). */
import { DEMO_APP_CLIENT_ID, DEMO_APP_TOPICS, devStackApp, haravanAppEnv, installLine } from '../../../boot/demo-app';
import { readHaravanApp } from '../../../boot/env';

const sandbox = 'http://127.0.0.1:8091';
const secret = jest.fn(() => 'demo-secret');

beforeEach(() => secret.mockClear());

test('with the sandboxes and no app of the operator: the demo app on localhost, the sandbox as Haravan, registered with both redirect URIs', () => {
  const app = devStackApp({ env: {}, apiPort: 8080, haravanSandboxUrl: `${sandbox}/`, demoSecret: secret });
  expect(app).toEqual({
    source: 'demo',
    settings: { publicUrl: 'http://localhost:8080', clientId: DEMO_APP_CLIENT_ID, clientSecret: 'demo-secret', accountsUrl: sandbox, apiUrl: sandbox, webhookUrl: sandbox },
    registration: {
      clientId: DEMO_APP_CLIENT_ID,
      clientSecret: 'demo-secret',
      redirectUris: ['http://localhost:8080/install/login', 'http://localhost:8080/install/grant'],
      webhookUrl: 'http://localhost:8080/webhooks/haravan',
      topics: DEMO_APP_TOPICS,
    },
  });
  // The install crosses sites: the service and the sandbox are on different loopback names.
  expect(new URL(app!.settings.publicUrl).hostname).not.toBe(new URL(app!.settings.accountsUrl).hostname);
  expect(DEMO_APP_TOPICS).toContain('app/uninstalled');
});

test("the operator's HARAVAN_APP_CLIENT_ID wins: their settings, nothing registered, no demo secret made", () => {
  const env = { HARAVAN_APP_CLIENT_ID: 'mine', HARAVAN_APP_CLIENT_SECRET: 's', PUBLIC_URL: 'https://sync.example.vn/' };
  const app = devStackApp({ env, apiPort: 8080, haravanSandboxUrl: sandbox, demoSecret: secret });
  expect(app).toEqual({ source: 'operator', settings: readHaravanApp(env) });
  expect(app?.registration).toBeUndefined();
  expect(secret).not.toHaveBeenCalled();
});

test("the operator's client id without its secret or PUBLIC_URL is no app (not the demo one either)", () => {
  expect(devStackApp({ env: { HARAVAN_APP_CLIENT_ID: 'mine' }, apiPort: 8080, haravanSandboxUrl: sandbox, demoSecret: secret })).toBeUndefined();
  expect(secret).not.toHaveBeenCalled();
});

test('no sandbox (SANDBOX=off) and no app of the operator: not an app', () => {
  expect(devStackApp({ env: {}, apiPort: 8080, demoSecret: secret })).toBeUndefined();
  expect(secret).not.toHaveBeenCalled();
});

test('the worker child reads back the very settings from the env it is given', () => {
  const app = devStackApp({ env: {}, apiPort: 18401, haravanSandboxUrl: sandbox, demoSecret: secret })!;
  expect(readHaravanApp(haravanAppEnv(app.settings))).toEqual(app.settings);
});

test('the banner line', () => {
  expect(installLine({ publicUrl: 'http://localhost:8080' }, 200000244883)).toBe('  Install on the demo shop: http://localhost:8080/install?orgid=200000244883\n');
});
