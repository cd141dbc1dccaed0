/**
 * publishWorkflow on Temporal's time-skipping test server, activities stubbed: a request Tiki reviews for days is
 * followed by durable timers that back off from minutes to hours (never a polling loop in an activity), the run
 * continues-as-new when its history fills and keeps the backoff where it was, a refused submission ends at once,
 * and an approved request is activated and linked.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_FOLLOW_UP } from '../../domain/publication/lifecycle';
import type { PublishWorkflowInput } from '../../workflows/publish';
import { createTimeSkippingEnv, scheduledAt, stubWorker } from '../helpers/stub-worker';

jest.setTimeout(300_000);

const DAY = 86_400_000;

interface Look {
  at: number;
  runId: string;
}

describe('publishWorkflow (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(() => env?.teardown());

  /** Stub activities: Tiki answers `in_review` until `decideAfterMs` after submission, then `outcome`. */
  function stubs(opts: { decideAfterMs: number; outcome: 'approved' | 'rejected' | 'expired'; refuse?: boolean; badLooks?: number }) {
    const looks: Look[] = [];
    const calls: string[] = [];
    let submittedAt = 0;
    const now = scheduledAt;
    return {
      looks,
      calls,
      activities: {
        async submitPublication() {
          calls.push('submit');
          if (opts.refuse) return { state: 'failed' };
          submittedAt = now();
          return { trackId: 'TRACK-1', submittedAt, state: 'submitted' };
        },
        async checkPublication(_c: string, _p: string, trackId: string) {
          expect(trackId).toBe('TRACK-1');
          looks.push({ at: now(), runId: Context.current().info.workflowExecution?.runId ?? '' });
          if (looks.length <= (opts.badLooks ?? 0)) throw ApplicationFailure.nonRetryable('odd answer from Tiki', 'TIKI_BAD_RESPONSE');
          return now() - submittedAt >= opts.decideAfterMs ? { state: opts.outcome, tikiState: opts.outcome } : { state: 'in_review', tikiState: 'awaiting_approve' };
        },
        async activatePublication() {
          calls.push('activate');
          return [1];
        },
        async createLinkRun(_c: string, runId: string) {
          calls.push(`createLinkRun:${runId}`);
        },
        async executeLinkRun(_c: string, _r: string, req: { productIds: number[] }) {
          calls.push(`link:${req.productIds.join(',')}`);
          return { processed: 2, total: 2, linked: 2, linkedProducts: 1, errors: 0, warnings: 0 };
        },
        async finishLinkRun() {},
        async completePublication() {
          calls.push('complete');
          return { linked: true };
        },
        async markPublication(_c: string, _p: string, state: string) {
          calls.push(`mark:${state}`);
        },
      },
    };
  }

  async function run(name: string, s: ReturnType<typeof stubs>, input: Partial<PublishWorkflowInput> = {}) {
    const taskQueue = `publish-${name}`;
    const worker = await stubWorker(env, taskQueue, s.activities);
    const workflowId = `publish-1-pub_${name}-1`;
    const args: PublishWorkflowInput = { connectionId: 'conn-1', shopId: 1, pubId: `pub_${name}`, productId: 77, attempt: 1, activate: true, followUp: DEFAULT_FOLLOW_UP, ...input };
    const outcome = await worker.runUntil(env.client.workflow.execute('publishWorkflow', { taskQueue, workflowId, args: [args] }));
    return { outcome, workflowId };
  }

  it('a request reviewed for 3 days: timers back off 2 min → 2 h, then activate, link, done', async () => {
    const s = stubs({ decideAfterMs: 3 * DAY, outcome: 'approved' });
    const { outcome, workflowId } = await run('three-days', s);
    expect(outcome).toEqual({ state: 'approved', linked: true });
    expect(s.calls).toEqual(['submit', 'activate', 'createLinkRun:lr_three-days_1', 'link:77', 'complete']);
    const gaps = s.looks.map((l, i) => l.at - (i === 0 ? s.looks[0]!.at - 2 * 60_000 : s.looks[i - 1]!.at));
    // 2, 4, 8, 16, 32, 64 min, then every 2 h (± scheduling slack)
    expect(gaps.slice(0, 6).map((g) => Math.round(g / 60_000))).toEqual([2, 4, 8, 16, 32, 64]);
    for (const g of gaps.slice(6)) expect(Math.round(g / 60_000)).toBe(120);
    expect(s.looks.length).toBeGreaterThanOrEqual(38);
    expect(s.looks.length).toBeLessThanOrEqual(44);
    // Cheap to wait: a few events per look, one run.
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const events = history.events?.length ?? 0;
    expect(events / 3).toBeLessThan(200); // history events per waiting day
    expect(new Set(s.looks.map((l) => l.runId)).size).toBe(1);
  });

  it('a request waiting 30 days continues-as-new at the history bound, the backoff carried, then expires', async () => {
    const s = stubs({ decideAfterMs: 30 * DAY, outcome: 'expired' });
    const { outcome } = await run('thirty-days', s);
    expect(outcome).toEqual({ state: 'expired', linked: false });
    const runs = [...new Set(s.looks.map((l) => l.runId))];
    expect(runs.length).toBeGreaterThanOrEqual(2);
    // The first look of a continued run comes 2 h after the last one of the previous run (not 2 min).
    const firstOfSecond = s.looks.findIndex((l) => l.runId === runs[1]);
    expect(Math.round((s.looks[firstOfSecond]!.at - s.looks[firstOfSecond - 1]!.at) / 60_000)).toBe(120);
    expect(s.calls).toEqual(['submit']);
  });

  it('a look that fails for good is followed by the next timer, not the end of the wait', async () => {
    const s = stubs({ decideAfterMs: 3600_000, outcome: 'approved', badLooks: 2 });
    expect((await run('bad-looks', s)).outcome).toEqual({ state: 'approved', linked: true });
    expect(s.looks.length).toBeGreaterThan(3);
    expect(s.calls).not.toContain('mark:failed');
  });

  it('a refused submission ends at once; a rejection ends without linking', async () => {
    const refused = stubs({ decideAfterMs: 0, outcome: 'approved', refuse: true });
    expect((await run('refused', refused)).outcome).toEqual({ state: 'failed', linked: false });
    expect(refused.looks).toHaveLength(0);
    const rejected = stubs({ decideAfterMs: 5 * 3600_000, outcome: 'rejected' });
    expect((await run('rejected', rejected, { activate: false })).outcome).toEqual({ state: 'rejected', linked: false });
    expect(rejected.calls).toEqual(['submit']);
  });
});
