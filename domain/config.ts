/** Connection configuration (the API's `Config`, api/schemas.ts `ConfigSchema`) — pure: defaults and merging, no I/O. */
import { warehouseMapIssues, type WarehouseMapEntry } from './warehouse-map';

export interface Config {
  syncPrice: boolean;
  syncQuantity: boolean;
  processOrdersInHaravan: boolean;
  /** [] = all locations ("Kho tổng"). */
  inventoryLocationIds: number[];
  /** Haravan location where Tiki orders are recorded (stock deducted); undefined = the shop's primary location. */
  orderLocationId?: number;
  /** [] = the seller's first (primary) warehouse. */
  tikiWarehouseIds: number[];
  /**
   * Haravan locations → Tiki warehouses (product.md §8, domain/warehouse-map.ts); absent or [] = no mapping (the
   * stock goes by `inventoryLocationIds` and `tikiWarehouseIds`).
   */
  warehouseMap?: WarehouseMapEntry[];
  oversellQuantity: number;
  untrackedQuantity: number;
  stockRatioPercent: number;
  safetyStock: number;
  restockOnCancel: boolean;
  reconcileIntervalSeconds: number;
  /** ISO date; default = connect time. */
  importOrdersSince?: string;
  /** Seconds between Haravan delta polls (stock). */
  pollIntervalSeconds: number;
  /** Seconds between Tiki event-queue pulls. */
  orderPollIntervalSeconds: number;
  /** Seconds between order-list safety-net sweeps. */
  orderSweepIntervalSeconds: number;
  /** Seconds between order completeness checks (default daily). */
  orderCompletenessIntervalSeconds: number;
  /** Act automatically before Tiki's confirmation deadline (never by default). */
  autoConfirmBeforeDeadline: boolean;
  /** Hours before the Tiki confirmation deadline when an order is flagged at risk. */
  atRiskHoursBeforeDeadline: number;
}

export const DEFAULT_CONFIG: Config = {
  syncPrice: true,
  syncQuantity: true,
  processOrdersInHaravan: true,
  inventoryLocationIds: [],
  tikiWarehouseIds: [],
  oversellQuantity: 1_000_000,
  untrackedQuantity: 1_000_000,
  stockRatioPercent: 100,
  safetyStock: 0,
  restockOnCancel: true,
  reconcileIntervalSeconds: 900,
  pollIntervalSeconds: 2,
  orderPollIntervalSeconds: 2,
  orderSweepIntervalSeconds: 180,
  orderCompletenessIntervalSeconds: 86_400,
  autoConfirmBeforeDeadline: false,
  atRiskHoursBeforeDeadline: 2,
};

export function mergeConfig(base: Config, patch: Partial<Config>): Config {
  const out: Config = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Which config keys, when changed, require recomputing and pushing stock/price. */
export const STOCK_AFFECTING_KEYS: (keyof Config)[] = [
  'syncPrice',
  'syncQuantity',
  'inventoryLocationIds',
  'tikiWarehouseIds',
  'warehouseMap',
  'oversellQuantity',
  'untrackedQuantity',
  'stockRatioPercent',
  'safetyStock',
];

export function stockConfigChanged(a: Config, b: Config): boolean {
  return STOCK_AFFECTING_KEYS.some((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

export interface ConfigIssue {
  path: string;
  message: string;
}

const INT_LIMITS: Partial<Record<keyof Config, [number, number]>> = {
  oversellQuantity: [0, 100_000_000],
  untrackedQuantity: [0, 100_000_000],
  stockRatioPercent: [0, 100],
  safetyStock: [0, 100_000_000],
  reconcileIntervalSeconds: [5, 7 * 86_400],
  pollIntervalSeconds: [1, 3_600],
  orderPollIntervalSeconds: [1, 3_600],
  orderSweepIntervalSeconds: [5, 86_400],
  orderCompletenessIntervalSeconds: [60, 30 * 86_400],
  atRiskHoursBeforeDeadline: [0, 72],
};

/**
 * Pure validation of a config patch (the API validates shapes with zod first; this is the rule check the
 * connection workflow's update validator runs, so a patch that reaches history is always valid).
 */
export function validateConfigPatch(patch: Partial<Config>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof Config, unknown][]) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_CONFIG) && key !== 'orderLocationId' && key !== 'importOrdersSince' && key !== 'warehouseMap') {
      issues.push({ path: key, message: 'unknown setting' });
      continue;
    }
    const limits = INT_LIMITS[key];
    if (limits) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < limits[0] || value > limits[1]) {
        issues.push({ path: key, message: `must be an integer between ${limits[0]} and ${limits[1]}` });
      }
      continue;
    }
    if (key === 'inventoryLocationIds' || key === 'tikiWarehouseIds') {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v <= 0)) {
        issues.push({ path: key, message: 'must be a list of positive integer ids' });
      } else if (new Set(value).size !== value.length) {
        issues.push({ path: key, message: 'must not repeat an id' });
      }
      continue;
    }
    if (key === 'warehouseMap') {
      issues.push(...warehouseMapIssues(value));
      continue;
    }
    if (key === 'orderLocationId') {
      if (value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)) issues.push({ path: key, message: 'must be a positive integer id' });
      continue;
    }
    if (key === 'importOrdersSince') {
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) issues.push({ path: key, message: 'must be an ISO date' });
      continue;
    }
    if (typeof DEFAULT_CONFIG[key] === 'boolean' && typeof value !== 'boolean') issues.push({ path: key, message: 'must be true or false' });
  }
  return issues;
}
