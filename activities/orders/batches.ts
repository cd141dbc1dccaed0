/**
 * Activities of an order batch (issue 19): record the selection, run the action on one order, fetch one order's
 * label, merge the labels into one PDF, close the batch.
 *
 * One order's action is delivered exactly as a single action from the API is: the `orderAction` update of that
 * order's workflow, which runs it under the order's lock with the same rules (`allowedAction` on Tiki's live
 * state), Haravan side and stock nudge. So a batch and a single action can neither disagree nor race. The update id
 * is the batch and the order: a retried activity re-attaches to the same update instead of acting twice.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ConnectorError } from '../../connectors/errors';
import { messageFor, messageWithFacts } from '../../domain/messages';
import {
  batchState,
  labelKind,
  labelPlacement,
  labelUrlAllowed,
  MAX_BATCH_ORDERS,
  orderActionFor,
  outcomeOfFailure,
  precheckBatchOrder,
  tallyBatch,
  uniqueCodes,
  type LabelApartCode,
} from '../../domain/order-batch';
import type { BatchAction, BatchItemOutcome, BatchState } from '../../domain/terms';
import { orderActionUpdate, type OrderBatchRequest } from '../../workflows/definitions';
import { orderWorkflowId } from '../../workflows/ids';
import type { ActivityDeps } from '../context';
import { refusalFacts } from '../errors';
import { mergeLabels, type LabelFile } from './label-pdf';

/** Tries of one label download before it is listed apart as LABEL_FETCH_FAILED. */
export const LABEL_FETCH_ATTEMPTS = 3;

export interface BatchOrderResult {
  outcome: BatchItemOutcome;
  code?: string | null;
}

/** The ApplicationFailure at the root of an update's failure (a validator's, a handler's, or its activity's). */
function rootFailure(err: unknown): ApplicationFailure | undefined {
  let cause: unknown = err;
  while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

export function createBatchActivities(deps: ActivityDeps) {
  const { store, temporal, clients, logger } = deps;

  const words = (code: string, outcome: BatchItemOutcome, err?: unknown) => {
    if (outcome === 'skipped' || err === undefined) {
      const m = messageFor(code);
      return { message: m.en, messageVi: m.vi };
    }
    // A failure to act: our words for it and the facts a caller may see (our code, HTTP status, vendor code).
    return messageWithFacts('ORDER_ACTION_FAILED', refusalFacts(err));
  };

  const apart = (batchId: string, tikiCode: string, code: LabelApartCode, kind: string | null = null) => store.recordBatchLabel(batchId, tikiCode, { kind, file: null, code });

  return {
    /** Record the selection: each order once, those that cannot take the action skipped with their code. */
    async prepareOrderBatch(connectionId: string, batchId: string, workflowId: string, req: OrderBatchRequest): Promise<{ pending: string[]; total: number }> {
      const conn = await store.getConnection(connectionId);
      if (!conn) throw ApplicationFailure.nonRetryable('unknown connection', 'CONNECTION_NOT_ACTIVE');
      const codes = req.select === 'awaiting_confirmation' ? await store.awaitingConfirmationCodes(connectionId, MAX_BATCH_ORDERS) : uniqueCodes(req.tikiCodes ?? []).slice(0, MAX_BATCH_ORDERS);
      if (codes.length === 0) throw ApplicationFailure.nonRetryable(messageFor('ORDER_BATCH_EMPTY').en, 'ORDER_BATCH_EMPTY');
      const known = await store.batchCandidates(connectionId, codes);
      const items = codes.map((tikiCode) => {
        const skip = precheckBatchOrder(known.get(tikiCode) ?? null, conn.config.processOrdersInHaravan);
        return skip ? { tikiCode, outcome: 'skipped' as const, code: skip, ...words(skip, 'skipped') } : { tikiCode, outcome: 'pending' as const };
      });
      await store.createOrderBatch({ batchId, connectionId, action: req.action, workflowId, items });
      return { pending: items.filter((i) => i.outcome === 'pending').map((i) => i.tikiCode), total: items.length };
    },

    /** Run the batch's action on one order through its order workflow (module comment) and record the outcome. */
    async runBatchOrder(connectionId: string, shopId: number, batchId: string, tikiCode: string, action: BatchAction): Promise<BatchOrderResult> {
      const seen = await store.batchItem(batchId, tikiCode);
      if (seen && seen.outcome !== 'pending') return { outcome: seen.outcome, code: seen.code };
      const record = async (outcome: Exclude<BatchItemOutcome, 'pending'>, code: string | null, err?: unknown, labelUrl?: string) => {
        const item = await store.recordBatchItem(batchId, tikiCode, { outcome, code, labelUrl, ...(code ? words(code, outcome, err) : {}) });
        return { outcome: item?.outcome ?? outcome, code: item?.code ?? code };
      };
      try {
        const res = await temporal.workflow.getHandle(orderWorkflowId(shopId, tikiCode)).executeUpdate(orderActionUpdate, {
          args: [{ action: orderActionFor(action), reason: `batch ${batchId}` }],
          updateId: `${batchId}:${tikiCode}`,
        });
        return await record('done', null, undefined, res.labelUrl);
      } catch (err) {
        // The order's workflow ended (a terminal state): as for a single action, it takes no action any more.
        if (err instanceof WorkflowNotFoundError) return record('skipped', 'INVALID_ORDER_STATE');
        const failure = err instanceof WorkflowUpdateFailedError ? rootFailure(err) : undefined;
        if (!failure) throw err; // not answered (e.g. the update was aborted by a continue-as-new): try again
        const code = failure.type ?? 'ORDER_ACTION_FAILED';
        const outcome = outcomeOfFailure(code);
        logger.info({ connectionId, batchId, tikiCode, code }, 'batch order not done');
        return record(outcome, code, failure);
      }
    },

    /** The runs of one order failed for good (worker-side): the order is failed with that code. */
    async failBatchOrder(batchId: string, tikiCode: string, code: string): Promise<void> {
      const m = messageFor('ORDER_ACTION_FAILED');
      await store.recordBatchItem(batchId, tikiCode, { outcome: 'failed', code, message: m.en, messageVi: m.vi });
    },

    /**
     * Download one done order's label and keep it for the merge: a PDF or an image joins it, anything else (a web
     * page) is listed apart with its code, as is a label without URL, a URL that is not Tiki's, or a download that
     * failed LABEL_FETCH_ATTEMPTS times.
     */
    async fetchBatchLabel(connectionId: string, batchId: string, tikiCode: string): Promise<void> {
      const item = await store.batchItem(batchId, tikiCode);
      if (!item || item.outcome !== 'done' || item.labelKind || item.labelCode) return;
      if (!item.labelUrl) return void (await apart(batchId, tikiCode, 'LABEL_MISSING'));
      const { tiki } = await clients.forConnection(connectionId);
      if (!labelUrlAllowed(item.labelUrl, tiki.baseUrl)) return void (await apart(batchId, tikiCode, 'LABEL_URL_REFUSED'));
      let got: { contentType: string | null; bytes: Buffer };
      try {
        got = await tiki.fetchLabelFile(item.labelUrl);
      } catch (err) {
        const retryable = err instanceof ConnectorError && err.retryable;
        if (retryable && Context.current().info.attempt < LABEL_FETCH_ATTEMPTS) throw err;
        logger.info({ connectionId, batchId, tikiCode, err: (err as Error).message }, 'label not downloaded');
        return void (await apart(batchId, tikiCode, 'LABEL_FETCH_FAILED'));
      }
      const kind = labelKind(got.contentType, got.bytes.subarray(0, 512));
      const placement = labelPlacement(kind);
      if (placement.join === 'apart') return void (await apart(batchId, tikiCode, placement.code, kind));
      await store.recordBatchLabel(batchId, tikiCode, { kind, file: got.bytes, code: null });
    },

    /** Merge the kept label files into the batch's one PDF; a file that cannot be read is listed apart. */
    async mergeBatchLabels(batchId: string): Promise<{ pages: number }> {
      const files = (await store.batchLabelFiles(batchId)).filter((l): l is typeof l & { file: Uint8Array } => l.file !== null && !l.labelCode);
      const merged = await mergeLabels(files.map((l): LabelFile => ({ tikiCode: l.tikiCode, kind: l.labelKind as LabelFile['kind'], file: l.file })));
      for (const code of merged.unreadable) await apart(batchId, code, 'LABEL_UNREADABLE');
      await store.saveBatchLabelsPdf(batchId, merged.pdf, merged.pages);
      return { pages: merged.pages };
    },

    /** Close the batch: its state from the outcomes (domain/order-batch.ts `batchState`), and an audit entry. */
    async finishBatch(connectionId: string, batchId: string): Promise<{ state: BatchState }> {
      const batch = await store.getOrderBatch(connectionId, batchId);
      if (!batch) throw ApplicationFailure.nonRetryable('unknown order batch', 'ORDER_BATCH_NOT_FOUND');
      const tally = tallyBatch(batch.items.map((i) => i.outcome));
      const state = batchState(tally);
      await store.finishOrderBatch(batchId, state);
      await store.audit(connectionId, 'order-batch', { batchId, action: batch.action, state, ...tally, labelPages: batch.labelPages });
      return { state };
    },
  };
}

export type BatchActivities = ReturnType<typeof createBatchActivities>;
