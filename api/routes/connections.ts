/** /v1/connections: connect, list, status, config, disconnect, credentials (link runs and links: links.ts; failures: failures.ts). */
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { DEFAULT_CONFIG, mergeConfig, validateConfigPatch, type Config } from '../../domain/config';
import { messageFor } from '../../domain/messages';
import { AllowedOrigin, baseUrlProblem } from '../../domain/vendor-origins';
import { isEndedConnection } from '../../domain/terms';
import { warehouseMapSourceIssues } from '../../domain/warehouse-map';
import type { Credentials } from '../../store/types';
import { credentialsReplacedUpdate, disconnectUpdate, statusQuery, updateConfigUpdate, waitForVerificationUpdate, type ConnectionStatus } from '../../workflows/definitions';
import { connectionIdForShop, connectionWorkflowId, pendingCredentialsId } from '../../workflows/ids';
import { SA_CONNECTION_STATE, SA_SHOP_ID } from '../../workflows/search-attributes';
import { ApiError, apiError } from '../errors';
import { ApiDeps, parse } from '../context';
import { presentConnection } from '../presenters';
import { ConfigPatchSchema, ConnectionIdParams, CreateConnectionSchema, PageQuery, ReplaceCredentialsSchema } from '../schemas';
import { shopScopeOf } from '../security';
import { readSourcesLive } from './app';
import { connectionAccess } from './connection-access';
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

/**
 * A config patch passes the config rules (400 VALIDATION_FAILED with the issues), and a warehouse mapping names only
 * the shop's real Haravan locations and the seller's real Tiki warehouses, as read now by the worker (422
 * WAREHOUSE_MAP_INVALID with one issue per unknown id; 503 WAREHOUSE_MAP_UNVERIFIED when they cannot be read).
 * Checked before the update is sent, so a refused patch changes nothing.
 */
async function requireValidConfigPatch(deps: ApiDeps, c: { id: string; shopId: number }, patch: Partial<Config>): Promise<void> {
  const issues = validateConfigPatch(patch);
  if (issues.length > 0) throw new ApiError(400, 'VALIDATION_FAILED', messageFor('VALIDATION_FAILED').en, { issues });
  if (!patch.warehouseMap?.length) return;
  const read = await readSourcesLive(deps, c);
  if (!read) throw apiError('CONNECTION_NOT_ACTIVE');
  if (read.failure) {
    deps.logger.warn({ connectionId: c.id, reason: read.failure.reason, err: read.failure.detail }, 'warehouse mapping: sources could not be read');
    throw apiError('WAREHOUSE_MAP_UNVERIFIED');
  }
  const unknown = warehouseMapSourceIssues(patch.warehouseMap, { locationIds: read.locations.map((l) => l.id), warehouseIds: read.warehouses.map((w) => w.id) });
  if (unknown.length === 0) return;
  throw apiError('WAREHOUSE_MAP_INVALID', undefined, {
    issues: unknown.map((u) => ({ path: u.path, code: u.code, message: `${messageFor(u.code).en} (${u.id})`, messageVi: `${messageFor(u.code).vi} (${u.id})` })),
  });
}

/**
 * The Haravan side of a connection made without one (only the Tiki side given): the shop's app installation, whose
 * current token the clients read (store resolveCredentials), on the API host of the settings. 422 NOT_INSTALLED
 * when the app is not installed on the shop (or its token could not be renewed).
 */
async function installationCredentials(deps: ApiDeps, shopId: number): Promise<Credentials['haravan']> {
  const installation = deps.haravanApp ? await deps.store.getInstallation(shopId) : null;
  if (!deps.haravanApp || installation?.status !== 'installed') throw apiError('NOT_INSTALLED');
  return { accessToken: '', baseUrl: deps.haravanApp.apiUrl, installation: true };
}

export function connectionRoutes(deps: ApiDeps): Router {
  const { client, store, taskQueue } = deps;
  const { handleFor, load, updateActive } = connectionAccess(deps);
  const r = Router();

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

  async function render(id: string) {
    const c = await load(id);
    const [counts, live] = await Promise.all([store.counts(id), liveStatus(c.shopId, c.state)]);
    return presentConnection(c, counts, live);
  }

  // ------------------------------------------------------------------ connect
  r.post('/connections', async (req, res) => {
    const input = parse(CreateConnectionSchema, req.body);
    requireAllowedBaseUrls(input, deps.allowedVendorOrigins ?? []);
    const installedHaravan = input.haravan ? undefined : await installationCredentials(deps, input.shopId);
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
    // No Tiki host named: the operator's (TIKI_API_URL), else the client's default (the real Tiki).
    const tiki = input.tiki.baseUrl || !deps.tikiApiUrl ? input.tiki : { ...input.tiki, baseUrl: deps.tikiApiUrl };
    await store.saveCredentials(id, { haravan: input.haravan ?? installedHaravan, tiki } as Credentials);
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
      const m = messageFor('INTERNAL');
      await store.setConnectionState(id, 'failed', { code: 'INTERNAL', message: m.en, messageVi: m.vi });
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
    const { items: page, total } = await store.listConnections(parse(PageQuery.strict(), req.query), shopScopeOf(res));
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
    if (!isEndedConnection(c.state)) await requireValidConfigPatch(deps, c, patch);
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
    // A replacement that names no base URL keeps the stored one (a rotated token on the same host).
    const keepBaseUrl = <T extends { baseUrl?: string }>(next: T | undefined, stored: { baseUrl?: string }) => next && { ...next, baseUrl: next.baseUrl ?? stored.baseUrl };
    await store.saveCredentials(pendingCredentialsId(id), {
      haravan: keepBaseUrl(input.haravan, current.haravan) ?? current.haravan,
      tiki: (keepBaseUrl(input.tiki, current.tiki) ?? current.tiki) as Credentials['tiki'],
    });
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

  return r;
}
