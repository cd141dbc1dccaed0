/** `npm run worker`: one Temporal worker process (production: several of these on one task queue). */
import { readEnv } from './env';
import { createLogger } from './logger';
import { openStore } from './bootstrap';
import { connectClient, createAppWorker, installRuntime } from './temporal';

async function main(): Promise<void> {
  const env = readEnv();
  const logger = createLogger('worker', env.logLevel);
  if (!env.encryptionKey) throw new Error('ENCRYPTION_KEY is required (credentials are stored encrypted)');
  installRuntime({ metricsPort: process.env.WORKER_METRICS_PORT ? Number(process.env.WORKER_METRICS_PORT) : undefined });
  const store = await openStore(env);
  const client = await connectClient({ address: env.temporalAddress, namespace: env.temporalNamespace, encryptionKey: env.encryptionKey });
  const { worker, close } = await createAppWorker({
    address: env.temporalAddress,
    namespace: env.temporalNamespace,
    taskQueue: env.taskQueue,
    store,
    client,
    logger,
    encryptionKey: env.encryptionKey,
  });
  const stop = () => {
    logger.info('worker shutting down');
    worker.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.info({ taskQueue: env.taskQueue, temporal: env.temporalAddress, database: store.db.kind }, 'worker started');
  await worker.run();
  await close();
  await client.connection.close();
  await store.close();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
