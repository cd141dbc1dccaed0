import type { Config } from '../domain/config';
import type { ConnectionState, LinkRunState, Severity } from '../domain/terms';

export type { ConnectionState };

export type TikiCredentials =
  | { clientId: string; clientSecret: string; baseUrl?: string }
  | { apiKey: string; baseUrl?: string };

export interface Credentials {
  /**
   * `installation`: made from the shop's app installation, whose current token replaces `accessToken` (store/repos/installations.ts);
   * `expiresAt` (ISO) is then that token's expiry, filled in when read, never stored.
   */
  haravan: { accessToken: string; baseUrl?: string; installation?: true; expiresAt?: string };
  tiki: TikiCredentials;
}

export interface Attention {
  code: string;
  message: string;
  messageVi?: string;
  since?: string;
}

export interface LastStockPush {
  at: string;
  pushed: number;
  skipped: number;
  failed: number;
}

export interface ConnectionRecord {
  id: string;
  shopId: number;
  state: ConnectionState;
  workflowId: string;
  config: Config;
  attention: Attention | null;
  tikiSeller: { id?: number; sid?: string; name?: string; warehouseIds?: number[] } | null;
  counters: Record<string, number>;
  lastStockPush: LastStockPush | null;
  createdAt: string;
  updatedAt: string;
  connectedAt: string | null;
  disconnectedAt: string | null;
}

/** A member of a poll shard, with what its schedule is derived from (store/repos/connections.ts). */
export interface PollShardMember {
  connectionId: string;
  shopId: number;
  config: Config;
  connectedAt: string | null;
  lastReconcileAt: string | null;
  lastSweepAt: string | null;
}

export interface LinkRecord {
  haravanProductId: number;
  haravanVariantId: number;
  barcode: string;
  tikiSku: string;
  tikiProductId: number;
  tikiMarketPrice?: number | null;
  priceBlocked?: boolean;
  lastPushedQuantity?: number | null;
  lastPushedPrice?: number | null;
  /** Under a warehouse mapping: what each target warehouse held at the last confirmed quantity (domain/stock.ts `PushValues.split`). */
  lastPushedSplit?: { warehouseId: number; qtyAvailable: number }[] | null;
  lastPushedAt?: string | null;
  converged?: boolean | null;
  lastVerifiedAt?: string | null;
}

export interface SyncErrorRecord {
  code: string;
  severity: Severity;
  haravanProductId?: number | null;
  haravanVariantId?: number | null;
  barcode?: string | null;
  message: string;
  messageVi: string;
  at?: string;
}

export interface LinkRunRecord {
  runId: string;
  connectionId: string;
  state: LinkRunState;
  dryRun: boolean;
  scope: { productIds?: number[]; all?: boolean };
  processed: number;
  total: number;
  linked: number;
  errors: number;
  warnings: number;
  outcomes?: unknown[] | null;
  error?: unknown;
  startedAt: string;
  finishedAt: string | null;
}

export interface OrderItemRecord {
  tikiSku: string;
  originalSku?: string | null;
  haravanVariantId?: number | null;
  quantity: number;
  price: number;
  name?: string;
  /** Tiki's item id, and where and whether Tiki holds the item's units (refreshed from each read of the order). */
  tikiItemId?: number | null;
  tikiWarehouseId?: number | null;
  tikiConfirmation?: string | null;
}

export interface OrderRecord {
  tikiCode: string;
  haravanOrderId?: number | null;
  status: string;
  tikiStatus: string;
  fulfillmentType?: string | null;
  items: OrderItemRecord[];
  customer: { name?: string | null; phone?: string | null; email?: string | null };
  warnings: string[];
  deadlineAt?: string | null;
  atRisk?: boolean;
  labelUrl?: string | null;
  tikiCreatedAt?: string | null;
  createAttemptedAt?: string | null;
  /** A create call was sent at this time and its outcome is not known yet (the "ambiguous at" marker). */
  createSentAt?: string | null;
  importedAt?: string | null;
  createdAt?: string;
  updatedAt?: string;
}

export interface FailureRecord {
  id: string;
  connectionId: string;
  kind: string;
  ref: string;
  code: string;
  message: string;
  messageVi: string;
  attempts: number;
  firstAt: string;
  lastAt: string;
  resolvedAt?: string | null;
  details?: unknown;
}
