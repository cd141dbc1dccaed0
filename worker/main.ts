/** `npm run worker`: one Temporal worker process (production: several of these on one task queue). */
import { readEnv } from '../boot/env';
import { createLogger } from '../boot/logger';
import { openStore } from '../boot/store';
import { connectClient } from '../boot/temporal';
import fs from 'node:fs';
import { buildWorkflowBundleFile, createAppWorker, defaultMaxCachedWorkflows, installRuntime } from './temporal';
import { installCpuProfileToggle } from './cpu-profile';
import { freeLoopbackPort, MetricsServer, startWorkerMetricsServer } from './metrics-server';

async function main(): Promise<void> {
  const env = readEnv();
  const logger = createLogger('worker', env.logLevel);
  if (!env.encryptionKey) throw new Error('ENCRYPTION_KEY is required (credentials are stored encrypted)');
  // WORKER_METRICS_PORT: one /metrics with this process's metrics and the Temporal SDK's (exported by the
  // SDK core on an internal loopback port and appended).
  let metrics: MetricsServer | undefined;
  if (process.env.WORKER_METRICS_PORT) {
    const sdkPort = await freeLoopbackPort();
    installRuntime({ metricsPort: sdkPort, metricsHost: '127.0.0.1', logger });
    metrics = await startWorkerMetricsServer({
      port: Number(process.env.WORKER_METRICS_PORT),
      sdkMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics`,
      onError: (err) => logger.warn({ err }, 'worker metrics'),
    });
    logger.info({ url: metrics.url }, 'worker metrics listening');
  } else {
    installRuntime({ logger });
  }
  installCpuProfileToggle(process.env.WORKER_CPU_PROFILE_DIR, (msg) => logger.warn(msg));
  const store = await openStore(env);
  const workflowBundlePath = await buildWorkflowBundleFile();
  const client = await connectClient({ address: env.temporalAddress, namespace: env.temporalNamespace, encryptionKey: env.encryptionKey });
  const { worker, close } = await createAppWorker({
    address: env.temporalAddress,
    namespace: env.temporalNamespace,
    taskQueue: env.taskQueue,
    store,
    client,
    logger,
    encryptionKey: env.encryptionKey,
    maxConcurrentActivityTaskExecutions: process.env.WORKER_MAX_CONCURRENT_ACTIVITIES ? Number(process.env.WORKER_MAX_CONCURRENT_ACTIVITIES) : undefined,
    maxCachedWorkflows: process.env.WORKER_MAX_CACHED_WORKFLOWS ? Number(process.env.WORKER_MAX_CACHED_WORKFLOWS) : defaultMaxCachedWorkflows(),
    workflowBundlePath,
  });
  // Loaded by the worker at its creation: the file is no longer needed.
  fs.rmSync(workflowBundlePath, { force: true });
  const stop = () => {
    logger.info('worker shutting down');
    worker.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.info({ taskQueue: env.taskQueue, temporal: env.temporalAddress, database: store.db.kind }, 'worker started');
  await worker.run();
  await close();
  await metrics?.close();
  await client.connection.close();
  await store.close();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
