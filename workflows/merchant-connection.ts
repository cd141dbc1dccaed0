/**
 * One merchant's connection as workflow state: what the connection workflow (`workflows/connection.ts`) holds and
 * the bodies of its signal, update and query handlers. The workflow wires the handlers to these methods; its own
 * steps (verify, connect, serve, disconnect) use the same state.
 *
 * It holds config and a few ids only; bulk data lives in the store.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConnectionActivities } from '../activities/connection';
import type { PollShardMembershipActivities } from '../activities/poll-shard-membership';
import type { PollMode } from '../domain/poll-shards';
import { Config, mergeConfig, stockConfigChanged, validateConfigPatch } from '../domain/config';
import { messageFor } from '../domain/messages';
import { redactVendorText } from '../domain/redact';
import { isActiveConnection, isEndedConnection } from '../domain/terms';
import {
  ConnectionState,
  ConnectionStatus,
  LinkRunRequest,
  LinkRunStarted,
  VerificationResult,
  configChangedSignal,
  pauseSignal,
  productsChangedSignal,
} from './definitions';
import { linkRunWorkflowId, orderIntakeWorkflowId, stockSyncWorkflowId } from './ids';
import { historyFull } from './long-lived';
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
    /** Who polls this connection (decided at connect, by the worker's POLL_MODE): unset = its children. */
    pollMode?: PollMode;
  };
}

/** Webhook product ids carried to the next run at most; beyond, the next run pushes everything. */
const DEFERRED_MAX = 1_000;

export const acts = proxyActivities<ConnectionActivities & PollShardMembershipActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Verification talks to Haravan and Tiki: bounded retries so a connect answers within seconds. */
export const verifyActs = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumAttempts: 3 },
});

/**
 * Haravan/Tiki did not answer (network, 5xx, 429 after the bounded retries): unverified. The caller gets our words
 * only; what the socket or the vendor said goes to the log, redacted.
 */
export function unverified(err: unknown, state: ConnectionState): VerificationResult {
  const cause = err instanceof ActivityFailure ? (err.cause ?? err) : err;
  log.warn('credentials unverified', { error: redactVendorText(String(cause)) });
  const m = messageFor('CREDENTIALS_UNVERIFIED');
  return { ok: false, state, code: 'CREDENTIALS_UNVERIFIED', message: m.en, messageVi: m.vi };
}

export class MerchantConnection {
  readonly connectionId: string;
  readonly shopId: number;
  config: Config;
  state: ConnectionState;
  /** The state the store and the search attribute show (a handler may have moved `state` on since). */
  persistedState: ConnectionState;
  attention: ConnectionStatus['attention'];
  failure: ConnectionStatus['failure'];
  /** Answer of the first verification (a continued run was verified by its first run). */
  verification: VerificationResult | undefined;
  activeLinkRun: { runId: string; workflowId: string } | null;
  disconnectRequested = false;
  /** Credentials were replaced and accepted: the main line re-checks at once. */
  recheckNow = false;
  attentionChecks = 0;
  lastResumedAt = 0;
  readonly stoppedChildren = new Set<string>();
  readonly runs: number;
  deferredProducts: Set<number> | 'all';
  readonly children: string[];
  /** `shards`: the connection is polled by its poll shard, joined on connect and resume, left on disconnect. */
  pollMode: PollMode | undefined;

  constructor(input: ConnectionInput) {
    this.connectionId = input.connectionId;
    this.shopId = input.shopId;
    this.config = input.config;
    this.state = input.carried?.state ?? 'connecting';
    this.persistedState = this.state;
    this.attention = input.carried?.attention;
    this.verification = input.carried ? { ok: true, state: this.state } : undefined;
    this.activeLinkRun = input.carried?.activeLinkRun ?? null;
    this.runs = (input.carried?.runs ?? 0) + 1;
    this.deferredProducts = input.carried?.deferredProducts === 'all' ? 'all' : new Set(input.carried?.deferredProducts ?? []);
    this.children = [stockSyncWorkflowId(input.shopId), orderIntakeWorkflowId(input.shopId)];
    this.pollMode = input.carried?.pollMode;
  }

  /** Back in `connected` after attention: a sharded connection joins its shard again (wakes a parked shard). */
  async rejoinPollShard(): Promise<void> {
    if (this.pollMode === 'shards') await acts.joinPollShard(this.connectionId);
  }

  // ---------------------------------------------------------------- state and children

  async setState(next: ConnectionState, why?: ConnectionStatus['attention']): Promise<void> {
    this.state = next;
    this.persistedState = next;
    this.attention = next === 'attention' ? why : undefined;
    upsertSearchAttributes([{ key: SA_CONNECTION_STATE, value: next }] as never);
    await acts.setConnectionState(this.connectionId, next, this.attention ?? null);
  }

  async signalChildren(fn: (id: string) => Promise<void>): Promise<void> {
    for (const id of this.children) {
      try {
        await fn(id);
      } catch (err) {
        log.warn('child not reachable', { workflowId: id, error: String(err) });
      }
    }
  }

  pauseChildren(paused: boolean): Promise<void> {
    return this.signalChildren((id) => getExternalWorkflowHandle(id).signal(pauseSignal, { paused }));
  }

  deferredList(): number[] | 'all' {
    return this.deferredProducts === 'all' ? 'all' : [...this.deferredProducts];
  }

  /** Refuses work unless the connection is connected or in attention, and no disconnect is under way. */
  requireActive(): void {
    if (!isActiveConnection(this.state) || this.disconnectRequested) {
      throw ApplicationFailure.nonRetryable(`connection is ${this.state}`, 'CONNECTION_NOT_ACTIVE');
    }
  }

  // ---------------------------------------------------------------- queries and updates

  status(): ConnectionStatus {
    return {
      connectionId: this.connectionId,
      shopId: this.shopId,
      state: this.state,
      config: this.config,
      attention: this.attention,
      failure: this.failure,
      activeLinkRunId: this.activeLinkRun?.runId,
      runsSinceStart: this.runs,
    };
  }

  async waitForVerification(): Promise<VerificationResult> {
    await condition(() => this.verification !== undefined);
    return this.verification!;
  }

  validateConfig(patch: Partial<Config>): void {
    this.requireActive();
    const issues = validateConfigPatch(patch);
    if (issues.length > 0) throw ApplicationFailure.create({ message: 'invalid config', type: 'VALIDATION_FAILED', nonRetryable: true, details: issues });
  }

  async updateConfig(patch: Partial<Config>): Promise<Config> {
    const before = this.config;
    this.config = mergeConfig(this.config, patch);
    await acts.saveConfig(this.connectionId, this.config);
    const stockAffecting = stockConfigChanged(before, this.config);
    await this.signalChildren((id) => getExternalWorkflowHandle(id).signal(configChangedSignal, { config: this.config, stockAffecting }));
    return this.config;
  }

  validateLinkRun(req: LinkRunRequest): void {
    this.requireActive();
    if (!req.all && (!req.productIds || req.productIds.length === 0)) {
      throw ApplicationFailure.create({ message: 'productIds or all is required', type: 'VALIDATION_FAILED', nonRetryable: true });
    }
  }

  async startLinkRun(req: LinkRunRequest): Promise<LinkRunStarted> {
    if (this.activeLinkRun) return { ...this.activeLinkRun, alreadyRunning: true };
    const runId = `lr_${uuid4().replace(/-/g, '').slice(0, 16)}`;
    const workflowId = linkRunWorkflowId(this.shopId, runId);
    this.activeLinkRun = { runId, workflowId };
    await acts.createLinkRun(this.connectionId, runId, req);
    await startChild('linkRunWorkflow', {
      workflowId,
      args: [{ connectionId: this.connectionId, shopId: this.shopId, runId, request: req, parentWorkflowId: workflowInfo().workflowId }],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [{ key: SA_SHOP_ID, value: String(this.shopId) }],
      staticSummary: `${req.dryRun ? 'Dry-run link' : 'Link'} run ${runId} for Haravan shop ${this.shopId}`,
      staticDetails: req.all ? 'Scope: every product' : `Scope: ${req.productIds?.length ?? 0} product(s)`,
    });
    return { runId, workflowId, alreadyRunning: false };
  }

  linkRunFinished({ runId }: { runId: string }): void {
    if (this.activeLinkRun?.runId === runId) this.activeLinkRun = null;
  }

  async pushNow(): Promise<{ pushId: string }> {
    const pushId = `push_${uuid4().replace(/-/g, '').slice(0, 16)}`;
    await getExternalWorkflowHandle(stockSyncWorkflowId(this.shopId)).signal(productsChangedSignal, { productIds: 'all', reason: 'push-now', pushId });
    return { pushId };
  }

  async haravanWebhook({ topic, productIds }: { topic: string; productIds: number[] }): Promise<void> {
    if (!isActiveConnection(this.state) || this.disconnectRequested || productIds.length === 0) return;
    if (historyFull()) {
      // No new handler work once the run is switching (a webhook storm would postpone it): carry the ids.
      if (this.deferredProducts !== 'all') for (const id of productIds) this.deferredProducts.add(id);
      if (this.deferredProducts !== 'all' && this.deferredProducts.size > DEFERRED_MAX) this.deferredProducts = 'all';
      return;
    }
    try {
      await getExternalWorkflowHandle(stockSyncWorkflowId(this.shopId)).signal(productsChangedSignal, { productIds, reason: `webhook:${topic}` });
    } catch (err) {
      log.warn('stock-sync not reachable for webhook', { error: String(err) });
    }
  }

  validateDisconnect(): void {
    const s = this.state;
    if (isEndedConnection(s) || s === 'connecting' || this.disconnectRequested) {
      throw ApplicationFailure.nonRetryable(`connection is ${s}`, 'CONNECTION_NOT_ACTIVE');
    }
  }

  async requestDisconnect(): Promise<ConnectionState> {
    this.disconnectRequested = true;
    return 'disconnecting';
  }

  async credentialsReplaced(): Promise<VerificationResult> {
    let res: VerificationResult;
    try {
      res = await verifyActs.verifyCredentials(this.connectionId, this.shopId, { pending: true });
    } catch (err) {
      // Nothing replaced.
      return unverified(err, this.state);
    }
    if (res.ok) {
      this.recheckNow = true;
      if (this.state === 'attention') {
        await this.setState('connected');
        await this.rejoinPollShard();
        await this.pauseChildren(false);
      }
      return { ok: true, state: this.state };
    }
    return { ok: false, state: this.state, code: res.code, message: res.message, messageVi: res.messageVi };
  }

  /** From a child: Haravan or Tiki rejected the credentials. The main line persists the state and pauses the children. */
  credentialsRejected({ system, code, message }: { system: 'haravan' | 'tiki'; code: string; message: string }): void {
    if (this.state !== 'connected' || this.disconnectRequested) return;
    // The installation's token could not be renewed (workflows/installation.ts): say so, the fix is a reinstall.
    const refreshFailed = system === 'haravan' && code === 'TOKEN_REFRESH_FAILED';
    const m = messageFor(refreshFailed ? 'HARAVAN_TOKEN_REFRESH_FAILED' : system === 'tiki' ? 'CONNECTION_ATTENTION_TIKI' : 'CONNECTION_ATTENTION_HARAVAN');
    log.warn('credentials rejected', { system, code, message: redactVendorText(message) });
    this.attention = { code: `${system.toUpperCase()}_${code}`, message: m.en, messageVi: m.vi, since: new Date().toISOString() };
    this.state = 'attention';
  }

  childStopped({ workflowId }: { workflowId: string }): void {
    this.stoppedChildren.add(workflowId);
  }

  /** The run's result, once every handler finished. */
  async finish(): Promise<{ state: ConnectionState }> {
    await condition(allHandlersFinished);
    return { state: this.state };
  }
}
