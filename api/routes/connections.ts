/** /v1/connections: connect, status, config, disconnect, credentials, link runs, links, sync errors, pushes, failures. */
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { DEFAULT_CONFIG, mergeConfig } from '../../domain/config';
import { messageFor } from '../../domain/messages';
import { AllowedOrigin, baseUrlProblem } from '../../domain/vendor-origins';
import { isEndedConnection } from '../../domain/terms';
import type { Credentials } from '../../store/types';
import {
  credentialsReplacedUpdate,
  disconnectUpdate,
  linkRunProgressQuery,
  productsChangedSignal,
  pushNowUpdate,
  retryImportSignal,
  startLinkRunUpdate,
  statusQuery,
  updateConfigUpdate,
  waitForVerificationUpdate,
  type ConnectionStatus,
} from '../../workflows/definitions';
import { connectionIdForShop, connectionWorkflowId, linkRunWorkflowId, orderWorkflowId, pendingCredentialsId, stockSyncWorkflowId } from '../../workflows/ids';
import { SA_CONNECTION_STATE, SA_SHOP_ID } from '../../workflows/search-attributes';
import { ApiError, apiError, fromUpdateFailure } from '../errors';
import { ApiDeps, parse } from '../context';
import { presentConnection, presentFailure, presentLink, presentLinkRun, presentSyncError } from '../presenters';
import {
  ConfigPatchSchema,
  ConnectionIdParams,
  CreateConnectionSchema,
  EmptyBody,
  FailureParams,
  LinkRunRequestSchema,
  PageQuery,
  ReplaceCredentialsSchema,
  RunParams,
  SyncErrorsQuery,
} from '../schemas';

const DRY_RUN_WAIT_MS = 20_000;
/**
 * A claim is followed by its workflow's start within moments (a few store writes and one Temporal call, normally
 * well under a second); a `connecting` record this old with no run open was left by a crash in between.
 */
const STALE_CLAIM_MS = 60_000;

/** 400 VALIDATION_FAILED unless every baseUrl given is allowed (domain/vendor-origins.ts); checked before anything is stored or contacted. */
function requireAllowedBaseUrls(input: { haravan?: { baseUrl?: string }; tiki?: { baseUrl?: string } }, allowed: AllowedOrigin[]): void {
  const issues: { path: string; message: string }[] = [];
  for (const vendor of ['haravan', 'tiki'] as const) {
    const url = input[vendor]?.baseUrl;
    const problem = url === undefined ? undefined : baseUrlProblem(vendor, url, allowed);
    if (problem) issues.push({ path: `${vendor}.baseUrl`, message: problem });
  }
  if (issues.length > 0) throw new ApiError(400, 'VALIDATION_FAILED', messageFor('VALIDATION_FAILED').en, { issues });
}

export function connectionRoutes(deps: ApiDeps): Router {
  const { client, store, taskQueue, logger } = deps;
  const r = Router();

  const handleFor = (shopId: number) => client.workflow.getHandle(connectionWorkflowId(shopId));

  async function liveStatus(shopId: number, state: string): Promise<ConnectionStatus | null> {
    if (isEndedConnection(state)) return null;
    try {
      return await handleFor(shopId).query(statusQuery);
    } catch {
      return null; // worker busy or workflow closed: the store's copy answers
    }
  }

  /**
   * Whether a connect may go on to the claim (waiting up to 10 s for a run that is closing), and whether a run of
   * the shop's connection workflow is open (then a `connecting` record is that run's, never a leftover).
   */
  async function previousRunClosed(shopId: number): Promise<{ proceed: boolean; runOpen: boolean }> {
    const until = Date.now() + 10_000;
    for (;;) {
      try {
        const d = await handleFor(shopId).describe();
        if (d.status.name !== 'RUNNING') return { proceed: true, runOpen: false };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { proceed: true, runOpen: false };
        throw err;
      }
      // A live connection is refused at once by the claim; only a run that is closing is worth the wait.
      const c = await store.getConnection(connectionIdForShop(shopId));
      const closing = !!c && isEndedConnection(c.state);
      if (!closing) return { proceed: true, runOpen: true };
      if (Date.now() > until) return { proceed: false, runOpen: true };
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function load(id: string) {
    const c = await store.getConnection(id);
    if (!c) throw apiError('NOT_FOUND', `connection ${id} not found`);
    return c;
  }

  async function render(id: string) {
    const c = await load(id);
    const [counts, live] = await Promise.all([store.counts(id), liveStatus(c.shopId, c.state)]);
    return presentConnection(c, counts, live);
  }

  // ------------------------------------------------------------------ connect
  r.post('/connections', async (req, res) => {
    const input = parse(CreateConnectionSchema, req.body);
    requireAllowedBaseUrls(input, deps.allowedVendorOrigins ?? []);
    const id = connectionIdForShop(input.shopId);
    const workflowId = connectionWorkflowId(input.shopId);
    const config = mergeConfig(DEFAULT_CONFIG, input.config ?? {});
    // A shop disconnected (or failed) a moment ago may still have its previous run closing: wait for it, so the
    // claim below never leaves a record in 'connecting' with no workflow to take it further.
    const previous = await previousRunClosed(input.shopId);
    if (!previous.proceed) throw apiError('ALREADY_CONNECTED');
    // With no run open, a `connecting` record older than a claim-to-start takes is a crash's leftover: reclaim it.
    const claimed = await store.claimConnection(
      { id, shopId: input.shopId, workflowId, config },
      { reclaimConnectingAfterMs: previous.runOpen ? undefined : deps.staleClaimMs ?? STALE_CLAIM_MS },
    );
    if (!claimed) throw apiError('ALREADY_CONNECTED');
    await store.saveCredentials(id, { haravan: input.haravan, tiki: input.tiki } as Credentials);
    await store.audit(id, 'connect-requested', { shopId: input.shopId });
    let handle;
    try {
      handle = await client.workflow.start('connectionWorkflow', {
        taskQueue,
        workflowId,
        args: [{ connectionId: id, shopId: input.shopId, config }],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        // Fair sharing per merchant on servers with task-queue fairness; children and activities inherit it.
        priority: { fairnessKey: id },
        typedSearchAttributes: [
          { key: SA_SHOP_ID, value: String(input.shopId) },
          { key: SA_CONNECTION_STATE, value: 'connecting' },
        ],
        staticSummary: `Haravan shop ${input.shopId} ⇄ Tiki`,
      } as never);
    } catch (err) {
      // Nothing may stay behind a connect that did not start (a run that appeared since the check above included).
      await store.deleteCredentials(id);
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        const m = messageFor('ALREADY_CONNECTED');
        await store.setConnectionState(id, 'failed', { code: 'ALREADY_CONNECTED', message: m.en, messageVi: m.vi });
        throw apiError('ALREADY_CONNECTED');
      }
      await store.setConnectionState(id, 'failed', { code: 'INTERNAL', message: String(err) });
      throw err;
    }
    const result = await handle.executeUpdate(waitForVerificationUpdate);
    if (!result.ok) {
      const code = result.code ?? 'CREDENTIALS_UNVERIFIED';
      const status = code === 'CREDENTIALS_UNVERIFIED' ? 503 : 422;
      throw new ApiError(status, code, result.message);
    }
    res.status(201).json(await render(id));
  });

  r.get('/connections', async (req, res) => {
    const { items: page, total } = await store.listConnections(parse(PageQuery.strict(), req.query));
    const items = await Promise.all(page.map(async (c) => presentConnection(c, await store.counts(c.id), await liveStatus(c.shopId, c.state))));
    res.json({ items, total });
  });

  r.get('/connections/:id', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    res.json(await render(id));
  });

  r.patch('/connections/:id/config', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const patch = parse(ConfigPatchSchema, req.body);
    const c = await load(id);
    await updateActive(c.state, () => handleFor(c.shopId).executeUpdate(updateConfigUpdate, { args: [patch] }));
    res.json(await render(id));
  });

  r.delete('/connections/:id', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const c = await load(id);
    await updateActive(c.state, () => handleFor(c.shopId).executeUpdate(disconnectUpdate));
    res.status(202).json({ ...(await render(id)), state: 'disconnecting' });
  });

  r.patch('/connections/:id/credentials', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const input = parse(ReplaceCredentialsSchema, req.body);
    requireAllowedBaseUrls(input, deps.allowedVendorOrigins ?? []);
    const c = await load(id);
    const current = await store.loadCredentials(id);
    if (!current) throw apiError('CONNECTION_NOT_ACTIVE');
    await store.saveCredentials(pendingCredentialsId(id), { haravan: input.haravan ?? current.haravan, tiki: (input.tiki ?? current.tiki) as Credentials['tiki'] });
    const result = await updateActive(c.state, () => handleFor(c.shopId).executeUpdate(credentialsReplacedUpdate)).catch(async (err) => {
      await store.deleteCredentials(pendingCredentialsId(id)); // never leave unverified secrets behind
      throw err;
    });
    if (!result.ok) {
      await store.deleteCredentials(pendingCredentialsId(id));
      const code = result.code ?? 'CREDENTIALS_UNVERIFIED';
      throw new ApiError(code === 'CREDENTIALS_UNVERIFIED' ? 503 : 422, code, result.message);
    }
    res.json(await render(id));
  });

  // ------------------------------------------------------------------ link runs
  r.post('/connections/:id/link-runs', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const input = parse(LinkRunRequestSchema, req.body);
    const c = await load(id);
    const started = await updateActive(c.state, () => handleFor(c.shopId).executeUpdate(startLinkRunUpdate, { args: [input] }));
    let run = await store.getLinkRun(id, started.runId);
    if (input.dryRun && !started.alreadyRunning) {
      // A dry run is a preview: answer with the outcomes when they are ready within a short wait.
      const until = Date.now() + DRY_RUN_WAIT_MS;
      while (run && run.state === 'running' && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        run = await store.getLinkRun(id, started.runId);
      }
    }
    if (!run) throw apiError('LINK_RUN_NOT_FOUND');
    res.status(202).json({ ...(await presentLiveLinkRun(c.shopId, run)), alreadyRunning: started.alreadyRunning });
  });

  r.get('/connections/:id/link-runs/:runId', async (req, res) => {
    const { id, runId } = parse(RunParams, req.params);
    const c = await load(id);
    const run = await store.getLinkRun(id, runId);
    if (!run) throw apiError('LINK_RUN_NOT_FOUND');
    res.json(await presentLiveLinkRun(c.shopId, run));
  });

  /** A running link run answers from its workflow's progress query (live); otherwise, or if that fails, from the store. */
  async function presentLiveLinkRun(shopId: number, run: NonNullable<Awaited<ReturnType<typeof store.getLinkRun>>>) {
    if (run.state !== 'running') return presentLinkRun(run);
    try {
      const live = await client.workflow.getHandle(linkRunWorkflowId(shopId, run.runId)).query(linkRunProgressQuery);
      const { processed, total, linked, errors, warnings, phase, fetched } = live;
      // The store may already hold the final state written after the query's snapshot: never go backwards.
      return { ...presentLinkRun({ ...run, state: live.state, processed, total, linked, errors, warnings }), phase, fetched };
    } catch {
      return presentLinkRun(run);
    }
  }

  r.get('/connections/:id/links', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const page = parse(PageQuery.strict(), req.query);
    await load(id);
    const { items, total } = await store.listLinks(id, page);
    res.json({ items: items.map(presentLink), total, page: page.page, limit: page.limit });
  });

  r.get('/connections/:id/sync-errors', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const q = parse(SyncErrorsQuery, req.query);
    await load(id);
    const { items, total } = await store.listSyncErrors(id, q);
    res.json({ items: items.map(presentSyncError), total, page: q.page, limit: q.limit });
  });

  r.post('/connections/:id/stock-pushes', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    parse(EmptyBody, req.body);
    const c = await load(id);
    const { pushId } = await updateActive(c.state, () => handleFor(c.shopId).executeUpdate(pushNowUpdate));
    res.status(202).json({ pushId });
  });

  // ------------------------------------------------------------------ failures inbox
  r.get('/connections/:id/failures', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const page = parse(PageQuery.strict(), req.query);
    await load(id);
    const { items, total } = await store.listFailures(id, page);
    res.json({ items: items.map(presentFailure), total, page: page.page, limit: page.limit });
  });

  r.post('/connections/:id/failures/:failureId/retry', async (req, res) => {
    const { id, failureId } = parse(FailureParams, req.params);
    const c = await load(id);
    const f = await store.getFailure(id, failureId);
    if (!f || f.resolvedAt) throw apiError('FAILURE_NOT_FOUND');
    if (f.kind === 'order-import') {
      await client.workflow.getHandle(orderWorkflowId(c.shopId, f.ref)).signal(retryImportSignal);
    } else if (f.kind === 'sku-write') {
      const links = (await store.getLinks(id)).filter((l) => String(l.tikiProductId) === f.ref);
      await client.workflow.getHandle(stockSyncWorkflowId(c.shopId)).signal(productsChangedSignal, { productIds: [...new Set(links.map((l) => l.haravanProductId))], reason: `retry:${f.id}` });
    }
    await store.audit(id, 'failure-retry', { failureId, kind: f.kind, ref: f.ref });
    res.status(202).json({ id: f.id, retrying: true });
  });

  /** Tries of an update that was not delivered (100, 200, 400, 800 ms apart). */
  const UPDATE_ATTEMPTS = 5;

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
          await new Promise((r) => setTimeout(r, 100 * 2 ** (attempt - 1)));
          continue;
        }
        logger.debug({ err }, 'update failed');
        throw err;
      }
    }
  }

  return r;
}
