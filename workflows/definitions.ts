/**
 * Messages of every workflow: the API and other workflows import these, never the workflow bodies.
 * Signals for fire-and-forget nudges, updates (with validators) when the caller needs the answer,
 * queries for live status.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Config } from '../domain/config';
import type { StockChanges } from '../domain/poll-shards';
import type { BatchAction, ConnectionState, LinkRunState, OrderAction } from '../domain/terms';
import type { PublishRequestBody } from '../domain/publication/types';

export type { ConnectionState, OrderAction };

export interface ConnectionStatus {
  connectionId: string;
  shopId: number;
  state: ConnectionState;
  config: Config;
  attention?: { code: string; message: string; messageVi: string; since: string };
  activeLinkRunId?: string;
  failure?: { code: string; message: string; messageVi: string };
  runsSinceStart: number;
}

export interface VerificationResult {
  ok: boolean;
  state: ConnectionState;
  code?: string;
  message?: string;
  messageVi?: string;
}

export interface LinkRunRequest {
  productIds?: number[];
  all?: boolean;
  dryRun?: boolean;
}

export interface LinkRunStarted {
  runId: string;
  workflowId: string;
  alreadyRunning: boolean;
}

export interface OrderActionRequest {
  action: OrderAction;
  reason?: string;
}

export interface OrderActionResult {
  action: OrderAction;
  tikiStatus: string;
  status: string;
  labelUrl?: string;
  detail?: string;
}

// ---- connection workflow
export const waitForVerificationUpdate = defineUpdate<VerificationResult>('waitForVerification');
export const updateConfigUpdate = defineUpdate<Config, [Partial<Config>]>('updateConfig');
export const startLinkRunUpdate = defineUpdate<LinkRunStarted, [LinkRunRequest]>('startLinkRun');
export const disconnectUpdate = defineUpdate<ConnectionState>('disconnect');
export const pushNowUpdate = defineUpdate<{ pushId: string }>('pushNow');
export const credentialsReplacedUpdate = defineUpdate<VerificationResult>('credentialsReplaced');
export const statusQuery = defineQuery<ConnectionStatus>('status');
/** From children: Haravan or Tiki rejected the credentials while working. */
export const credentialsRejectedSignal = defineSignal<[{ system: 'haravan' | 'tiki'; code: string; message: string }]>('credentialsRejected');
/** From children when they stop after a disconnect. */
export const childStoppedSignal = defineSignal<[{ workflowId: string }]>('childStopped');
export const haravanWebhookSignal = defineSignal<[{ topic: string; productIds: number[] }]>('haravanWebhook');
export const linkRunFinishedSignal = defineSignal<[{ runId: string }]>('linkRunFinished');

// ---- children: stock sync and order intake
export const stopSignal = defineSignal('stop');
export const pauseSignal = defineSignal<[{ paused: boolean }]>('pause');
export const configChangedSignal = defineSignal<[{ config: Config; stockAffecting: boolean }]>('configChanged');
/** From a poll shard: linked variants changed on Haravan (domain/poll-shards.ts). */
export const stockChangesSignal = defineSignal<[StockChanges]>('stockChanges');
/** To a poll shard: a connection joined it (wakes a shard that parked with no members). */
export const shardWakeSignal = defineSignal('shardWake');
export const productsChangedSignal = defineSignal<[{ productIds: number[] | 'all'; reason: string; pushId?: string }]>('productsChanged');

// ---- link run
export interface LinkRunProgress {
  runId: string;
  state: LinkRunState;
  processed: number;
  total: number;
  linked: number;
  errors: number;
  warnings: number;
  /** What the run is doing: reading Haravan and Tiki, applying the rules, writing links/errors, finished. */
  phase?: LinkRunPhase;
  /** Fetch progress: Haravan products read / in scope, Tiki SKUs read / listed (totals known after the first answers). */
  fetched?: LinkRunFetched;
  linkedProducts?: number;
}
export type LinkRunPhase = 'fetching' | 'computing' | 'writing' | 'done';
export interface LinkRunFetched {
  haravanProducts: number;
  haravanProductsTotal: number | null;
  tikiSkus: number;
  tikiSkusTotal: number | null;
}
/** What the link run's activity reports while it works (throttled; `attempt`/`seq` order the reports). */
export type LinkRunProgressReport = Omit<LinkRunProgress, 'runId' | 'state'> & { attempt: number; seq: number };
export const linkRunProgressQuery = defineQuery<LinkRunProgress>('progress');
/** From the link run's activity to its workflow, so the progress query is live (a few per run, not per variant). */
export const linkRunProgressSignal = defineSignal<[LinkRunProgressReport]>('linkRunProgress');

// ---- order lifecycle
export const tikiOrderEventSignal = defineSignal<[{ eventId?: string; status?: string; reason: string }]>('tikiOrderEvent');
/** POST .../failures/:id/retry: try a permanently failed import again. */
export const retryImportSignal = defineSignal('retryImport');
export const orderActionUpdate = defineUpdate<OrderActionResult, [OrderActionRequest]>('orderAction');
export const orderStatusQuery = defineQuery<{ tikiCode: string; status: string; tikiStatus: string; haravanOrderId?: number; atRisk: boolean }>('orderStatus');

// ---- the settings form's sources (read by the worker for the API)
export interface SourceOption {
  id: number;
  name: string;
  primary: boolean;
}
/** Haravan locations and Tiki seller warehouses of a connection; `failure` when one side could not be read. */
export interface SourcesRead {
  locations: SourceOption[];
  warehouses: SourceOption[];
  /** `reason`: the connector's code (e.g. `TIKI_RATE_LIMITED`) or INTERNAL; `detail`: the error, for the log. */
  failure?: { reason: string; detail: string };
}
/** The workflow type the API starts to read them (workflows/sources.ts). */
export const READ_SOURCES_WORKFLOW = 'readSourcesWorkflow';

// ---- publishing to Tiki (issue 17): the connection starts one publish workflow per Tiki product request
export interface PublishRequest extends PublishRequestBody {
  /** Set by the resubmit path: the publication sent again (a new Tiki request, its history kept). */
  resubmitPubId?: string;
}
export interface PreparedPublication {
  productId: number;
  /** The Haravan product's title, the category it got (request, override or type mapping) and, without one, likely leaves. */
  title?: string;
  categoryId?: number;
  suggestions?: { id: number; name: string; path: string; isLeaf: boolean }[];
  problems: { field: string; code: string; message: string; messageVi: string }[];
  /** The Tiki request body (dry runs only). */
  request?: unknown;
  /** Set when it is to be sent. */
  pubId?: string;
  workflowId?: string;
  attempt?: number;
  /** Turn the listing on once approved (the publication's choice). */
  activate?: boolean;
}
export interface PublishStarted {
  items: PreparedPublication[];
  /** The follow-up schedule the publish workflows got (from the worker's environment). */
  followUp?: { firstMs: number; maxMs: number };
}
/** Prepare (pre-check) and, unless a dry run, start one publish workflow per product that passed. */
export const publishUpdate = defineUpdate<PublishStarted, [PublishRequest]>('publish');
/** To a publish workflow: look at the request's state now (the merchant asked), instead of at the next timer. */
export const publicationCheckNowSignal = defineSignal('publicationCheckNow');
export interface PublicationProgress {
  pubId: string;
  state: string;
  tikiState?: string;
  trackId?: string;
  checks: number;
  nextCheckAt?: string;
}
export const publicationProgressQuery = defineQuery<PublicationProgress>('publicationProgress');

// ---- bulk order work (issue 19): the connection starts one order batch workflow per request
export interface OrderBatchRequest {
  action: BatchAction;
  /** The selected orders; or, with `select`, the connection's orders in that status. */
  tikiCodes?: string[];
  select?: 'awaiting_confirmation';
}
export interface OrderBatchStarted {
  batchId: string;
  workflowId: string;
}
/** Record the batch (orders that cannot take the action skipped at once) and start its workflow. */
export const startOrderBatchUpdate = defineUpdate<OrderBatchStarted, [OrderBatchRequest]>('startOrderBatch');

// ---- the Haravan app install (workflows/installation.ts, api/routes/install.ts) ----
/** A step of the install refused: one of the INSTALL_* codes of domain/messages.ts. */
export interface InstallRefusal {
  ok: false;
  code: 'INSTALL_ID_TOKEN_INVALID' | 'INSTALL_NOT_ADMIN' | 'INSTALL_SHOP_MISMATCH' | 'INSTALL_FAILED';
}
/** First pass: the verified id_token's user and shop. */
export type InstallLoginResult = { ok: true; userId: string; shopId: number } | InstallRefusal;
export interface InstallLoginInput {
  idToken: string;
  nonce: string;
}
/** Second pass (the callback of the install scopes). */
export interface InstallGrantInput extends InstallLoginInput {
  code: string;
  redirectUri: string;
  /** The shop the first pass signed in for: the grant must be for it. */
  shopId: number;
}
export type InstallGrantResult = { ok: true; userId: string; shopId: number } | InstallRefusal;
/** To a shop's installation workflow: it was installed again (new tokens: read the next refresh time anew). */
export const installationRenewedSignal = defineSignal('installationRenewed');
