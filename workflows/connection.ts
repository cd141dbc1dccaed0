/**
 * The connection workflow: one per merchant (id `connection-<shopId>`), living for months.
 *
 *   verify credentials ─┬─ rejected ──────────────► failed (nothing left live)
 *                       └─ ok ─► connected ─► start stock-sync + order-intake children
 *                                   │  updates: config, link runs, push now, disconnect, credentials
 *                                   │  children report rejected credentials ─► attention ─► re-verify ─► connected
 *                                   └─ disconnect ─► disconnecting ─► children stop ─► data purged ─► disconnected
 *
 * It holds config and a few ids only; bulk data lives in the store. It continues-as-new at the fixed history
 * bound of `long-lived.ts` (or when Temporal suggests it), after every handler finished, carrying that small state.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
  log,
  patched,
} from '@temporalio/workflow';
import type { ConnectionActivities } from '../activities/connection';
import { Config, mergeConfig, stockConfigChanged, validateConfigPatch } from '../domain/config';
import { messageFor } from '../domain/messages';
import {
  ConnectionState,
  ConnectionStatus,
  VerificationResult,
  childStoppedSignal,
  configChangedSignal,
  credentialsRejectedSignal,
  credentialsReplacedUpdate,
  disconnectUpdate,
  haravanWebhookSignal,
  linkRunFinishedSignal,
  pauseSignal,
  productsChangedSignal,
  pushNowUpdate,
  startLinkRunUpdate,
  statusQuery,
  stopSignal,
  updateConfigUpdate,
  waitForVerificationUpdate,
} from './definitions';
import { linkRunWorkflowId, orderIntakeWorkflowId, stockSyncWorkflowId } from './ids';
import { historyFull } from './long-lived';
import { registerPublishing, stopPublishing } from './publishing';
import { SA_CONNECTION_STATE, SA_SHOP_ID } from './search-attributes';

export interface ConnectionInput {
  connectionId: string;
  shopId: number;
  config: Config;
  /** Carried across continue-as-new. */
  carried?: {
    state: ConnectionState;
    attention?: ConnectionStatus['attention'];
    activeLinkRun?: { runId: string; workflowId: string } | null;
    runs: number;
    /** Webhook product ids that arrived once the history was full: forwarded by the next run. */
    deferredProducts?: number[] | 'all';
  };
}

const ACTIVE: ConnectionState[] = ['connected', 'attention'];
/** While in attention, credentials are re-checked after 5 s, 10 s, 20 s… up to every minute. */
const ATTENTION_RECHECK_FIRST_MS = 5_000;
const ATTENTION_RECHECK_MAX_MS = 60_000;
const ATTENTION_BACKOFF_RESET_MS = 10 * 60_000;
const CHILD_STOP_TIMEOUT = '10 minutes';

const acts = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Verification talks to Haravan and Tiki: bounded retries so a connect answers within seconds. */
const verifyActs = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function connectionWorkflow(input: ConnectionInput): Promise<{ state: ConnectionState }> {
  const { connectionId, shopId } = input;
  let config = input.config;
  let state: ConnectionState = input.carried?.state ?? 'connecting';
  let attention = input.carried?.attention;
  let failure: ConnectionStatus['failure'];
  let verification: VerificationResult | undefined = input.carried ? { ok: true, state } : undefined;
  let activeLinkRun = input.carried?.activeLinkRun ?? null;
  let disconnectRequested = false;
  let recheckNow = false;
  let attentionChecks = 0;
  let lastResumedAt = 0;
  const stoppedChildren = new Set<string>();
  const runs = (input.carried?.runs ?? 0) + 1;
  let deferredProducts: Set<number> | 'all' = input.carried?.deferredProducts === 'all' ? 'all' : new Set(input.carried?.deferredProducts ?? []);
  const DEFERRED_MAX = 1_000;
  const deferredList = (): number[] | 'all' => (deferredProducts === 'all' ? 'all' : [...deferredProducts]);
  const children = [stockSyncWorkflowId(shopId), orderIntakeWorkflowId(shopId)];

  const setState = async (next: ConnectionState, why?: ConnectionStatus['attention']) => {
    state = next;
    attention = next === 'attention' ? why : undefined;
    upsertSearchAttributes([{ key: SA_CONNECTION_STATE, value: next }] as never);
    await acts.setConnectionState(connectionId, next, attention ?? null);
  };

  const signalChildren = async (fn: (id: string) => Promise<void>) => {
    for (const id of children) {
      try {
        await fn(id);
      } catch (err) {
        log.warn('child not reachable', { workflowId: id, error: String(err) });
      }
    }
  };

  // ---------------------------------------------------------------- queries & updates
  setHandler(statusQuery, () => ({
    connectionId,
    shopId,
    state,
    config,
    attention,
    failure,
    activeLinkRunId: activeLinkRun?.runId,
    runsSinceStart: runs,
  }));

  setHandler(waitForVerificationUpdate, async () => {
    await condition(() => verification !== undefined);
    return verification!;
  });

  const requireActive = () => {
    if (!ACTIVE.includes(state) || disconnectRequested) {
      throw ApplicationFailure.nonRetryable(`connection is ${state}`, 'CONNECTION_NOT_ACTIVE');
    }
  };

  setHandler(
    updateConfigUpdate,
    async (patch) => {
      const before = config;
      config = mergeConfig(config, patch);
      await acts.saveConfig(connectionId, config);
      const stockAffecting = stockConfigChanged(before, config);
      await signalChildren((id) => getExternalWorkflowHandle(id).signal(configChangedSignal, { config, stockAffecting }));
      return config;
    },
    {
      validator: (patch) => {
        requireActive();
        const issues = validateConfigPatch(patch);
        if (issues.length > 0) throw ApplicationFailure.create({ message: 'invalid config', type: 'VALIDATION_FAILED', nonRetryable: true, details: issues });
      },
    },
  );

  setHandler(
    startLinkRunUpdate,
    async (req) => {
      if (activeLinkRun) return { ...activeLinkRun, alreadyRunning: true };
      const runId = `lr_${uuid4().replace(/-/g, '').slice(0, 16)}`;
      const workflowId = linkRunWorkflowId(shopId, runId);
      activeLinkRun = { runId, workflowId };
      await acts.createLinkRun(connectionId, runId, req);
      await startChild('linkRunWorkflow', {
        workflowId,
        args: [{ connectionId, shopId, runId, request: req, parentWorkflowId: workflowInfo().workflowId }],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        typedSearchAttributes: [{ key: SA_SHOP_ID, value: String(shopId) }],
        staticSummary: `${req.dryRun ? 'Dry-run link' : 'Link'} run ${runId} for Haravan shop ${shopId}`,
        staticDetails: req.all ? 'Scope: every product' : `Scope: ${req.productIds?.length ?? 0} product(s)`,
      });
      return { runId, workflowId, alreadyRunning: false };
    },
    {
      validator: (req) => {
        requireActive();
        if (!req.all && (!req.productIds || req.productIds.length === 0)) {
          throw ApplicationFailure.create({ message: 'productIds or all is required', type: 'VALIDATION_FAILED', nonRetryable: true });
        }
      },
    },
  );

  setHandler(linkRunFinishedSignal, ({ runId }) => {
    if (activeLinkRun?.runId === runId) activeLinkRun = null;
  });

  setHandler(
    pushNowUpdate,
    async () => {
      const pushId = `push_${uuid4().replace(/-/g, '').slice(0, 16)}`;
      await getExternalWorkflowHandle(stockSyncWorkflowId(shopId)).signal(productsChangedSignal, { productIds: 'all', reason: 'push-now', pushId });
      return { pushId };
    },
    { validator: () => requireActive() },
  );

  setHandler(haravanWebhookSignal, async ({ topic, productIds }) => {
    if (!ACTIVE.includes(state) || disconnectRequested || productIds.length === 0) return;
    if (historyFull()) {
      // No new handler work once the run is switching (a webhook storm would postpone it): carry the ids.
      if (deferredProducts !== 'all') for (const id of productIds) deferredProducts.add(id);
      if (deferredProducts !== 'all' && deferredProducts.size > DEFERRED_MAX) deferredProducts = 'all';
      return;
    }
    try {
      await getExternalWorkflowHandle(stockSyncWorkflowId(shopId)).signal(productsChangedSignal, { productIds, reason: `webhook:${topic}` });
    } catch (err) {
      log.warn('stock-sync not reachable for webhook', { error: String(err) });
    }
  });

  setHandler(
    disconnectUpdate,
    async () => {
      disconnectRequested = true;
      return 'disconnecting' as ConnectionState;
    },
    {
      validator: () => {
        if (state === 'disconnected' || state === 'failed' || state === 'connecting' || disconnectRequested) {
          throw ApplicationFailure.nonRetryable(`connection is ${state}`, 'CONNECTION_NOT_ACTIVE');
        }
      },
    },
  );

  setHandler(
    credentialsReplacedUpdate,
    async () => {
      let res: VerificationResult;
      try {
        res = await verifyActs.verifyCredentials(connectionId, shopId, { pending: true });
      } catch (err) {
        // Haravan/Tiki did not answer (network, 5xx, 429 after the bounded retries): unverified, nothing replaced.
        const cause = err instanceof ActivityFailure ? err.cause : err;
        const m = messageFor('CREDENTIALS_UNVERIFIED');
        return { ok: false, state, code: 'CREDENTIALS_UNVERIFIED', message: `${m.en}: ${(cause as Error)?.message ?? ''}`, messageVi: m.vi };
      }
      if (res.ok) {
        recheckNow = true;
        if (state === 'attention') {
          await setState('connected');
          await signalChildren((id) => getExternalWorkflowHandle(id).signal(pauseSignal, { paused: false }));
        }
        return { ok: true, state };
      }
      return { ok: false, state, code: res.code, message: res.message, messageVi: res.messageVi };
    },
    { validator: () => requireActive() },
  );

  setHandler(credentialsRejectedSignal, ({ system, code, message }) => {
    if (state !== 'connected' || disconnectRequested) return;
    const msgCode = system === 'tiki' ? 'CONNECTION_ATTENTION_TIKI' : 'CONNECTION_ATTENTION_HARAVAN';
    const m = messageFor(msgCode);
    attention = { code: `${system.toUpperCase()}_${code}`, message: `${m.en} (${message})`, messageVi: m.vi, since: new Date().toISOString() };
    state = 'attention'; // persisted by the main loop
  });

  setHandler(childStoppedSignal, ({ workflowId }) => {
    stoppedChildren.add(workflowId);
  });

  registerPublishing({ connectionId, shopId, config: () => config, requireActive });

  // ---------------------------------------------------------------- 1. verify
  if (!input.carried) {
    await setState('connecting');
    let res: VerificationResult;
    try {
      res = await verifyActs.verifyCredentials(connectionId, shopId, { pending: false });
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const m = messageFor('CREDENTIALS_UNVERIFIED');
      res = { ok: false, state: 'failed', code: 'CREDENTIALS_UNVERIFIED', message: `${m.en}: ${(cause as Error)?.message ?? ''}`, messageVi: m.vi };
    }
    if (!res.ok) {
      failure = { code: res.code!, message: res.message!, messageVi: res.messageVi! };
      await acts.markConnectionFailed(connectionId, failure);
      state = 'failed';
      upsertSearchAttributes([{ key: SA_CONNECTION_STATE, value: 'failed' }] as never);
      verification = { ...res, state: 'failed' };
      await condition(allHandlersFinished);
      return { state };
    }
    await setState('connected');
    verification = { ok: true, state: 'connected' };

    // ---------------------------------------------------------------- 2. long-lived children
    for (const [workflowType, workflowId] of [
      ['stockSyncWorkflow', stockSyncWorkflowId(shopId)],
      ['orderIntakeWorkflow', orderIntakeWorkflowId(shopId)],
    ] as const) {
      await startChild(workflowType, {
        workflowId,
        args: [{ connectionId, shopId, config, parentWorkflowId: workflowInfo().workflowId }],
        // They outlive each run of this workflow (continue-as-new) and are stopped by signal on disconnect.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        // Inherited across their own continue-as-new: the Web UI can filter a shop's children by ShopId.
        typedSearchAttributes: [{ key: SA_SHOP_ID, value: String(shopId) }],
        staticSummary: `${workflowType === 'stockSyncWorkflow' ? 'Stock & price sync' : 'Tiki order intake'} for Haravan shop ${shopId}`,
      });
    }
  }

  // ---------------------------------------------------------------- 3. run until disconnect
  if (deferredProducts === 'all' || deferredProducts.size > 0) {
    const productIds = deferredList();
    deferredProducts = new Set();
    await getExternalWorkflowHandle(stockSyncWorkflowId(shopId))
      .signal(productsChangedSignal, { productIds, reason: 'webhook:carried' })
      .catch((err) => log.warn('stock-sync not reachable for carried webhooks', { error: String(err) }));
  }
  for (;;) {
    const persistedState = state;
    const wake = () => disconnectRequested || recheckNow || state !== persistedState || (historyFull() && !activeLinkRun);
    if (state === 'attention') {
      await condition(wake, Math.min(ATTENTION_RECHECK_MAX_MS, ATTENTION_RECHECK_FIRST_MS * 2 ** Math.min(attentionChecks, 6)));
      attentionChecks++;
    } else {
      await condition(wake);
    }
    if (disconnectRequested) break;

    if (state === 'attention' && persistedState !== 'attention') {
      // A child reported rejected credentials: pause the children, keep their cursors, show the reason.
      // The re-check backoff starts over only after a quiet spell, so a credential that works for the check but
      // not for the work (e.g. a missing scope) cannot make the connection flap every few seconds.
      if (Date.now() - lastResumedAt > ATTENTION_BACKOFF_RESET_MS) attentionChecks = 0;
      await setState('attention', attention);
      await signalChildren((id) => getExternalWorkflowHandle(id).signal(pauseSignal, { paused: true }));
      continue;
    }
    if (state === 'attention') {
      recheckNow = false;
      const res = await verifyActs.verifyCredentials(connectionId, shopId, { pending: false }).catch(() => undefined);
      if (res?.ok) {
        lastResumedAt = Date.now();
        await setState('connected');
        await signalChildren((id) => getExternalWorkflowHandle(id).signal(pauseSignal, { paused: false }));
      }
      continue;
    }
    recheckNow = false;
    // Not while a link run is active: that child is cancelled when its parent run closes.
    if (historyFull() && !activeLinkRun) {
      await condition(allHandlersFinished);
      if (disconnectRequested || activeLinkRun || state !== persistedState) continue;
      await continueAsNew<typeof connectionWorkflow>({
        connectionId,
        shopId,
        config,
        carried: { state, attention, activeLinkRun, runs, deferredProducts: deferredList() },
      });
    }
  }

  // ---------------------------------------------------------------- 4. disconnect
  await setState('disconnecting');
  await signalChildren((id) => getExternalWorkflowHandle(id).signal(stopSignal));
  if (activeLinkRun) {
    await getExternalWorkflowHandle(activeLinkRun.workflowId).cancel().catch(() => undefined);
  }
  const allStopped = await condition(() => children.every((id) => stoppedChildren.has(id)), CHILD_STOP_TIMEOUT);
  if (!allStopped) log.warn('children did not confirm stop in time', { stopped: [...stoppedChildren] });
  await acts.stopOrderWorkflows(connectionId);
  if (patched('publish-children-stop-on-disconnect')) await stopPublishing(connectionId);
  await acts.finalizeDisconnect(connectionId);
  state = 'disconnected';
  upsertSearchAttributes([{ key: SA_CONNECTION_STATE, value: 'disconnected' }] as never);
  await condition(allHandlersFinished);
  return { state };
}
