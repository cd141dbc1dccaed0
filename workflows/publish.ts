/**
 * One Tiki product request, from submission to a linked listing (issue 17 item 3). A child of the connection,
 * id `publish-<shop>-<pubId>-<attempt>`:
 *
 *   submit ─┬─ refused at once (400) ─────────────────────────────► failed (Tiki's errors as reasons)
 *           └─ track id ─► look after 2 min, 4, 8 … every 2 h (durable timers) ─┬─ rejected ─► reasons; resubmit = a new workflow
 *                                                                                ├─ track id forgotten ─► expired
 *                                                                                └─ approved ─► activate (if asked) ─► link run ─► done
 *
 * Between looks nothing runs: no activity slot, ~11 history events per look. The run continues-as-new at the
 * shared history bound, carrying the track id and the count of looks (the backoff goes on where it was).
 * A look that fails for good (an odd answer, credentials rejected meanwhile) is followed by the next timer, not the
 * end of the wait. Cancelled (disconnect): records itself as cancelled.
 */
import {
  CancellationScope,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConnectionActivities } from '../activities/connection';
import type { PublishingActivities } from '../activities/publishing';
import { FollowUpSchedule, isTrackIdExpired, nextCheckDelayMs, TERMINAL_PUBLICATION_STATES } from '../domain/publication/lifecycle';
import type { PublicationState } from '../domain/publication/types';
import { linkRunFinishedSignal, publicationCheckNowSignal, publicationProgressQuery } from './definitions';
import { linkRunWorkflowId } from './ids';
import { historyFull } from './long-lived';
import { SA_SHOP_ID } from './search-attributes';

export interface PublishWorkflowInput {
  connectionId: string;
  shopId: number;
  pubId: string;
  productId: number;
  attempt: number;
  activate: boolean;
  followUp: FollowUpSchedule;
  /** Carried across continue-as-new. */
  carried?: { trackId: string; submittedAt: number; checks: number; state: PublicationState; tikiState?: string };
}

export interface PublishOutcome {
  state: PublicationState;
  linked: boolean;
}

/** Tiki outages are waited out: retries back off to every 10 minutes, without a cap on attempts. */
const acts = proxyActivities<PublishingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});
const book = proxyActivities<ConnectionActivities>({ startToCloseTimeout: '30 seconds' });

export async function publishWorkflow(input: PublishWorkflowInput): Promise<PublishOutcome> {
  const { connectionId, pubId } = input;
  let state: PublicationState = input.carried?.state ?? 'draft';
  let tikiState = input.carried?.tikiState;
  let trackId = input.carried?.trackId;
  let submittedAt = input.carried?.submittedAt ?? 0;
  let checks = input.carried?.checks ?? 0;
  let nextCheckAt: number | undefined;
  let checkNow = false;
  setHandler(publicationProgressQuery, () => ({
    pubId,
    state,
    tikiState,
    trackId,
    checks,
    nextCheckAt: nextCheckAt === undefined ? undefined : new Date(nextCheckAt).toISOString(),
  }));
  setHandler(publicationCheckNowSignal, () => void (checkNow = true));
  setHandler(linkRunFinishedSignal, () => undefined); // our link run reports to us; we await it instead

  let carryOn = false;
  try {
    if (!trackId) {
      const sent = await acts.submitPublication(connectionId, pubId);
      state = sent.state;
      if (!sent.trackId) return { state, linked: false };
      trackId = sent.trackId;
      submittedAt = sent.submittedAt!;
    }
    while (!TERMINAL_PUBLICATION_STATES.includes(state)) {
      if (historyFull()) {
        carryOn = true;
        break;
      }
      const delay = nextCheckDelayMs(checks, input.followUp);
      nextCheckAt = Date.now() + delay;
      await condition(() => checkNow, delay);
      checkNow = false;
      nextCheckAt = undefined;
      let look: Awaited<ReturnType<typeof acts.checkPublication>>;
      try {
        look = await acts.checkPublication(connectionId, pubId, trackId, submittedAt);
      } catch (err) {
        // A look Tiki answered badly (odd body, credentials rejected meanwhile) is not the end of a days-long wait:
        // the next timer looks again, until Tiki would have forgotten the track id anyway.
        if (isCancellation(err) || !patched('publish-look-failure-keeps-waiting')) throw err;
        log.warn('look at the request failed; looking again later', { pubId, error: String(err) });
        checks++;
        if (isTrackIdExpired(submittedAt, Date.now())) {
          state = 'expired';
          await acts.markPublication(connectionId, pubId, 'expired');
        }
        continue;
      }
      checks++;
      state = look.state;
      tikiState = look.tikiState ?? tikiState;
    }
    if (!carryOn && state === 'approved') return { state, linked: await goLive(input) };
    if (!carryOn) return { state, linked: false };
  } catch (err) {
    const final: PublicationState = isCancellation(err) ? 'cancelled' : 'failed';
    await CancellationScope.nonCancellable(() => acts.markPublication(connectionId, pubId, final));
    throw err;
  }
  return continueAsNew<typeof publishWorkflow>({ ...input, carried: { trackId: trackId!, submittedAt, checks, state, tikiState } });
}

/** Approved: turn the listing on when the merchant asked, then link the product so stock and price sync begin. */
async function goLive(input: PublishWorkflowInput): Promise<boolean> {
  const { connectionId, shopId, pubId, productId } = input;
  if (input.activate) {
    try {
      await acts.activatePublication(connectionId, pubId);
    } catch (err) {
      // Still approved and linkable: the merchant can turn it on in Seller Center.
      log.warn('activation failed', { pubId, error: String(err) });
    }
  }
  const runId = `lr_${pubId.replace(/^pub_/, '')}_${input.attempt}`.slice(0, 60);
  const request = { productIds: [productId] };
  await book.createLinkRun(connectionId, runId, request);
  await executeChild('linkRunWorkflow', {
    workflowId: linkRunWorkflowId(shopId, runId),
    args: [{ connectionId, shopId, runId, request, parentWorkflowId: workflowInfo().workflowId }],
    typedSearchAttributes: [{ key: SA_SHOP_ID, value: String(shopId) }],
    staticSummary: `Link run ${runId} for published product ${productId} of Haravan shop ${shopId}`,
  } as never);
  return (await acts.completePublication(connectionId, pubId)).linked;
}
