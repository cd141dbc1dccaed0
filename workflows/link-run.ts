/**
 * A product link run ("Đồng bộ sản phẩm"): one per request, child of the connection workflow.
 * The heavy lifting is one heartbeating batch activity, so the history holds a few dozen events whatever the
 * catalogue size: the activity signals its progress a few times per run (throttled, not per variant or page), and
 * the `progress` query answers from those reports while it works. When it wrote links, the stock engine is asked
 * to push them.
 */
import { ActivityCancellationType, ApplicationFailure, CancellationScope, patched, getExternalWorkflowHandle, isCancellation, proxyActivities, setHandler } from '@temporalio/workflow';
import type { LinkingActivities } from '../activities/linking';
import {
  LinkRunProgress,
  LinkRunRequest,
  linkRunFinishedSignal,
  linkRunProgressQuery,
  linkRunProgressSignal,
  productsChangedSignal,
} from './definitions';
import { stockSyncWorkflowId } from './ids';

export interface LinkRunInput {
  connectionId: string;
  shopId: number;
  runId: string;
  request: LinkRunRequest;
  parentWorkflowId: string;
}

const WORK = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
} as const;
const work = proxyActivities<LinkingActivities>(WORK);
/** A cancelled run (disconnect) ends once its activity stopped, so nothing of it writes after the parent moves on. */
const workWaiting = proxyActivities<LinkingActivities>({ ...WORK, cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED });
const book = proxyActivities<LinkingActivities>({ startToCloseTimeout: '30 seconds' });

export async function linkRunWorkflow(input: LinkRunInput): Promise<LinkRunProgress> {
  const progress: LinkRunProgress = { runId: input.runId, state: 'running', phase: 'fetching', processed: 0, total: 0, linked: 0, errors: 0, warnings: 0 };
  let lastReport = { attempt: 0, seq: 0 };
  setHandler(linkRunProgressQuery, () => progress);
  setHandler(linkRunProgressSignal, (report) => {
    const { attempt, seq, ...rest } = report;
    // Reports of an older attempt (or out of order) are stale; a retried attempt starts again from its own first report.
    if (progress.state !== 'running' || attempt < lastReport.attempt || (attempt === lastReport.attempt && seq <= lastReport.seq)) return;
    lastReport = { attempt, seq };
    Object.assign(progress, rest);
  });
  try {
    // patched(): runs started before this behaviour replay as cancelled without waiting.
    const counts = await (patched('link-run-cancel-waits') ? workWaiting : work).executeLinkRun(input.connectionId, input.runId, input.request);
    const { processed, total, linked, linkedProducts, errors, warnings } = counts;
    Object.assign(progress, { processed, total, linked, linkedProducts, errors, warnings, phase: 'done', state: 'completed' });
    if (patched('link-run-frees-parent-before-store')) {
      // Free the connection for the next run before the store says "completed": a request that sees the
      // finished run must never be answered with it as the running one.
      await getExternalWorkflowHandle(input.parentWorkflowId).signal(linkRunFinishedSignal, { runId: input.runId }).catch(() => undefined);
    }
    await book.finishLinkRun(input.runId, 'completed');
    if (!input.request.dryRun) {
      const productIds = input.request.all ? ('all' as const) : input.request.productIds ?? [];
      await getExternalWorkflowHandle(stockSyncWorkflowId(input.shopId))
        .signal(productsChangedSignal, { productIds, reason: `link-run:${input.runId}` })
        .catch(() => undefined);
    }
  } catch (err) {
    progress.state = 'failed';
    const failure = err as { cause?: { type?: string; message?: string }; message?: string };
    await CancellationScope.nonCancellable(() =>
      book.finishLinkRun(input.runId, 'failed', { code: failure.cause?.type ?? (isCancellation(err) ? 'CANCELLED' : 'LINK_RUN_FAILED'), message: failure.cause?.message ?? failure.message ?? 'failed' }),
    );
    if (!isCancellation(err)) throw ApplicationFailure.nonRetryable(`link run failed: ${failure.cause?.message ?? failure.message}`, 'LINK_RUN_FAILED');
  } finally {
    await CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(input.parentWorkflowId).signal(linkRunFinishedSignal, { runId: input.runId }).catch(() => undefined),
    );
  }
  return progress;
}
