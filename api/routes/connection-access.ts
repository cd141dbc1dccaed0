/**
 * What every /v1/connections/:id route starts from: the connection record (404 NOT_FOUND without one), the handle of
 * its workflow, and delivering an update to it (409 CONNECTION_NOT_ACTIVE once it ended; an update aborted by a
 * continue-as-new is sent again).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { messageFor } from '../../domain/messages';
import { isEndedConnection } from '../../domain/terms';
import { connectionWorkflowId } from '../../workflows/ids';
import type { ApiDeps } from '../context';
import { ApiError, apiError, fromUpdateFailure } from '../errors';

export function connectionAccess({ client, store, logger }: Pick<ApiDeps, 'client' | 'store' | 'logger'>) {
  const handleFor = (shopId: number) => client.workflow.getHandle(connectionWorkflowId(shopId));

  async function load(id: string) {
    const c = await store.getConnection(id);
    if (!c) throw apiError('NOT_FOUND', `connection ${id} not found`);
    return c;
  }

  /**
   * Tries of an update that was not delivered (100, 200, 400, 800 ms, then 2 s apart: about 7 s in all, which also
   * rides out a workflow task that timed out on a loaded worker — "Workflow Task in failed state" until it is retried).
   */
  const UPDATE_ATTEMPTS = 8;
  const retryDelayMs = (attempt: number) => Math.min(100 * 2 ** (attempt - 1), 2_000);

  async function updateActive<T>(state: string, fn: () => Promise<T>): Promise<T> {
    if (isEndedConnection(state) || state === 'disconnecting') {
      throw new ApiError(409, 'CONNECTION_NOT_ACTIVE', `${messageFor('CONNECTION_NOT_ACTIVE').en} (${state})`);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new ApiError(409, 'CONNECTION_NOT_ACTIVE', 'the connection workflow is not running');
        // An update that reached a run while it continued-as-new is aborted, not delivered: send it again, it
        // lands on the new run (config/push-now/credentials updates are safe to repeat). Aborted means any error
        // but a failure of our own validator or handler (an ApplicationFailure inside WorkflowUpdateFailedError),
        // which is the answer. A few tries, spaced, so that back-to-back switches under load are ridden out.
        const answered = err instanceof WorkflowUpdateFailedError && fromUpdateFailure(err) !== undefined;
        if (!answered && attempt < UPDATE_ATTEMPTS) {
          logger.warn({ err: String(err), cause: String((err as { cause?: unknown }).cause ?? ''), attempt }, 'update not delivered; retrying');
          await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
          continue;
        }
        logger.debug({ err }, 'update failed');
        throw err;
      }
    }
  }

  return { handleFor, load, updateActive };
}
