/**
 * The order workflow with stubbed activities on the time-skipping test server:
 *  - its deadline timer: it wakes at the at-risk moment (Tiki's confirmation deadline minus
 *    `atRiskHoursBeforeDeadline`), not at its daily safety-net re-check, flags the order at risk, and confirms
 *    availability (ready-to-ship) on the merchant's behalf only when auto-confirm is on;
 *  - its lock: the merchant's actions (and status syncs) on one order run one at a time, however many wait.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { ImportResult, StatusResult } from '../../activities/orders';
import type { OrderActionResult } from '../../workflows/definitions';
import { orderActionUpdate, stopSignal } from '../../workflows/definitions';
import { callLog, createTimeSkippingEnv, scheduledAt, stubWorker } from '../helpers/stub-worker';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const HOUR = 3_600_000;

/** An order imported at once, at risk 3 h later (deadline 5 h, at risk 2 h before); Tiki cancels it after a day unless confirmed. */
function orderStubs(autoConfirm: boolean, riskAt: number) {
  const log = callLog();
  let confirmed = false;
  const activities = log.stubs({
    importOrder: async (): Promise<ImportResult> => ({
      state: 'imported',
      haravanOrderId: 501,
      status: 'awaiting_confirmation',
      tikiStatus: 'queueing',
      terminal: false,
      deadlineAt: new Date(riskAt + 2 * HOUR).toISOString(),
      riskAt: new Date(riskAt).toISOString(),
    }),
    syncOrderStatus: async (): Promise<StatusResult> => {
      const now = scheduledAt();
      const cancelled = !confirmed && now >= riskAt + 20 * HOUR;
      // A confirmed or cancelled order has no confirmation deadline left.
      const awaiting = !confirmed && !cancelled;
      return {
        status: confirmed ? 'ready_to_ship' : cancelled ? 'cancelled' : 'awaiting_confirmation',
        tikiStatus: confirmed ? 'ready_to_ship' : cancelled ? 'canceled' : 'queueing',
        terminal: cancelled,
        deadlineAt: awaiting ? new Date(riskAt + 2 * HOUR).toISOString() : null,
        riskAt: awaiting ? new Date(riskAt).toISOString() : null,
        atRisk: awaiting && now >= riskAt,
        autoConfirm,
      };
    },
    markAtRisk: async () => undefined,
    runOrderAction: async (_c: string, _t: string, action: string): Promise<OrderActionResult> => {
      confirmed = true;
      return { action: action as OrderActionResult['action'], status: 'ready_to_ship', tikiStatus: 'ready_to_ship' };
    },
    recordImportFailure: async () => undefined,
  });
  return { log, activities };
}

async function runOrder(worker: Worker, taskQueue: string, tikiCode: string) {
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start('orderWorkflow', { taskQueue, workflowId: `order-1-${tikiCode}`, args: [{ connectionId: 'conn-1', shopId: 1, tikiCode }] });
    // Two days of server time (a confirmed order stays open for its daily re-check: stopped then).
    await env.sleep(48 * HOUR);
    if ((await handle.describe()).status.name === 'RUNNING') await handle.signal(stopSignal);
    return handle.result();
  });
}

test('at the at-risk moment the order is flagged and, with auto-confirm on, confirmed once (ready-to-ship)', async () => {
  const start = await env.currentTimeMs();
  const riskAt = start + 3 * HOUR;
  const { log, activities } = orderStubs(true, riskAt);
  const taskQueue = 'order-deadline-auto';
  const result = await runOrder(await stubWorker(env, taskQueue, activities), taskQueue, 'AUTO1');

  const firstSync = log.of('syncOrderStatus')[0];
  // The deadline timer, not the daily re-check, woke the order: the status was read at the at-risk moment.
  expect(firstSync.at).toBeGreaterThanOrEqual(riskAt);
  expect(firstSync.at - riskAt).toBeLessThan(60_000);
  expect(log.of('markAtRisk').map((c) => c.args[2])).toEqual([true, false]);
  expect(log.of('markAtRisk')[0].at - riskAt).toBeLessThan(60_000);
  const confirms = log.of('runOrderAction');
  expect(confirms.map((c) => c.args[2])).toEqual(['ready-to-ship']);
  expect(confirms[0].at - riskAt).toBeLessThan(60_000);
  expect(result).toEqual({ status: 'ready_to_ship', tikiStatus: 'ready_to_ship' });
});

test('with auto-confirm off the order is flagged at risk at that moment and left to the merchant', async () => {
  const start = await env.currentTimeMs();
  const riskAt = start + 3 * HOUR;
  const { log, activities } = orderStubs(false, riskAt);
  const taskQueue = 'order-deadline-manual';
  const result = await runOrder(await stubWorker(env, taskQueue, activities), taskQueue, 'MANUAL1');

  expect(log.of('syncOrderStatus')[0].at - riskAt).toBeLessThan(60_000);
  expect(log.of('markAtRisk').map((c) => c.args[2])).toEqual([true, false]);
  expect(log.of('markAtRisk')[0].at - riskAt).toBeLessThan(60_000);
  expect(log.of('runOrderAction')).toEqual([]);
  // Not confirmed: Tiki cancelled it at its deadline; the daily re-check saw that and the workflow ended.
  expect(result).toEqual({ status: 'cancelled', tikiStatus: 'canceled' });
});

test('actions on one order run one at a time, also when several wait for the one running', async () => {
  const start = await env.currentTimeMs();
  const { activities } = orderStubs(false, start + 10 * HOUR);
  let inFlight = 0;
  let maxInFlight = 0;
  const ran: string[] = [];
  const taskQueue = 'order-lock';
  const worker = await stubWorker(env, taskQueue, {
    ...activities,
    runOrderAction: async (_c: string, _t: string, action: string): Promise<OrderActionResult> => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      ran.push(action);
      await new Promise((r) => setTimeout(r, 300));
      inFlight--;
      return { action: action as OrderActionResult['action'], status: 'awaiting_confirmation', tikiStatus: 'queueing' };
    },
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('orderWorkflow', { taskQueue, workflowId: 'order-1-LOCK1', args: [{ connectionId: 'conn-1', shopId: 1, tikiCode: 'LOCK1' }] });
    await handle.query('orderStatus');
    const first = handle.executeUpdate(orderActionUpdate, { args: [{ action: 'print-label' }] });
    while (inFlight === 0) await new Promise((r) => setTimeout(r, 20));
    // Two more arrive while the first holds the lock: both wait, and the release lets one in at a time.
    const waiting = [handle.executeUpdate(orderActionUpdate, { args: [{ action: 'print-label' }] }), handle.executeUpdate(orderActionUpdate, { args: [{ action: 'print-label' }] })];
    await Promise.all([first, ...waiting]);
    await handle.signal(stopSignal);
    await handle.result();
  });
  expect(ran).toHaveLength(3);
  expect(maxInFlight).toBe(1);
});
