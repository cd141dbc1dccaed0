/**
 * Workflow tests with stubbed activities on Temporal's time-skipping test server: the real workflow bundle, activities
 * replaced by plain functions, durable timers skipped instead of waited for. The server is the Java SDK's test server
 * provisioned by scripts/temporal-test-server.sh (tests never rely on the SDK's download).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { createLogger } from '../../boot/logger';
import { installRuntime, workflowBundle } from '../../worker/temporal';

let cached: string | undefined;

/** The provisioned time-skipping test server (`<path> PORT`). */
export function temporalTestServerPath(): string {
  if (cached) return cached;
  if (process.env.TEMPORAL_TEST_SERVER_PATH) return (cached = process.env.TEMPORAL_TEST_SERVER_PATH);
  const root = path.resolve(__dirname, '../..');
  cached = execFileSync('bash', [path.join(root, 'scripts/temporal-test-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  process.env.TEMPORAL_TEST_SERVER_PATH = cached;
  return cached;
}

/** A time-skipping environment with our search attributes registered (time stands still until a test skips it). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installRuntime({ logger: createLogger('temporal-sdk', 'warn') });
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return env;
}

/**
 * A worker of the real workflows (workflows/index.ts), or of the workflows of `workflowsPath` (a fixture that
 * re-exports some of them beside stand-ins), whose activities are the given stubs.
 */
export async function stubWorker(env: TestWorkflowEnvironment, taskQueue: string, activities: object, workflowsPath?: string): Promise<Worker> {
  const workflows = workflowsPath ? { workflowsPath } : { workflowBundle: await workflowBundle() };
  return Worker.create({ connection: env.nativeConnection, taskQueue, activities, ...workflows });
}

/** When the running activity's current attempt was scheduled, on the server's clock (skipped time included). */
export function scheduledAt(): number {
  return Context.current().info.currentAttemptScheduledTimestampMs;
}

export interface Call {
  name: string;
  /** Server time the attempt was scheduled at. */
  at: number;
  args: unknown[];
}

/** Records every stub call with its server time; `stubs` wraps plain functions into recording activities. */
export function callLog() {
  const calls: Call[] = [];
  const stubs = <T extends Record<string, (...args: any[]) => unknown>>(fns: T): T =>
    Object.fromEntries(
      Object.entries(fns).map(([name, fn]) => [
        name,
        async (...args: unknown[]) => {
          calls.push({ name, at: scheduledAt(), args });
          return fn(...args);
        },
      ]),
    ) as T;
  const of = (name: string) => calls.filter((c) => c.name === name);
  return { calls, stubs, of };
}

/** Gaps between consecutive times, in ms. */
export function gapsMs(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}

/**
 * True when each gap is its expected number of seconds, or up to `slackMs` more (the workflow counts a wait from
 * when it handled the previous step, a moment after the step's activity was scheduled; on a loaded 2-core machine
 * that moment can come seconds later, while a wrong back-off is off by its whole step). Prints both on a mismatch.
 */
export function withinSlack(gaps: number[], expectedSeconds: number[], slackMs = 4_000): boolean {
  const ok = gaps.length === expectedSeconds.length && gaps.every((g, i) => g >= expectedSeconds[i] * 1000 && g < expectedSeconds[i] * 1000 + slackMs);
  if (!ok) console.error('gaps (ms)', gaps, 'expected (s)', expectedSeconds);
  return ok;
}
