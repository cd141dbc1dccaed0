/** The shapes the stock activities pass between their steps, and what they share from the worker. */
import type { Logger } from 'pino';
import type { HaravanProduct } from '../../connectors/haravan/schemas';
import type { HeldUnits } from '../../domain/reservations';
import type { PushTarget, PushValues, TargetExplanation, VariantStockState, WarehouseQuantity } from '../../domain/stock';
import type { Seen } from '../../domain/stock-poll';
import type { TikiValues } from '../../domain/stock-writes';
import type { RegionalQuantity } from '../../domain/warehouse-map';
import type { Store } from '../../store/store';
import type { LinkRecord } from '../../store/types';
import type { ClientFactory } from '../context';
import type { LatencyTracker } from '../metrics';

/** A linked variant's Haravan state as the stock rule reads it (`VariantStockState`), with where and when it was read. */
export interface HaravanVariantState extends VariantStockState {
  productId: number;
  variantId: number;
  /** When the Haravan values were read (epoch ms, our clock). */
  readAt: number;
}

export type { Seen } from '../../domain/stock-poll';

/** One SKU of Tiki's listing as just read (`TikiValues`), with its list price. */
export interface TikiActual extends TikiValues {
  stocks: WarehouseQuantity[];
  /** `quantity_reserved` per warehouse. */
  reserved: Map<number, number>;
  marketPrice: number;
}

export interface PlannedPush {
  link: LinkRecord;
  /** The §4 target of the variant (`computeTarget`), before the add-back of Tiki's reservations. */
  base: PushTarget;
  /** The Haravan values the target was computed from. */
  read: VariantStockState;
  /** Why `base` holds its values: the §4 rule row, q, ratio and safety stock, the price check (`explainTarget`). */
  explanation: TargetExplanation;
  /** Under a warehouse mapping: each mapped warehouse's §4 quantity (domain/warehouse-map.ts). */
  regional?: RegionalQuantity[];
  /** The units Tiki still reserves for imported orders of this SKU, per warehouse. */
  held?: HeldUnits;
  /** The add-back per target warehouse included in `target.quantity` (domain/reservations.ts). */
  addBack: Map<number, number>;
  target: PushValues;
  change: PushValues;
  reference: PushValues;
  readAt: number;
  seen?: Seen;
  /** Tiki's current warehouse rows when they were just read (required for the batch endpoint). */
  current?: WarehouseQuantity[];
}

/** A Haravan product as listed, with when its answer arrived when the poll read it. */
export type ProductLike = HaravanProduct & { readAt?: number };

/** Phase durations of a full pass. */
export interface PassTiming {
  tikiReadMs: number;
  haravanReadMs: number;
  planMs: number;
  writeMs: number;
}

/** What the stock activities of one worker share: the worker's dependencies and the latency figures. */
export interface StockDeps {
  store: Store;
  clients: ClientFactory;
  logger: Logger;
  /** `seen → confirmed` and `change → confirmed` per connection (see `summary.ts`). */
  latency: { seen: LatencyTracker; change: LatencyTracker };
  /** Phase durations of the last full pass per connection (kept with the reconcile counters). */
  lastTiming: Map<string, PassTiming>;
}
