/**
 * A product link run ("Đồng bộ sản phẩm"): one per request, child of the connection workflow.
 * The heavy lifting is one heartbeating batch activity, so the history holds a handful of events
 * whatever the catalogue size. When it wrote links, the stock engine is asked to push them.
 */
import { ApplicationFailure, CancellationScope, getExternalWorkflowHandle, isCancellation, proxyActivities, setHandler } from '@temporalio/workflow';
import type { LinkingActivities } from '../activities/linking';
import { LinkRunProgress, LinkRunRequest, linkRunFinishedSignal, linkRunProgressQuery, productsChangedSignal } from './definitions';
import { stockSyncWorkflowId } from './ids';

export interface LinkRunInput {
  connectionId: string;
  shopId: number;
  runId: string;
  request: LinkRunRequest;
  parentWorkflowId: string;
}

const work = proxyActivities<LinkingActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
const book = proxyActivities<LinkingActivities>({ startToCloseTimeout: '30 seconds' });

export async function linkRunWorkflow(input: LinkRunInput): Promise<LinkRunProgress> {
  const progress: LinkRunProgress = { runId: input.runId, state: 'running', processed: 0, total: 0, linked: 0, errors: 0, warnings: 0 };
  setHandler(linkRunProgressQuery, () => progress);
  try {
    const counts = await work.executeLinkRun(input.connectionId, input.runId, input.request);
    Object.assign(progress, counts, { state: 'completed' });
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
