/** `npm run api`: the HTTP API process (production: one or more replicas behind a load balancer). */
import http from 'node:http';
import { readEnv } from '../boot/env';
import { createLogger } from '../boot/logger';
import { openStore } from '../boot/store';
import { connectClient } from '../boot/temporal';
import { codecFromEnv } from '../boot/codec';
import { createApp } from './app';

async function main(): Promise<void> {
  const env = readEnv();
  const logger = createLogger('api', env.logLevel);
  if (!env.apiToken) throw new Error('API_TOKEN is required');
  if (!env.encryptionKey) throw new Error('ENCRYPTION_KEY is required');
  const store = await openStore(env);
  const client = await connectClient({ address: env.temporalAddress, namespace: env.temporalNamespace, encryptionKey: env.encryptionKey });
  const app = createApp({
    client,
    store,
    logger,
    taskQueue: env.taskQueue,
    apiToken: env.apiToken,
    webhookSecret: env.haravanWebhookSecret,
    codec: codecFromEnv(env.encryptionKey),
    codecCorsOrigins: (process.env.CODEC_CORS_ORIGINS ?? '').split(',').filter(Boolean),
    allowedVendorOrigins: env.allowedVendorOrigins,
    haravanApp: env.haravanApp,
    tikiApiUrl: env.tikiApiUrl,
  });
  const server = http.createServer(app);
  server.listen(env.apiPort, () => logger.info({ port: env.apiPort }, 'api listening'));
  const stop = () => {
    server.close(() => {
      void store.close().then(() => client.connection.close()).finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
