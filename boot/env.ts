/**
 * Environment variables the processes read (README.md, Configuration). One table, used by the worker, the API,
 * `npm start` and the docker-compose validation test.
 */
import path from 'node:path';
import { AllowedOrigin, parseAllowedOrigins } from '../domain/vendor-origins';
import { retentionDaysFrom } from '../domain/audit';
import { DEFAULT_ACCOUNTS_URL, DEFAULT_API_URL, DEFAULT_WEBHOOK_URL, type HaravanAppSettings } from '../domain/haravan-app';

export interface EnvVarSpec {
  name: string;
  /** Which processes read it. */
  usedBy: ('api' | 'worker' | 'dev-stack')[];
  /** Required in production (docker-compose must set it). */
  requiredInProduction: boolean;
  default?: string;
  description: string;
}

export const ENV_SPEC: EnvVarSpec[] = [
  { name: 'API_PORT', usedBy: ['api', 'dev-stack'], requiredInProduction: false, default: '8080', description: 'HTTP port of the API' },
  { name: 'API_TOKEN', usedBy: ['api', 'dev-stack'], requiredInProduction: true, description: 'Bearer token for /v1 (generated and printed by npm start when unset)' },
  { name: 'TEMPORAL_ADDRESS', usedBy: ['api', 'worker', 'dev-stack'], requiredInProduction: true, default: '127.0.0.1:7233', description: 'Temporal frontend host:port' },
  { name: 'TEMPORAL_NAMESPACE', usedBy: ['api', 'worker'], requiredInProduction: false, default: 'default', description: 'Temporal namespace' },
  { name: 'TEMPORAL_PORT', usedBy: ['dev-stack'], requiredInProduction: false, default: '7233', description: 'Port of the embedded dev server' },
  { name: 'TEMPORAL_UI_PORT', usedBy: ['dev-stack'], requiredInProduction: false, default: '8233', description: 'Port of the embedded Web UI' },
  { name: 'TASK_QUEUE', usedBy: ['api', 'worker'], requiredInProduction: false, default: 'haravan-tiki', description: 'Temporal task queue' },
  { name: 'DATABASE_URL', usedBy: ['api', 'worker'], requiredInProduction: true, description: 'PostgreSQL URL; unset → PGlite under DATA_DIR' },
  { name: 'DATA_DIR', usedBy: ['api', 'worker', 'dev-stack'], requiredInProduction: false, default: './.data', description: 'Local data directory (PGlite, dev server database)' },
  { name: 'HARAVAN_WEBHOOK_SECRET', usedBy: ['api'], requiredInProduction: true, description: 'HMAC key for /webhooks/haravan' },
  { name: 'ENCRYPTION_KEY', usedBy: ['api', 'worker'], requiredInProduction: true, description: '32-byte key (base64 or hex) for credentials at rest and the Temporal payload codec' },
  { name: 'ENCRYPTION_KEYS_PREVIOUS', usedBy: ['api', 'worker'], requiredInProduction: false, description: 'Old keys (comma-separated) still accepted for decryption during a key rotation' },
  { name: 'ALLOWED_VENDOR_ORIGINS', usedBy: ['api', 'dev-stack'], requiredInProduction: false, description: 'Origins (comma-separated, scheme://host[:port], :* = any port) a connection baseUrl may name beside the real Haravan and Tiki hosts; npm start adds its sandboxes' },
  { name: 'CODEC_CORS_ORIGINS', usedBy: ['api'], requiredInProduction: false, description: 'Origins (comma-separated) of the Temporal Web UI allowed to call /codec' },
  { name: 'WORKER_CPU_PROFILE_DIR', usedBy: ['worker'], requiredInProduction: false, description: 'Directory for on-demand CPU profiles: SIGUSR2 starts one, the next SIGUSR2 writes it' },
  { name: 'WORKER_METRICS_PORT', usedBy: ['worker'], requiredInProduction: false, description: 'Port of the worker Prometheus endpoint (Temporal SDK metrics)' },
  { name: 'TIKI_MAX_REQUESTS_PER_SECOND', usedBy: ['worker'], requiredInProduction: false, default: '40', description: 'Tiki request budget per seller credential and worker process (Tiki documents 200/s, a third party 50/s)' },
  { name: 'WORKER_MAX_CONCURRENT_ACTIVITIES', usedBy: ['worker'], requiredInProduction: false, default: '200', description: 'Activity slots of one worker; with poll shards (the default) one per running shard plus the real work; POLL_MODE=per-connection holds two per connection, so keep it above 2 × connections per worker there' },
  { name: 'WORKER_MAX_CACHED_WORKFLOWS', usedBy: ['worker'], requiredInProduction: false, description: 'Sticky workflow cache size of one worker (default: the SDK\'s, from the heap limit, at most 500; worker/temporal.ts). Idle shops\' workflows need no cache: an evicted one replays its short history when it next has work' },
  { name: 'POLL_IDLE_MAX_SECONDS', usedBy: ['worker'], requiredInProduction: false, default: '0', description: 'Adaptive poll cadence: idle shops slow down to this many seconds between polls (0 = fixed configured interval)' },
  { name: 'POLL_MODE', usedBy: ['worker'], requiredInProduction: false, default: 'shards', description: 'Who polls Haravan deltas and Tiki event queues: shards (POLL_SHARDS shard workflows, the default; docs/architecture.md, Poll shards) or per-connection (two heartbeating activities per shop); applies to connections connected from then on' },
  { name: 'POLL_SHARDS', usedBy: ['worker'], requiredInProduction: false, default: '4', description: 'Number of poll shard workflows (POLL_MODE=shards); the same value on every worker process' },
  { name: 'POLL_SHARD_CONCURRENCY', usedBy: ['worker'], requiredInProduction: false, default: '32', description: 'Delta polls and event pulls one poll shard runs at once' },
  { name: 'POLL_SHARD_HEAVY', usedBy: ['worker'], requiredInProduction: false, default: '2', description: 'Order sweeps and reconciliations one poll shard runs at once' },
  { name: 'HARAVAN_CREATE_SETTLE_SECONDS', usedBy: ['worker'], requiredInProduction: false, default: '90', description: 'After a Haravan order create with an unknown outcome, wait this long before looking it up; keep it above Haravan’s own request deadline (docs/architecture.md)' },
  { name: 'HARAVAN_CREATE_LOOKUPS', usedBy: ['worker'], requiredInProduction: false, default: '3', description: 'Look-ups by Tiki reference (at least 2) after the settle window before an order is created again' },
  { name: 'HARAVAN_CREATE_LOOKUP_GAP_SECONDS', usedBy: ['worker'], requiredInProduction: false, default: '5', description: 'Seconds between those look-ups (a new order may show in the listing late)' },
  { name: 'PUBLIC_URL', usedBy: ['api', 'dev-stack'], requiredInProduction: false, description: 'The service’s own external base URL (https in production); the install’s redirect URIs are <PUBLIC_URL>/install/login and <PUBLIC_URL>/install/grant' },
  { name: 'HARAVAN_APP_CLIENT_ID', usedBy: ['api', 'worker', 'dev-stack'], requiredInProduction: false, description: 'The Haravan app’s client id (partner dashboard); with the secret and PUBLIC_URL it turns on GET /install' },
  { name: 'HARAVAN_APP_CLIENT_SECRET', usedBy: ['api', 'worker', 'dev-stack'], requiredInProduction: false, description: 'The Haravan app’s client secret (code exchange, refresh; also the HMAC key of the app’s webhooks)' },
  { name: 'HARAVAN_ACCOUNTS_URL', usedBy: ['api', 'worker', 'dev-stack'], requiredInProduction: false, default: 'https://accounts.haravan.com', description: 'Haravan’s accounts server (OpenID Connect issuer: authorize, token, key set)' },
  { name: 'HARAVAN_API_URL', usedBy: ['api', 'worker', 'dev-stack'], requiredInProduction: false, default: 'https://apis.haravan.com', description: 'The Admin API host of installed shops' },
  { name: 'TIKI_API_URL', usedBy: ['api', 'dev-stack'], requiredInProduction: false, default: 'https://api.tiki.vn', description: 'The Tiki Open API host a connection uses when its Tiki credentials name no base URL (a merchant connecting from the dashboard types only the key)' },
  { name: 'HARAVAN_WEBHOOK_URL', usedBy: ['worker', 'dev-stack'], requiredInProduction: false, default: 'https://webhook.haravan.com', description: 'Haravan’s webhook host (POST /api/subscribe after an install)' },
  { name: 'AUDIT_RETENTION_DAYS', usedBy: ['worker'], requiredInProduction: false, default: '30', description: 'Days the audit trail per SKU and per order (and the connection log) is kept; the audit prune workflow deletes older entries every hour' },
  { name: 'SANDBOX', usedBy: ['dev-stack'], requiredInProduction: false, default: 'on', description: 'Start the Haravan/Tiki sandboxes (on/off)' },
  { name: 'LOG_LEVEL', usedBy: ['api', 'worker', 'dev-stack'], requiredInProduction: false, default: 'info', description: 'pino log level' },
];

export interface AppEnv {
  apiPort: number;
  apiToken?: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  databaseUrl?: string;
  dataDir: string;
  haravanWebhookSecret?: string;
  encryptionKey?: string;
  logLevel: string;
  allowedVendorOrigins: AllowedOrigin[];
  /** Set when the service runs as a Haravan app (client id, secret and PUBLIC_URL given). */
  haravanApp?: HaravanAppSettings;
  /** TIKI_API_URL, when set: the Tiki host of credentials that name none. */
  tikiApiUrl?: string;
  /** AUDIT_RETENTION_DAYS (domain/audit.ts). */
  auditRetentionDays: number;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): AppEnv {
  return {
    apiPort: Number(env.API_PORT ?? 8080),
    apiToken: env.API_TOKEN || undefined,
    temporalAddress: env.TEMPORAL_ADDRESS || `127.0.0.1:${env.TEMPORAL_PORT ?? 7233}`,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TASK_QUEUE || 'haravan-tiki',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || './.data'),
    haravanWebhookSecret: env.HARAVAN_WEBHOOK_SECRET || undefined,
    encryptionKey: env.ENCRYPTION_KEY || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    allowedVendorOrigins: parseAllowedOrigins(env.ALLOWED_VENDOR_ORIGINS),
    haravanApp: readHaravanApp(env),
    tikiApiUrl: env.TIKI_API_URL ? env.TIKI_API_URL.replace(/\/+$/, '') : undefined,
    auditRetentionDays: retentionDaysFrom(env.AUDIT_RETENTION_DAYS),
  };
}

/** The app settings, or undefined unless client id, secret and PUBLIC_URL are all set. */
export function readHaravanApp(env: NodeJS.ProcessEnv = process.env): HaravanAppSettings | undefined {
  const { PUBLIC_URL, HARAVAN_APP_CLIENT_ID: clientId, HARAVAN_APP_CLIENT_SECRET: clientSecret } = env;
  if (!PUBLIC_URL || !clientId || !clientSecret) return undefined;
  const url = (v: string | undefined, fallback: string) => (v || fallback).replace(/\/+$/, '');
  return {
    publicUrl: url(PUBLIC_URL, ''),
    clientId,
    clientSecret,
    accountsUrl: url(env.HARAVAN_ACCOUNTS_URL, DEFAULT_ACCOUNTS_URL),
    apiUrl: url(env.HARAVAN_API_URL, DEFAULT_API_URL),
    webhookUrl: url(env.HARAVAN_WEBHOOK_URL, DEFAULT_WEBHOOK_URL),
  };
}
