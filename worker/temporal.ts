/** The worker's Temporal side: the workflow bundle, the SDK runtime (logs, metrics) and the worker itself; used by `npm run worker`, `npm start` and the tests. */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker, WorkflowBundleWithSourceMap, makeTelemetryFilterString } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import { SWEEP_EVERY_MS, sweepIdleConnections } from '../activities/connection-memory';
import { ActivityDeps, ClientFactory } from '../activities/context';
import type { Store } from '../store/store';
import type { HaravanAppSettings } from '../domain/haravan-app';
import { readEnv } from '../boot/env';
import { auditPruneWorkflowId } from '../workflows/ids';
import { classifyVendorErrors } from './activity-interceptor';
import { dataConverterFor, FAILURE_CONVERTER_PATH } from '../boot/codec';
import { createLogger, temporalLogger } from '../boot/logger';

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per process (pre-bundled code = what was tested is what runs). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../workflows/index.ts'),
    // Failures raised in workflow code are sealed like those of activities (boot/failure-converter.ts).
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: temporalLogger(createLogger('workflow-bundler', 'warn')),
  });
  return bundlePromise;
}

/**
 * Build the workflow bundle in a child process (worker/bundle.ts) into a file under the system's temp directory; the
 * worker loads it by path. The same code as `workflowBundle()`, without webpack's memory in this process.
 */
export async function buildWorkflowBundleFile(): Promise<string> {
  const out = path.join(os.tmpdir(), `haravan-tiki-workflows-${process.pid}.js`);
  // This process's own flags (e.g. the tsx loader) run the TypeScript script.
  await promisify(execFile)(process.execPath, [...process.execArgv, path.resolve(__dirname, 'bundle.ts'), out], { maxBuffer: 16 * 2 ** 20 });
  return out;
}

/**
 * Default size of a worker's sticky workflow cache: the SDK's (from the heap limit, ~2,300 workflows at a 4 GiB heap),
 * at most 500. A shop keeps three long-lived workflows that are idle nearly all the time (the poll shards poll for
 * them), so a cache for all of them is memory spent on nothing: an evicted one replays its (short, continued-as-new)
 * history when it next has work. Measured with 1,000 shops on one worker (bench/README.md): a cap of 1,000 peaked at
 * 1,062–1,090 MiB RSS, 500 at 817 MiB, with the same latencies and less CPU.
 */
export const MAX_DEFAULT_CACHED_WORKFLOWS = 500;

export function defaultMaxCachedWorkflows(heapLimitBytes = v8.getHeapStatistics().heap_size_limit): number {
  const sdkDefault = Math.max(Math.floor((Math.max(heapLimitBytes / 2 ** 20 - 200, 0) * 600) / 1024), 10);
  return Math.min(MAX_DEFAULT_CACHED_WORKFLOWS, sdkDefault);
}

let runtimeInstalled = false;
/**
 * The SDK's log lines through our pino logger (one JSON stream; a process-wide logger named `temporal-sdk` when
 * none is given), core logs at WARN and up; Prometheus metrics of the SDK on the given port when asked.
 */
export function installRuntime(opts: { metricsPort?: number; metricsHost?: string; logger?: Logger } = {}): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: temporalLogger(opts.logger ?? createLogger('temporal-sdk')),
    // The SDK's default list also has SIGUSR2, which worker/cpu-profile.ts uses to toggle a CPU profile.
    shutdownSignals: ['SIGINT', 'SIGTERM', 'SIGQUIT'],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      metrics: opts.metricsPort ? { prometheus: { bindAddress: `${opts.metricsHost ?? '0.0.0.0'}:${opts.metricsPort}` } } : undefined,
    },
  });
}

export interface AppWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  store: Store;
  client: Client;
  logger: Logger;
  encryptionKey?: string;
  maxConcurrentActivityTaskExecutions?: number;
  maxCachedWorkflows?: number;
  /** The Haravan app's settings (default: from the environment, boot/env.ts). */
  haravanApp?: HaravanAppSettings;
  /** A workflow bundle built into a file (`buildWorkflowBundleFile`); otherwise it is built in this process. */
  workflowBundlePath?: string;
  /** Reuse an existing connection (tests); otherwise one is opened to `address`. */
  connection?: NativeConnection;
  /** Start the audit trail's periodic prune (workflows/audit-prune.ts) if it is not running (default true). */
  auditPrune?: boolean;
}

export interface AppWorker {
  worker: Worker;
  /** Close what createAppWorker opened (the native connection, unless it was passed in). */
  close(): Promise<void>;
}

export async function createAppWorker(opts: AppWorkerOptions): Promise<AppWorker> {
  const owned = !opts.connection;
  const connection = opts.connection ?? (await NativeConnection.connect({ address: opts.address }));
  const clients = new ClientFactory(opts.store);
  const deps: ActivityDeps = { store: opts.store, temporal: opts.client, logger: opts.logger, taskQueue: opts.taskQueue, clients, haravanApp: opts.haravanApp ?? readEnv().haravanApp };
  // What the worker holds of connections unused for the idle TTL expires even when no activity runs (connection-memory.ts).
  const sweeper = setInterval(() => {
    clients.sweep(Date.now(), true);
    sweepIdleConnections();
  }, SWEEP_EVERY_MS);
  sweeper.unref();
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: opts.workflowBundlePath ? { codePath: opts.workflowBundlePath } : await workflowBundle(),
    activities: createActivities(deps),
    // Vendor errors become typed, retryable-or-not failures in one place (activities/errors.ts).
    interceptors: { activity: [classifyVendorErrors] },
    dataConverter: dataConverterFor(opts.encryptionKey),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 200,
    maxCachedWorkflows: opts.maxCachedWorkflows,
    shutdownGraceTime: '10 seconds',
  });
  if (opts.auditPrune !== false) await ensureAuditPrune(opts.client, opts.taskQueue, opts.logger);
  return {
    worker,
    close: async () => {
      clearInterval(sweeper);
      if (owned) await connection.close();
    },
  };
}

/**
 * The audit prune of this task queue, started unless it runs (every worker asks at start-up; the first one starts it).
 * A failure to ask is logged, not fatal: the next worker start asks again.
 */
export async function ensureAuditPrune(client: Client, taskQueue: string, logger: Logger): Promise<void> {
  try {
    await client.workflow.start('auditPruneWorkflow', {
      taskQueue,
      workflowId: auditPruneWorkflowId(taskQueue),
      args: [],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticSummary: 'Audit trail prune (AUDIT_RETENTION_DAYS)',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    logger.warn({ err: String(err) }, 'could not start the audit prune workflow');
  }
}
