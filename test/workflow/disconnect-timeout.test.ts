/**
 * The disconnect's last resort (workflows/disconnect.ts): a child that does not stop within the timeout (an activity
 * stuck in a call that ignores cancellation) is terminated, so the purge never runs beside it and a reconnect finds
 * the child's fixed id free. A real worker on a Temporal dev server with the connection activities.
 */
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createConnectionActivities } from '../../activities/connection';
import type { ActivityDeps } from '../../activities/context';
import { temporalCliPath } from '../helpers/temporal-cli';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: temporalCliPath() }, ui: false } });
});
afterAll(async () => {
  await env?.teardown();
});

test('a child that has not stopped when the timeout ends is terminated before the disconnect goes on', async () => {
  const { terminateWorkflows } = createConnectionActivities({ temporal: env.client, logger: pino({ level: 'silent' }) } as unknown as ActivityDeps);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'disconnect-timeout',
    workflowsPath: path.join(__dirname, 'fixtures/stuck-jobs.ts'),
    activities: { terminateWorkflows },
  });
  const childId = `stuck-child-${Date.now()}`;
  const started = Date.now();
  await worker.runUntil(
    env.client.workflow.execute('disconnectWaitWorkflow', { taskQueue: 'disconnect-timeout', workflowId: `disconnect-wait-${Date.now()}`, args: [{ childId, timeout: '3 seconds' }] }),
  );
  expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
  expect((await env.client.workflow.getHandle(childId).describe()).status.name).toBe('TERMINATED');
});
