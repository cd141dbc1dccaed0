/** Handing a Tiki order to its own lifecycle workflow (one per order, fixed id), and asking whether it runs. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { tikiOrderEventSignal } from '../../workflows/definitions';
import { orderWorkflowId } from '../../workflows/ids';
import { SA_SHOP_ID, SA_TIKI_ORDER_CODE } from '../../workflows/search-attributes';
import type { ActivityDeps } from '../context';

/** The connection an order belongs to, with its shop (from the connection record, never parsed out of the id). */
export interface ShopConnection {
  connectionId: string;
  shopId: number;
}

export function createDispatcher({ temporal, taskQueue }: Pick<ActivityDeps, 'temporal' | 'taskQueue'>) {
  /** Hand one Tiki order to its lifecycle workflow (started if missing; a duplicate start is impossible). */
  async function dispatch(
    { connectionId, shopId }: ShopConnection,
    tikiCode: string,
    reason: string,
    status?: string,
    eventId?: string,
  ): Promise<'started-or-signalled' | 'closed'> {
    try {
      await temporal.workflow.signalWithStart('orderWorkflow', {
        taskQueue,
        workflowId: orderWorkflowId(shopId, tikiCode),
        args: [{ connectionId, shopId, tikiCode }],
        signal: tikiOrderEventSignal,
        signalArgs: [{ reason, status, eventId }],
        // A closed run (finished, skipped as too old, stopped by a disconnect) may be followed by a new one: the
        // store mapping, not workflow retention, is what dedupes, so a later event or check is never lost.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        // An order flood of one merchant queues behind its own fairness key (servers with task-queue fairness).
        priority: { fairnessKey: connectionId },
        typedSearchAttributes: [
          { key: SA_SHOP_ID, value: String(shopId) },
          { key: SA_TIKI_ORDER_CODE, value: tikiCode },
        ],
        staticSummary: `Tiki order ${tikiCode} (shop ${shopId})`,
      } as never);
      return 'started-or-signalled';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'closed';
      throw err;
    }
  }

  /** Is the order's lifecycle workflow running now? */
  async function workflowRunning({ shopId }: ShopConnection, tikiCode: string): Promise<boolean> {
    try {
      const d = await temporal.workflow.getHandle(orderWorkflowId(shopId, tikiCode)).describe();
      return d.status.name === 'RUNNING';
    } catch {
      return false;
    }
  }

  return { dispatch, workflowRunning };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
