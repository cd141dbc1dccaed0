/**
 * `npm start` as a Haravan app against its Haravan sandbox: which app settings the embedded stack runs with, what
 * it registers with the sandbox's accounts server, and the environment the worker child gets them through.
 *
 * The operator's own app (HARAVAN_APP_CLIENT_ID set) wins: it is read from the environment as usual and nothing is
 * registered. Otherwise, when the sandboxes run, the demo app is the sandbox itself (accounts, Admin API and webhook
 * host) and the service is at http://localhost:<API_PORT>, while the sandbox is on 127.0.0.1: two sites, so the
 * install crosses sites as it does with the real Haravan (the callbacks are cross-site form POSTs).
 */
import { redirectUri, type HaravanAppSettings } from '../domain/haravan-app';
import { readHaravanApp } from './env';

/** The demo app's client id (not a secret; the secret is generated per data directory). */
export const DEMO_APP_CLIENT_ID = 'demo-haravan-app';

/** The topics the demo app's webhook subscription listens to (what /webhooks/haravan acts on). */
export const DEMO_APP_TOPICS = ['app/uninstalled', 'products/create', 'products/update', 'orders/create', 'orders/updated'];

/** The body of the Haravan sandbox's `POST /_sandbox/apps`. */
export interface SandboxAppRegistration {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  webhookUrl: string;
  topics: string[];
}

export interface DevStackApp {
  settings: HaravanAppSettings;
  /** `demo`: made here and registered with the sandbox; `operator`: from HARAVAN_APP_* and PUBLIC_URL. */
  source: 'demo' | 'operator';
  /** Set for the demo app: what to register with the sandbox once the API listens. */
  registration?: SandboxAppRegistration;
}

/**
 * The app `npm start` runs as, or undefined (not an app: the operator's HARAVAN_APP_CLIENT_ID without its secret or
 * PUBLIC_URL, or no sandbox to play Haravan). `demoSecret` is asked only when the demo app is chosen.
 */
export function devStackApp(opts: { env: NodeJS.ProcessEnv; apiPort: number; haravanSandboxUrl?: string; demoSecret: () => string }): DevStackApp | undefined {
  if (opts.env.HARAVAN_APP_CLIENT_ID) {
    const settings = readHaravanApp(opts.env);
    return settings && { settings, source: 'operator' };
  }
  if (!opts.haravanSandboxUrl) return undefined;
  const sandbox = opts.haravanSandboxUrl.replace(/\/+$/, '');
  const settings: HaravanAppSettings = {
    publicUrl: `http://localhost:${opts.apiPort}`,
    clientId: DEMO_APP_CLIENT_ID,
    clientSecret: opts.demoSecret(),
    accountsUrl: sandbox,
    apiUrl: sandbox,
    webhookUrl: sandbox,
  };
  return {
    settings,
    source: 'demo',
    registration: {
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      redirectUris: [redirectUri(settings, 'login'), redirectUri(settings, 'grant')],
      webhookUrl: `${settings.publicUrl}/webhooks/haravan`,
      topics: DEMO_APP_TOPICS,
    },
  };
}

/** The settings as the environment variables readHaravanApp reads (the worker child's env). */
export function haravanAppEnv(s: HaravanAppSettings): Record<string, string> {
  return {
    PUBLIC_URL: s.publicUrl,
    HARAVAN_APP_CLIENT_ID: s.clientId,
    HARAVAN_APP_CLIENT_SECRET: s.clientSecret,
    HARAVAN_ACCOUNTS_URL: s.accountsUrl,
    HARAVAN_API_URL: s.apiUrl,
    HARAVAN_WEBHOOK_URL: s.webhookUrl,
  };
}

/** The banner's install line: where a merchant of the demo shop starts the install. */
export const installLine = (s: Pick<HaravanAppSettings, 'publicUrl'>, shopId: number): string => `  Install on the demo shop: ${s.publicUrl}/install?orgid=${shopId}\n`;
