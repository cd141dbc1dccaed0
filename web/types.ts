/** The API shapes the dashboard reads (as the API's presenters produce them, api/schemas.ts; only the fields it shows). */
import type { Config as DomainConfig } from '../domain/config';
import type { DailyOrders, HourlyWrites, LatencySeries } from '../domain/overview-charts';
import type { ConnectionState, LinkRunState, LinkStatus, Severity } from '../domain/terms';

/** The connection configuration is the domain's own type (no I/O in domain/config.ts, so it bundles as a type only). */
export type Config = DomainConfig & { [key: string]: unknown };

export type { ConnectionState };

export interface Connection {
  id: string;
  shopId: number;
  state: ConnectionState;
  attention?: { code: string; message: string; messageVi?: string };
  config: Config;
  counts: { linkedVariants: number; linkedProducts: number; syncErrors: number; ordersImported: number };
  lastStockPush?: { at: string; pushed: number; skipped: number; failed: number };
  latency?: { stockP50Ms?: number; stockP95Ms?: number; samples?: number };
  reconcile?: { lastAt: string; drifted?: number };
  orderCompleteness?: { checkedAt: string; seen?: number; imported?: number; missing?: number; repairedTotal?: number };
  activeLinkRunId?: string;
  tikiSeller?: { id?: number; name?: string; warehouseIds?: number[] };
  workflowId: string;
  createdAt?: string;
  connectedAt?: string;
  disconnectedAt?: string;
}

export interface LinkOutcome {
  haravanProductId: number;
  haravanVariantId: number;
  barcode: string | null;
  status: LinkStatus;
  link?: { tikiProductId: number; tikiSku: string; barcode: string };
  issues: { code: string; severity: string; message: string; messageVi: string }[];
}

export interface LinkRun {
  runId: string;
  state: LinkRunState;
  dryRun: boolean;
  processed: number;
  total: number;
  linked: number;
  errors: number;
  warnings: number;
  outcomes?: LinkOutcome[];
}

export interface SyncError {
  code: string;
  severity: Severity;
  haravanProductId?: number;
  haravanVariantId?: number;
  barcode?: string;
  message: string;
  messageVi: string;
  at: string;
}

export interface Order {
  tikiCode: string;
  haravanOrderId?: number;
  status: string;
  tikiStatus: string;
  fulfillmentType?: string;
  items: { tikiSku: string; haravanVariantId?: number; quantity: number; price: number; name?: string }[];
  customer: { name: string | null; phone: string | null; email: string | null };
  warnings: string[];
  atRisk: boolean;
  deadlineAt?: string;
  labelUrl?: string;
  tikiCreatedAt?: string;
  importedAt?: string;
}

/** api.md additions: `OrderBatch` (bulk order work). */
export interface OrderBatch {
  batchId: string;
  action: string;
  state: 'running' | 'completed' | 'failed';
  total: number;
  done: number;
  failed: number;
  skipped: number;
  pending: number;
  items: { tikiCode: string; outcome: 'pending' | 'done' | 'skipped' | 'failed'; code?: string; message?: string; messageVi?: string; labelUrl?: string; label?: 'merged' | 'apart' }[];
  labelsPdfUrl?: string;
  labelPages?: number;
  labelsApart: { tikiCode: string; code: string; message: string; messageVi: string; labelUrl?: string }[];
}

export interface Sources {
  locations: { id: number; name: string; primary: boolean }[];
  warehouses: { id: number; name: string; primary: boolean }[];
  error?: { code: string; message: string; messageVi: string };
}

export interface ApiErrorBody {
  error?: { code: string; message: string; messageVi?: string; issues?: { path: string; message: string }[] };
}

// ---- publishing to Tiki (api.md additions)
export interface PublishProblem {
  field: string;
  code: string;
  message: string;
  messageVi: string;
}
export interface PublishCategory {
  id: number;
  name: string;
  path: string;
  isLeaf: boolean;
}
export interface PublishAttribute {
  code: string;
  name: string;
  nameVi: string;
  required: boolean;
  type: 'text' | 'number' | 'select' | 'multiselect' | 'boolean';
  values?: { id?: number; value: string }[];
}
export interface PublishCheck {
  productId: number;
  title?: string;
  categoryId?: number;
  suggestions?: PublishCategory[];
  problems: PublishProblem[];
  request?: Record<string, unknown>;
}
export interface Publication {
  pubId: string;
  productId: number;
  state: string;
  tikiState?: string;
  trackId?: string;
  reasons: { code?: string; message: string; messageVi: string }[];
  history: { state: string; at: string }[];
  linked: boolean;
  attempts: number;
  categoryId?: number;
}

/** api.md: `Link` (one linked variant). */
export interface Link {
  haravanProductId: number;
  haravanVariantId: number;
  barcode: string;
  tikiSku: string;
  tikiProductId: number;
  lastPushedQuantity?: number;
  lastPushedPrice?: number;
  converged?: boolean;
  lastVerifiedAt?: string;
}

/** api.md additions: `AuditEntry` (the history of a linked variant or an order), newest first. */
export interface AuditEntry {
  at: string;
  subject: 'variant' | 'order';
  kind: string;
  summary: string;
  summaryVi: string;
  details: unknown;
}

/** `GET /v1/connections/:id/charts` (api/chart-schemas.ts; the series of domain/overview-charts.ts). */
export interface Charts {
  hours: number;
  generatedAt: string;
  stockLatency: LatencySeries;
  orderLatency: LatencySeries;
  ordersPerDay: DailyOrders;
  writesPerHour: HourlyWrites;
}
