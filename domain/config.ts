/** Connection configuration (api.md `Config`) — pure: defaults and merging, no I/O. */
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
  'oversellQuantity',
  'untrackedQuantity',
  'stockRatioPercent',
  'safetyStock',
];

export function stockConfigChanged(a: Config, b: Config): boolean {
  return STOCK_AFFECTING_KEYS.some((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}
