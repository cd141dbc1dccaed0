/**
 * Who may reach which connection (`scopeGuard`), and what every /v1/connections/:id route starts from: the connection record (404 NOT_FOUND without one), the handle of
 * its workflow, and delivering an update to it (409 CONNECTION_NOT_ACTIVE once it ended; an update aborted by a
 * continue-as-new is sent again).
 */
import { Router } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { messageFor } from '../../domain/messages';
import { needsCsrf } from '../../domain/session';
import { isEndedConnection } from '../../domain/terms';
import { connectionIdForShop, connectionWorkflowId } from '../../workflows/ids';
import type { ApiDeps } from '../context';
import { ApiError, apiError, fromUpdateFailure } from '../errors';
import { shopScopeOf } from '../security';

/** What a connection that does not exist answers — and so what one of another shop answers a one-shop caller. */
export const connectionNotFound = (id: string) => apiError('NOT_FOUND', `connection ${id} not found`);

export function connectionAccess({ client, store, logger }: Pick<ApiDeps, 'client' | 'store' | 'logger'>) {
  const handleFor = (shopId: number) => client.workflow.getHandle(connectionWorkflowId(shopId));

  async function load(id: string) {
    const c = await store.getConnection(id);
    if (!c) throw connectionNotFound(id);
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

/**
 * The one place a one-shop caller (merchant session, per-shop API token; api/security.ts) is kept to its shop, for
 * every /v1 route, present and future: a path naming another shop's connection (`/connections/:id/...`) or shop
 * (`/shops/:shopId/...`), a `connectionId` of the query, or a create for another `shopId` → 404 NOT_FOUND, exactly
 * what a connection that does not exist answers (no existence leak). Lists filter with `shopScopeOf` themselves.
 * Mounted after the body parser (it reads `shopId` of a body).
 */
export function scopeGuard(): Router {
  const r = Router();
  r.use((_req, res, next) => next(shopScopeOf(res) === undefined ? 'router' : undefined)); // the operator: every shop
  // A path naming another shop first, so that it answers what that shop's missing connection answers.
  r.use('/connections/:id', (req, res, next) => next(req.params.id === connectionIdForShop(shopScopeOf(res)!) ? undefined : connectionNotFound(req.params.id)));
  r.use('/shops/:shopId', (req, res, next) => next(req.params.shopId === String(shopScopeOf(res)) ? undefined : apiError('NOT_FOUND')));
  r.use((req, res, next) => {
    const shop = shopScopeOf(res)!;
    const q = req.query.connectionId;
    const named = q === undefined ? [] : Array.isArray(q) ? q : [q];
    const foreign = named.find((c) => c !== connectionIdForShop(shop));
    if (foreign !== undefined) return next(connectionNotFound(String(foreign)));
    const bodyShop = (req.body as { shopId?: unknown } | undefined)?.shopId;
    if (needsCsrf(req.method) && bodyShop !== undefined && Number(bodyShop) !== shop) return next(apiError('NOT_FOUND'));
    next();
  });
  return r;
}
