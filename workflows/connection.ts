/**
 * The connection workflow: one per merchant (id `connection-<shopId>`), living for months.
 *
 *   verify credentials ─┬─ rejected ──────────────► failed (nothing left live)
 *                       └─ ok ─► connected ─► start stock-sync + order-intake children
 *                                   │  updates: config, link runs, push now, disconnect, credentials, publish, order batches
 *                                   │  children report rejected credentials ─► attention ─► re-verify ─► connected
 *                                   └─ disconnect ─► disconnecting ─► children stop ─► data purged ─► disconnected
 *
 * The state and the handler bodies are the `MerchantConnection` of `merchant-connection.ts`; this file wires the
 * handlers and holds the steps of the main line, in the order they run. A run continues-as-new at the fixed history
 * bound of `long-lived.ts` (or when Temporal suggests it), after every handler finished, carrying the small state.
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  ConnectionState,
  VerificationResult,
  childStoppedSignal,
  credentialsRejectedSignal,
  credentialsReplacedUpdate,
  disconnectUpdate,
  haravanWebhookSignal,
  linkRunFinishedSignal,
  productsChangedSignal,
  pushNowUpdate,
  startLinkRunUpdate,
  statusQuery,
  stopSignal,
  updateConfigUpdate,
  waitForVerificationUpdate,
} from './definitions';
import { orderIntakeWorkflowId, stockSyncWorkflowId } from './ids';
import { backoffMs, type Backoff } from './lib/backoff';
import { waitForJobsToStop } from './disconnect';
import { historyFull } from './long-lived';
import { registerOrderBatches } from './order-batch';
import { registerPublishing, stopPublishing } from './publishing';
import { ConnectionInput, MerchantConnection, acts, unverified, verifyActs } from './merchant-connection';
import { SA_CONNECTION_STATE, SA_SHOP_ID } from './search-attributes';

export type { ConnectionInput } from './merchant-connection';

/** While in attention, credentials are re-checked after 5 s, 10 s, 20 s… up to every minute. */
export const ATTENTION_RECHECK_BACKOFF: Backoff = { firstMs: 5_000, maxMs: 60_000 };
/** The re-check back-off starts over only after this long connected. */
const ATTENTION_BACKOFF_RESET_MS = 10 * 60_000;
const CHILD_STOP_TIMEOUT = '10 minutes';

export async function connectionWorkflow(input: ConnectionInput): Promise<{ state: ConnectionState }> {
  const merchant = new MerchantConnection(input);

  setHandler(statusQuery, () => merchant.status());
  setHandler(waitForVerificationUpdate, () => merchant.waitForVerification());
  setHandler(updateConfigUpdate, (patch) => merchant.updateConfig(patch), { validator: (patch) => merchant.validateConfig(patch) });
  setHandler(startLinkRunUpdate, (req) => merchant.startLinkRun(req), { validator: (req) => merchant.validateLinkRun(req) });
  setHandler(linkRunFinishedSignal, (done) => merchant.linkRunFinished(done));
  setHandler(pushNowUpdate, () => merchant.pushNow(), { validator: () => merchant.requireActive() });
  setHandler(haravanWebhookSignal, (hook) => merchant.haravanWebhook(hook));
  setHandler(disconnectUpdate, () => merchant.requestDisconnect(), { validator: () => merchant.validateDisconnect() });
  setHandler(credentialsReplacedUpdate, () => merchant.credentialsReplaced(), { validator: () => merchant.requireActive() });
  setHandler(credentialsRejectedSignal, (rejected) => merchant.credentialsRejected(rejected));
  setHandler(childStoppedSignal, (stopped) => merchant.childStopped(stopped));
  registerPublishing({ connectionId: merchant.connectionId, shopId: merchant.shopId, config: () => merchant.config, requireActive: () => merchant.requireActive() });
  registerOrderBatches({ connectionId: merchant.connectionId, shopId: merchant.shopId, requireActive: () => merchant.requireActive() });

  // A continued run was verified and started its children in the first run.
  if (!input.carried) {
    if (!(await verify(merchant))) return merchant.finish();
    await connectAndStartChildren(merchant);
  }
  await serveUntilDisconnect(merchant);
  await disconnect(merchant);
  return merchant.finish();
}

/** 1. Checks the credentials with Haravan and Tiki. Rejected: the connection is failed, nothing is left live. */
async function verify(m: MerchantConnection): Promise<boolean> {
  await m.setState('connecting');
  let res: VerificationResult;
  try {
    res = await verifyActs.verifyCredentials(m.connectionId, m.shopId, { pending: false });
  } catch (err) {
    res = unverified(err, 'failed');
  }
  if (res.ok) return true;
  m.failure = { code: res.code!, message: res.message!, messageVi: res.messageVi! };
  await acts.markConnectionFailed(m.connectionId, m.failure);
  m.state = m.persistedState = 'failed';
  upsertSearchAttributes([{ key: SA_CONNECTION_STATE, value: 'failed' }] as never);
  m.verification = { ...res, state: 'failed' };
  return false;
}

/** 2. Connected (the connect call is answered), then 3. the long-lived children start: stock sync and order intake. */
async function connectAndStartChildren(m: MerchantConnection): Promise<void> {
  // Joined before the connect is answered, so the children start at once after it (their poll mode is known).
  // patched(): runs started before always had their children poll (no join activity).
  if (patched('poll-shards-join')) m.pollMode = await acts.joinPollShard(m.connectionId);
  await m.setState('connected');
  m.verification = { ok: true, state: 'connected' };
  for (const [workflowType, workflowId] of [
    ['stockSyncWorkflow', stockSyncWorkflowId(m.shopId)],
    ['orderIntakeWorkflow', orderIntakeWorkflowId(m.shopId)],
  ] as const) {
    await startChild(workflowType, {
      workflowId,
      args: [{ connectionId: m.connectionId, shopId: m.shopId, config: m.config, parentWorkflowId: workflowInfo().workflowId, pollMode: m.pollMode }],
      // They outlive each run of this workflow (continue-as-new) and are stopped by signal on disconnect.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      // Inherited across their own continue-as-new: the Web UI can filter a shop's children by ShopId.
      typedSearchAttributes: [{ key: SA_SHOP_ID, value: String(m.shopId) }],
      staticSummary: `${workflowType === 'stockSyncWorkflow' ? 'Stock & price sync' : 'Tiki order intake'} for Haravan shop ${m.shopId}`,
    });
  }
}

/**
 * 4. Serves the handlers (config, link runs, push now, credentials, webhooks) until a disconnect is requested. When a
 * child reports rejected credentials: pauses the children (attention) and re-checks the credentials on a back-off
 * until they are accepted again. Continues as new at the history bound, after every handler finished.
 */
async function serveUntilDisconnect(m: MerchantConnection): Promise<void> {
  if (m.deferredProducts === 'all' || m.deferredProducts.size > 0) {
    const productIds = m.deferredList();
    m.deferredProducts = new Set();
    await getExternalWorkflowHandle(stockSyncWorkflowId(m.shopId))
      .signal(productsChangedSignal, { productIds, reason: 'webhook:carried' })
      .catch((err) => log.warn('stock-sync not reachable for carried webhooks', { error: String(err) }));
  }
  for (;;) {
    // patched(): runs started before took the in-memory state as persisted, so credentials rejected while the
    // children were starting (before this loop) never showed attention nor paused the children.
    const persistedState = m.state !== m.persistedState && patched('connection-attention-before-serving') ? m.persistedState : m.state;
    const wake = () => m.disconnectRequested || m.recheckNow || m.state !== persistedState || (historyFull() && !m.activeLinkRun);
    if (m.state === 'attention') {
      await condition(wake, backoffMs(ATTENTION_RECHECK_BACKOFF, m.attentionChecks));
      m.attentionChecks++;
    } else {
      await condition(wake);
    }
    if (m.disconnectRequested) return;

    if (m.state === 'attention' && persistedState !== 'attention') {
      // A child reported rejected credentials: pause the children, keep their cursors, show the reason.
      // The re-check back-off starts over only after a quiet spell, so a credential that works for the check but
      // not for the work (e.g. a missing scope) cannot make the connection flap every few seconds.
      if (Date.now() - m.lastResumedAt > ATTENTION_BACKOFF_RESET_MS) m.attentionChecks = 0;
      await m.setState('attention', m.attention);
      await m.pauseChildren(true);
      continue;
    }
    if (m.state === 'attention') {
      m.recheckNow = false;
      const res = await verifyActs.verifyCredentials(m.connectionId, m.shopId, { pending: false }).catch(() => undefined);
      if (res?.ok) {
        m.lastResumedAt = Date.now();
        await m.setState('connected');
        await m.rejoinPollShard();
        await m.pauseChildren(false);
      }
      continue;
    }
    m.recheckNow = false;
    // Not while a link run is active: that child is cancelled when its parent run closes.
    if (historyFull() && !m.activeLinkRun) {
      await condition(allHandlersFinished);
      if (m.disconnectRequested || m.activeLinkRun || m.state !== persistedState) continue;
      await continueAsNew<typeof connectionWorkflow>({
        connectionId: m.connectionId,
        shopId: m.shopId,
        config: m.config,
        carried: { state: m.state, attention: m.attention, activeLinkRun: m.activeLinkRun, runs: m.runs, deferredProducts: m.deferredList(), pollMode: m.pollMode },
      });
    }
  }
}

/** 5. Disconnect: the children stop (an active link run is cancelled), the order workflows stop, the data is purged. */
async function disconnect(m: MerchantConnection): Promise<void> {
  await m.setState('disconnecting');
  if (m.pollMode === 'shards') await acts.leavePollShard(m.connectionId);
  await m.signalChildren((id) => getExternalWorkflowHandle(id).signal(stopSignal));
  if (m.activeLinkRun) {
    await getExternalWorkflowHandle(m.activeLinkRun.workflowId).cancel().catch(() => undefined);
  }
  await waitForJobsToStop({ children: m.children, stoppedChildren: m.stoppedChildren, activeLinkRun: () => m.activeLinkRun, timeout: CHILD_STOP_TIMEOUT });
  await acts.stopOrderWorkflows(m.connectionId);
  if (patched('publish-children-stop-on-disconnect')) await stopPublishing(m.connectionId);
  await acts.finalizeDisconnect(m.connectionId);
  m.state = m.persistedState = 'disconnected';
  upsertSearchAttributes([{ key: SA_CONNECTION_STATE, value: 'disconnected' }] as never);
}
