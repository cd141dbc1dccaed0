/**
 * The workflows' re-try back-offs on durable timers, with stubbed activities on the time-skipping test server:
 *  - the supervisor of the long-lived children restarts a failed poll after 1 s, 2 s, 4 s… up to a minute, and
 *    starts over after a poll that ended well (`workflows/long-lived.ts`, POLL_RESTART_BACKOFF);
 *  - a connection in attention re-checks the credentials after 5 s, 10 s, 20 s… up to every minute, and resumes
 *    (connected, children resumed) at the first accepted check (`workflows/connection.ts`, ATTENTION_RECHECK_BACKOFF).
 */
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_CONFIG } from '../../domain/config';
import { credentialsRejectedSignal, disconnectUpdate, stopSignal, waitForVerificationUpdate } from '../../workflows/definitions';
import { connectionWorkflowId, orderIntakeWorkflowId, stockSyncWorkflowId } from '../../workflows/ids';
import { callLog, createTimeSkippingEnv, gapsMs, stubWorker, withinSlack } from '../helpers/stub-worker';
import { pausedQuery } from './fixtures/idle-children';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const MINUTE = 60_000;
const unavailable = () => ApplicationFailure.nonRetryable('Haravan did not answer', 'HARAVAN_UNAVAILABLE');

test('a failed poll restarts after 1 s, 2 s, 4 s… up to a minute, and after a poll that ended well starts over at 1 s', async () => {
  const log = callLog();
  let attempt = 0;
  const activities = log.stubs({
    // Attempt 8 ends well (a poll ran its course); every other fails for good (nothing left for Temporal to retry).
    pollHaravanChanges: async () => {
      if (++attempt !== 8) throw unavailable();
      return { pushed: 0 };
    },
    pushProducts: async () => ({ pushed: 0 }),
    reconcile: async () => ({ pushed: 0, drifted: 0 }),
  });
  const taskQueue = 'supervisor-backoff';
  const worker = await stubWorker(env, taskQueue, activities);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('stockSyncWorkflow', {
      taskQueue,
      workflowId: stockSyncWorkflowId(41),
      args: [{ connectionId: 'conn-41', shopId: 41, config: DEFAULT_CONFIG, parentWorkflowId: connectionWorkflowId(41) }],
    });
    await env.sleep(5 * MINUTE);
    await handle.signal(stopSignal);
    await handle.result();
  });
  const polls = log.of('pollHaravanChanges').map((c) => c.at);
  // Each wait is the back-off, counted from when the workflow saw the failure (a moment after the attempt started).
  expect(withinSlack(gapsMs(polls).slice(0, 13), [1, 2, 4, 8, 16, 32, 60, 0, 1, 2, 4, 8, 16])).toBe(true);
  // A back-off, not a hot loop: 5 minutes hold a handful of attempts.
  expect(polls.length).toBeLessThan(20);
});

test('in attention the credentials are re-checked after 5 s, 10 s, 20 s… up to every minute, and the first accepted check resumes', async () => {
  const log = callLog();
  let checks = 0;
  const REJECTED_CHECKS = 6;
  const quiet = async () => undefined;
  const activities = log.stubs({
    // The check at connect passes; then Haravan rejects the token for REJECTED_CHECKS re-checks and accepts it again.
    verifyCredentials: async () => {
      const n = checks++;
      if (n === 0 || n > REJECTED_CHECKS) return { ok: true, state: 'connected' };
      return { ok: false, state: 'attention', code: 'HARAVAN_AUTH_FAILED', message: 'token rejected', messageVi: 'token bị từ chối' };
    },
    setConnectionState: quiet,
    saveConfig: quiet,
    markConnectionFailed: quiet,
    stopOrderWorkflows: async () => 0,
    stopPublishWorkflows: async () => 0,
    finalizeDisconnect: quiet,
    // The worker's POLL_MODE is read by the join; here each connection polls in its own workflows.
    joinPollShard: async () => 'workflows' as const,
    leavePollShard: quiet,
  });
  const taskQueue = 'attention-backoff';
  const shopId = 42;
  const children = [stockSyncWorkflowId(shopId), orderIntakeWorkflowId(shopId)];
  const worker = await stubWorker(env, taskQueue, activities, path.join(__dirname, 'fixtures/idle-children.ts'));
  const pauses = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('connectionWorkflow', {
      taskQueue,
      workflowId: connectionWorkflowId(shopId),
      args: [{ connectionId: `conn-${shopId}`, shopId, config: DEFAULT_CONFIG }],
    });
    expect(await handle.executeUpdate(waitForVerificationUpdate)).toMatchObject({ ok: true, state: 'connected' });
    // What a child sends when Haravan answers 401 (here while the children may still be starting).
    await handle.signal(credentialsRejectedSignal, { system: 'haravan', code: 'AUTH_FAILED', message: '401' });
    await env.sleep(10 * MINUTE);
    const paused = await Promise.all(children.map((id) => env.client.workflow.getHandle(id).query(pausedQuery)));
    await handle.executeUpdate(disconnectUpdate);
    expect(await handle.result()).toEqual({ state: 'disconnected' });
    return paused;
  });

  const states = log.of('setConnectionState');
  expect(states.map((c) => c.args[1])).toEqual(['connecting', 'connected', 'attention', 'connected', 'disconnecting']);
  const attentionAt = states[2].at;
  const rechecks = log.of('verifyCredentials').slice(1).map((c) => c.at);
  expect(rechecks).toHaveLength(REJECTED_CHECKS + 1);
  expect(withinSlack(gapsMs([attentionAt, ...rechecks]), [5, 10, 20, 40, 60, 60, 60])).toBe(true);
  // Resumed at the accepted check: connected, both children paused at attention and resumed then.
  expect(states[3].at - rechecks[REJECTED_CHECKS]).toBeLessThan(5_000);
  expect(pauses).toEqual([
    [true, false],
    [true, false],
  ]);
});
