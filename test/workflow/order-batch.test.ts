/**
 * orderBatchWorkflow on Temporal's time-skipping test server, activities stubbed: every pending order is sent once,
 * never more than BATCH_CONCURRENCY at a time; an order whose runs fail for good is failed with that code while the
 * others go on; a print-label batch downloads each done order's label, merges them once at the end, then closes.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { BATCH_CONCURRENCY } from '../../domain/order-batch';
import type { OrderBatchInput } from '../../workflows/order-batch';
import { createTimeSkippingEnv, stubWorker } from '../helpers/stub-worker';

jest.setTimeout(300_000);

describe('orderBatchWorkflow (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(() => env?.teardown());

  function stubs(opts: { brokenCode?: string; skipped?: string[] }) {
    const calls: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    return {
      calls,
      maxInFlight: () => maxInFlight,
      activities: {
        async runBatchOrder(_c: string, _s: number, _b: string, tikiCode: string) {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 30));
          inFlight--;
          calls.push(`run:${tikiCode}`);
          if (tikiCode === opts.brokenCode) throw ApplicationFailure.nonRetryable('the order workflow cannot be reached', 'CONNECTION_NOT_ACTIVE');
          return { outcome: opts.skipped?.includes(tikiCode) ? 'skipped' : 'done' };
        },
        async failBatchOrder(_b: string, tikiCode: string, code: string) {
          calls.push(`fail:${tikiCode}:${code}`);
        },
        async fetchBatchLabel(_c: string, _b: string, tikiCode: string) {
          calls.push(`label:${tikiCode}`);
        },
        async mergeBatchLabels() {
          calls.push('merge');
          return { pages: 1 };
        },
        async finishBatch() {
          calls.push('finish');
          return { state: 'completed' };
        },
      },
    };
  }

  async function run(name: string, s: ReturnType<typeof stubs>, input: Pick<OrderBatchInput, 'action' | 'pending'>) {
    const taskQueue = `order-batch-${name}`;
    const worker = await stubWorker(env, taskQueue, s.activities);
    const args: OrderBatchInput = { connectionId: 'conn-1', shopId: 1, batchId: `ob_${name}`, ...input };
    return worker.runUntil(env.client.workflow.execute('orderBatchWorkflow', { taskQueue, workflowId: `order-batch-1-ob_${name}`, args: [args] }));
  }

  it('sends each order once, at most BATCH_CONCURRENCY at a time; a broken order is failed with its code, the rest go on', async () => {
    const pending = Array.from({ length: 11 }, (_, i) => `C${i}`);
    const s = stubs({ brokenCode: 'C3' });
    expect(await run('confirm', s, { action: 'confirm', pending })).toEqual({ state: 'completed' });
    expect(s.calls.filter((c) => c.startsWith('run:')).sort()).toEqual(pending.map((c) => `run:${c}`).sort());
    expect(s.maxInFlight()).toBeLessThanOrEqual(BATCH_CONCURRENCY);
    expect(s.maxInFlight()).toBeGreaterThan(1);
    expect(s.calls).toContain('fail:C3:CONNECTION_NOT_ACTIVE');
    expect(s.calls.some((c) => c.startsWith('label:') || c === 'merge')).toBe(false);
    expect(s.calls[s.calls.length - 1]).toBe('finish');
  });

  it('print-label: a label per done order, one merge after all of them, then the end', async () => {
    const s = stubs({ skipped: ['B'] });
    await run('labels', s, { action: 'print-label', pending: ['A', 'B', 'C'] });
    expect(s.calls.filter((c) => c.startsWith('label:')).sort()).toEqual(['label:A', 'label:C']);
    expect(s.calls.slice(-2)).toEqual(['merge', 'finish']);
    expect(s.calls.indexOf('merge')).toBeGreaterThan(Math.max(s.calls.indexOf('label:A'), s.calls.indexOf('label:C')));
  });
});
