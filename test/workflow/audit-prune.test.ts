/**
 * The audit prune workflow (workflows/audit-prune.ts) with a stubbed activity on the time-skipping server: it prunes
 * at once, then every AUDIT_PRUNE_EVERY_MS on a durable timer; a second start finds it running (one per task queue).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { AUDIT_PRUNE_EVERY_MS } from '../../domain/audit';
import { auditPruneWorkflowId } from '../../workflows/ids';
import { ensureAuditPrune } from '../../worker/temporal';
import { callLog, createTimeSkippingEnv, gapsMs, stubWorker } from '../helpers/stub-worker';
import pino from 'pino';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

test('prunes at start, then once per period; started once per task queue', async () => {
  const log = callLog();
  const activities = log.stubs({ pruneAuditTrail: async () => ({ deleted: 0, before: new Date().toISOString(), retentionDays: 30 }) });
  const taskQueue = 'audit-prune-test';
  const worker = await stubWorker(env, taskQueue, activities);
  const logger = pino({ level: 'silent' });
  await worker.runUntil(async () => {
    await ensureAuditPrune(env.client, taskQueue, logger);
    // A second worker's start-up: the same run, no second prune loop.
    await ensureAuditPrune(env.client, taskQueue, logger);
    const handle = env.client.workflow.getHandle(auditPruneWorkflowId(taskQueue));
    const first = (await handle.describe()).runId;
    await env.sleep(3 * AUDIT_PRUNE_EVERY_MS + 60_000);
    const prunes = log.of('pruneAuditTrail').map((c) => c.at);
    expect(prunes).toHaveLength(4);
    for (const g of gapsMs(prunes)) {
      expect(g).toBeGreaterThanOrEqual(AUDIT_PRUNE_EVERY_MS);
      expect(g).toBeLessThan(AUDIT_PRUNE_EVERY_MS + 30_000);
    }
    expect((await handle.describe()).runId).toBe(first);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test over');
  });
});
