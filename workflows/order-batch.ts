/**
 * Bulk order work (issue 19): one durable job for many orders, `order-batch-<shop>-<batchId>`, a child of the
 * connection workflow — kept out of connection.ts like publishing: one call there, `registerOrderBatches(...)`.
 *
 *   startOrderBatch update ─► record the selection (unknown, not imported, finished orders skipped with their code)
 *                          └► orderBatchWorkflow: each order ─► its order workflow's `orderAction` update
 *                                                              (print-label: ─► download its label)
 *                                            ─► print-label: merge the labels into one PDF ─► close the batch
 *
 * At most BATCH_CONCURRENCY orders are in flight: each order's Tiki calls take their tokens from the seller's shared
 * budget (connectors/tiki/rate-limiter.ts), so intake and single actions keep theirs. Progress and outcomes live in
 * the store (the API reads them); an order whose runs fail for good is failed with that code, the others go on.
 */
import { ActivityFailure, ApplicationFailure, log, ParentClosePolicy, proxyActivities, setHandler, startChild, uuid4, workflowInfo } from '@temporalio/workflow';
import type { OrderActivities } from '../activities/orders';
import { BATCH_CONCURRENCY } from '../domain/order-batch';
import { isBatchAction, type BatchAction, type BatchState } from '../domain/terms';
import { startOrderBatchUpdate } from './definitions';
import { orderBatchWorkflowId } from './ids';
import type { PublishingHost } from './publishing';
import { SA_SHOP_ID } from './search-attributes';

const acts = proxyActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});
/** One order's action waits for its order workflow, whose own activity retries take up to a few minutes. */
const perOrder = proxyActivities<OrderActivities>({
  startToCloseTimeout: '8 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
});
/** A label download: the activity lists the label apart itself after its last try (LABEL_FETCH_ATTEMPTS). */
const labels = proxyActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3 },
});

export interface OrderBatchInput {
  connectionId: string;
  shopId: number;
  batchId: string;
  action: BatchAction;
  /** The orders still to do (the others were skipped when the batch was recorded). */
  pending: string[];
}

/** What the connection lends: its ids and its "takes new work?" check (as for publishing). */
export type OrderBatchHost = Omit<PublishingHost, 'config'>;

/** The connection's `startOrderBatch` update: record the batch, start its workflow, answer its id. */
export function registerOrderBatches(host: OrderBatchHost): void {
  const { connectionId, shopId } = host;
  setHandler(
    startOrderBatchUpdate,
    async (req) => {
      const batchId = `ob_${uuid4().replace(/-/g, '').slice(0, 16)}`;
      const workflowId = orderBatchWorkflowId(shopId, batchId);
      const { pending, total } = await acts.prepareOrderBatch(connectionId, batchId, workflowId, req);
      const input: OrderBatchInput = { connectionId, shopId, batchId, action: req.action, pending };
      await startChild(orderBatchWorkflow, {
        workflowId,
        args: [input],
        // A batch may outlive this run of the connection (continue-as-new).
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [{ key: SA_SHOP_ID, value: String(shopId) }],
        staticSummary: `Bulk ${req.action} of ${total} Tiki order(s) of Haravan shop ${shopId} (${batchId})`,
        memo: { parent: workflowInfo().workflowId },
      } as never);
      return { batchId, workflowId };
    },
    {
      validator: (req) => {
        host.requireActive();
        if (!isBatchAction(req.action)) throw ApplicationFailure.create({ message: `unknown action ${req.action}`, type: 'VALIDATION_FAILED', nonRetryable: true });
        if (!req.select && !(req.tikiCodes && req.tikiCodes.length > 0)) {
          throw ApplicationFailure.create({ message: 'tikiCodes or select is required', type: 'ORDER_BATCH_EMPTY', nonRetryable: true });
        }
      },
    },
  );
}

export async function orderBatchWorkflow(input: OrderBatchInput): Promise<{ state: BatchState }> {
  const { connectionId, shopId, batchId, action } = input;
  const queue = [...input.pending];

  const work = async (tikiCode: string) => {
    let outcome: string;
    try {
      outcome = (await perOrder.runBatchOrder(connectionId, shopId, batchId, tikiCode, action)).outcome;
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const code = cause instanceof ApplicationFailure ? (cause.type ?? 'ORDER_ACTION_FAILED') : 'ORDER_ACTION_FAILED';
      await acts.failBatchOrder(batchId, tikiCode, code);
      return;
    }
    if (action !== 'print-label' || outcome !== 'done') return;
    // The action is done whatever becomes of its label; a label not kept is listed apart (api presenter).
    await labels.fetchBatchLabel(connectionId, batchId, tikiCode).catch((err) => log.warn('label not kept', { batchId, tikiCode, error: String(err) }));
  };
  // BATCH_CONCURRENCY lanes take the next order as they finish one.
  const lane = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await work(next);
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, queue.length) }, lane));

  if (action === 'print-label') await acts.mergeBatchLabels(batchId);
  return acts.finishBatch(connectionId, batchId);
}
