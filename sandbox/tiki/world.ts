/**
 * The simulator's whole mutable state as plain data (Maps and records), so a snapshot is one structuredClone.
 * Times are epoch milliseconds; they are rendered as Tiki local time (UTC+7) at the API edge.
 */
import type { RngState } from './rng';

export type AuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface AddressRec {
  street: string;
  ward: { code: string; name: string };
  district: { code: string; name: string };
  region: { code: string; name: string };
  country: { code: string; name: string };
}

export interface WarehouseRec {
  id: number;
  name: string;
  code: string;
  isPrimary: boolean;
  /** 1 active, 0 inactive. */
  status: 0 | 1;
  /** 1 pickup (supplies goods, "requisition"), 0 return ("withdrawal"). */
  type: 0 | 1;
  /** The Tiki warehouse this seller warehouse serves (seller-inventories mapping). */
  tikiWarehouseCode: string;
  address: AddressRec;
}

export interface SellerRec {
  id: number;
  sid: string;
  name: string;
  logo: string;
  active: 0 | 1;
  canUpdateProduct: 0 | 1;
  operationModels: string[];
  registrationStatus: string;
  liveAt: number;
  clientId?: string;
  clientSecret?: string;
  /** Enforced at the token endpoint when set; both methods are accepted otherwise. */
  authMethod?: AuthMethod;
  apiKey?: string;
  /** Legacy key answers 200 `{"msg": ..., "integration_status": ...}` while paused. */
  paused: boolean;
  /** Credentials revoked: the token grant fails, tokens are rejected, the key gets 403. */
  revoked: boolean;
  warehouses: WarehouseRec[];
  productIds: number[];
  orderCodes: string[];
}

export interface StockRec {
  /** Set by the seller (API or Seller Center). */
  available: number;
  /** Held by open orders. */
  reserved: number;
}

export interface ProductRec {
  productId: number;
  sellerId: number;
  sku: string;
  name: string;
  originalSku: string | null;
  price: number;
  marketPrice: number;
  active: 0 | 1;
  masterId: number;
  masterSku: string;
  inventoryType: string;
  fulfillmentType: string;
  createdAt: number;
  updatedAt: number;
  version: number;
  /** Per seller warehouse id. */
  stocks: Map<number, StockRec>;
}

export interface ConfirmationHistoryRec {
  status: string;
  at: number;
}

export interface OrderItemRec {
  id: number;
  productId: number;
  sku: string;
  name: string;
  sellerProductCode: string | null;
  inventoryType: string;
  qty: number;
  price: number;
  /** Seller warehouse holding the reservation. */
  warehouseId: number;
  /** Whether `qty` is currently counted in that warehouse's `reserved`. */
  reserved: boolean;
  confirmationStatus: string;
  confirmedAt?: number;
  availableConfirmSla: number;
  pickupConfirmSla?: number;
  sellerInventoryId?: number;
  confirmationHistories: ConfirmationHistoryRec[];
}

export interface CustomerRec {
  id: number;
  fullName: string;
  phone: string;
  email: string | null;
}

export interface ShippingAddressRec {
  fullName: string;
  street: string;
  ward: string;
  wardTikiCode: string;
  district: string;
  districtTikiCode: string;
  region: string;
  regionTikiCode: string;
  country: string;
  countryId: string;
}

export interface CancelInfoRec {
  reasonCode: string;
  reasonText: string;
  comment: string;
  canceledAt: number;
}

export interface OrderRec {
  id: number;
  code: string;
  sellerId: number;
  fulfillmentType: string;
  status: string;
  createdAt: number;
  updatedAt: number;
  paymentMethod: string;
  isPrepaid: boolean;
  tikiWarehouse: { id: number; name: string; code: string };
  customer: CustomerRec;
  shippingAddress: ShippingAddressRec;
  items: OrderItemRec[];
  statusHistories: { id: number; status: string; at: number }[];
  cancelInfo?: CancelInfoRec;
  /** Stock left the seller warehouse (available and reserved decreased). */
  stockTaken: boolean;
  expectedPickupTime?: number;
  delivery: {
    confirmed: boolean;
    confirmedAt?: number;
    note?: string;
    appointmentDate?: number;
    failureCause?: string;
  };
}

export interface EventRec {
  id: string;
  sid: string;
  created_at: number;
  type: string;
  version: string;
  payload: Record<string, unknown>;
}

export interface SubscriptionRec {
  code: string;
  eventType: string;
  sid: string;
  active: boolean;
}

export interface QueueRec {
  code: string;
  name: string;
  /** `client:<clientId>` (OAuth app) or `key:<sellerId>` (legacy key). */
  owner: string;
  createdAt: number;
  subscriptions: SubscriptionRec[];
  /** Append-only log. */
  events: EventRec[];
  /** Index of the first event not yet acknowledged. */
  committed: number;
  /** The batch handed out by the last pull: acknowledging `ackId` commits up to `end`. */
  delivered?: { ackId: string; end: number };
}

export interface TokenRec {
  token: string;
  clientId: string;
  sellerId: number;
  expiresAt: number;
}

export interface World {
  sellers: Map<number, SellerRec>;
  products: Map<number, ProductRec>;
  orders: Map<string, OrderRec>;
  queues: Map<string, QueueRec>;
  tokens: Map<string, TokenRec>;
  clientIndex: Map<string, number>;
  keyIndex: Map<string, number>;
  rng: RngState;
  seq: { product: number; orderId: number; orderCode: number; orderItem: number; customer: number; history: number };
}

export function createWorld(seed: number): World {
  return {
    sellers: new Map(),
    products: new Map(),
    orders: new Map(),
    queues: new Map(),
    tokens: new Map(),
    clientIndex: new Map(),
    keyIndex: new Map(),
    rng: { state: seed | 0 },
    seq: {
      product: 270_000_000,
      orderId: 40_000_000,
      orderCode: 510_000_000,
      orderItem: 180_000_000,
      customer: 9_000_000,
      history: 700_000_000,
    },
  };
}
