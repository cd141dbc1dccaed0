/**
 * Typed client of the Tiki Seller Open API.
 *
 * Auth: OAuth2 client credentials (Bearer) or the legacy seller key (`tiki-api` header). Both schemes use the
 * same paths below (the key is accepted wherever the Bearer token is; see sandbox/tiki/README.md).
 * Every failure is a ConnectorError (connectors/errors.ts); every vendor object is zod-parsed (schemas.ts).
 *
 * Longer than ~300 lines on purpose: one short method per Tiki endpoint the service uses (seller, products, orders,
 * event queue) with its parameter types, so the vendor's whole surface is read in one class; transport, OAuth, token
 * cache, rate limiting, query helpers, error text and schemas are already files of their own.
 */
import { z } from 'zod';
import { labelUrlAllowed } from '../../domain/order-batch';
import { ConnectorError } from '../errors';
import { clientValidationError, tikiErrorText } from './errors';
import { DateInput, dateParam, SetFilter, setExpression, toPage, walkPages } from './query';
import {
  actionResponseSchema,
  labelResponseSchema,
  listEnvelope,
  orderListSchema,
  orderSchema,
  pickupSlotsSchema,
  productListSchema,
  productSchema,
  pullResponseSchema,
  queueSchema,
  sellerInventoriesSchema,
  sellerSchema,
  sellerWarehouseSchema,
  skuUpdateResponseSchema,
  subscriptionSchema,
  TikiEvent,
  TikiEventType,
  TikiOrder,
  TikiPage,
  TikiPickupSlots,
  TikiProduct,
  TikiQueue,
  TikiSeller,
  TikiSellerInventories,
  TikiSellerWarehouse,
  TikiSkuUpdateResponse,
  TikiSubscription,
} from './schemas';
import { TikiPublishingApi } from './publishing';
import { toWireQuantities, WarehouseQuantity, warehouseQuantitiesProblem } from './stock';
import type { TokenCache } from './token-cache';
import { Query, TikiAuth, TikiTransport } from './transport';

export { toTikiDateTime, parseTikiDateTime } from './datetime';
export { mergeWarehouseQuantities, type WarehouseQuantity } from './stock';
export type { TikiAuth, TikiApiKeyCredentials } from './transport';
export type { TikiOAuthCredentials } from './oauth';
export type { SetFilter, DateInput } from './query';

export const DEFAULT_TIKI_BASE_URL = 'https://api.tiki.vn';
export const DEFAULT_MAX_REQUESTS_PER_SECOND = 10;
/** Page size used by real integrations; larger values are refused (Tiki's documented maximum is unclear). */
export const TIKI_MAX_PAGE_SIZE = 50;
/** Items per `updateSkus` call this client sends at most (Tiki's limit is undocumented). */
export const TIKI_MAX_BATCH_SIZE = 50;

export interface TikiClientOptions {
  baseUrl?: string;
  auth: TikiAuth;
  /** Per HTTP attempt (default: connectors/http.ts DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Process-wide budget per seller credential (default 10). */
  maxRequestsPerSecond?: number;
  /** In-client retries after a 429 (default 3). */
  maxRateLimitRetries?: number;
  /** Defaults to the process-wide cache; inject one to isolate tests. */
  tokenCache?: TokenCache;
}

/** Identifies a product: Tiki's `product_id` (preferred) or the seller's `original_sku`. */
export interface SkuRef {
  productId?: number;
  originalSku?: string;
}

export interface SkuUpdate extends SkuRef {
  price?: number;
  active?: boolean;
  /** Absolute `qty_available` per seller warehouse. updateSku changes only the warehouses listed. */
  warehouseQuantities?: WarehouseQuantity[];
}

export interface SkuBatchItem extends SkuUpdate {
  /**
   * The warehouses the product currently has stock rows in (e.g. `inventory.warehouse_stocks[].warehouse_id`).
   * When given, each must appear in `warehouseQuantities`, because the batch endpoint zeroes missing ones.
   */
  currentWarehouseIds?: number[];
}

export type OrderBy = 'created_at|asc' | 'created_at|desc' | 'updated_at|asc' | 'updated_at|desc';
export type OrderInclude = 'status_histories' | 'item.fees' | 'item.confirmation_histories';
export type FulfillmentType = 'tiki_delivery' | 'seller_delivery' | 'dropship' | 'cross_border' | 'instant_delivery';

export interface ListOrdersParams {
  page?: number;
  /** ≤ 50 (default 50). */
  limit?: number;
  /** e.g. `{ nin: ['processing', 'waiting_payment'] }` (Tiki's recommendation). */
  status?: SetFilter;
  fulfillmentType?: SetFilter;
  itemInventoryType?: SetFilter;
  itemConfirmationStatus?: string;
  codes?: string[];
  createdFrom?: DateInput;
  createdTo?: DateInput;
  updatedFrom?: DateInput;
  updatedTo?: DateInput;
  filterDateBy?: 'today' | 'last7days' | 'last30days';
  orderBy?: OrderBy;
  include?: OrderInclude[];
}

export interface ListProductsParams {
  page?: number;
  /** ≤ 50 (default 50). */
  limit?: number;
  updatedFrom?: DateInput;
  updatedTo?: DateInput;
  active?: boolean;
}

export interface ConfirmAvailableInput {
  /** Items not listed are declined (seller_canceled); an empty list declines the whole order. */
  availableItemIds: number[];
  sellerInventoryId: number;
}

export interface DropshipConfirmInput {
  confirmationStatus: 'seller_confirmed' | 'seller_canceled';
  sellerInventoryId: number;
  /** A slot from getPickupSlots(); a Date is formatted as Tiki local time. */
  expectedPickupTime: DateInput;
}

export interface SellerDeliveryUpdate {
  status: 'successful_delivery' | 'failed_delivery';
  failureCause?: 'out_of_needs' | 'redelivery_appointment' | 'out_of_stock';
  appointmentDate?: DateInput;
  note?: string;
}

export interface TikiLabel {
  /** The URL to print: the shipping stamp for dropship, the label otherwise. */
  url: string;
  shippingLabelUrl?: string;
  shippingStampUrl?: string;
}

export interface PullResult {
  events: TikiEvent[];
  /** Send it with the next pull to acknowledge these events. */
  ackId: string | null;
}

const LABEL_PATH_SEGMENT: Record<string, string> = {
  tiki_delivery: 'tiki-delivery',
  seller_delivery: 'seller-delivery',
  dropship: 'dropship',
  cross_border: 'cross-border',
};

const queueListSchema = z.union([z.array(queueSchema), listEnvelope(queueSchema).transform((e) => e.data)]);
const subscriptionListSchema = z.union([
  z.array(subscriptionSchema),
  listEnvelope(subscriptionSchema).transform((e) => e.data),
]);
const warehouseListSchema = listEnvelope(sellerWarehouseSchema);

export class TikiClient {
  readonly baseUrl: string;
  private readonly http: TikiTransport;
  /** Product requests (publishing new products) and the category/attribute lookups they need. */
  readonly publishing: TikiPublishingApi;

  constructor(opts: TikiClientOptions) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_TIKI_BASE_URL).replace(/\/+$/, '');
    const rate = opts.maxRequestsPerSecond ?? DEFAULT_MAX_REQUESTS_PER_SECOND;
    if (!(rate > 0)) throw new RangeError('maxRequestsPerSecond must be > 0');
    this.http = new TikiTransport({
      baseUrl: this.baseUrl,
      auth: opts.auth,
      timeoutMs: opts.timeoutMs,
      maxRequestsPerSecond: rate,
      maxRateLimitRetries: opts.maxRateLimitRetries ?? 3,
      tokenCache: opts.tokenCache,
    });
    this.publishing = new TikiPublishingApi(this.http);
  }

  /** Drop what this credential holds process-wide (rate bucket, access token); a later call makes them again. */
  release(): void {
    this.http.release();
  }

  // ------------------------------------------------------------------------------------------- seller

  /** `GET /integration/v2/sellers/me` — also the cheapest credential check. */
  getSeller(): Promise<TikiSeller> {
    const path = '/integration/v2/sellers/me';
    return this.http.call({ method: 'GET', path, route: `GET ${path}`, schema: sellerSchema });
  }

  /** Active pickup warehouses (`status=1&type=1`), all pages. Their `id` is the `warehouse_id` of stock writes. */
  async listWarehouses(): Promise<TikiSellerWarehouse[]> {
    const path = '/integration/v2/sellers/me/warehouses';
    const all: TikiSellerWarehouse[] = [];
    const limit = TIKI_MAX_PAGE_SIZE;
    for await (const page of walkPages(async (p) => {
      const env = await this.http.call({
        method: 'GET',
        path,
        route: `GET ${path}`,
        query: { status: 1, type: 1, limit, page: p },
        schema: warehouseListSchema,
      });
      return toPage(env.data, env.paging, p, limit);
    }, `GET ${path}`)) {
      all.push(...page.items);
    }
    return all;
  }

  /** `GET /integration/v2/seller-inventories?tiki_warehouse_codes=…` — valid `seller_inventory_id`s per Tiki warehouse. */
  async getSellerInventories(tikiWarehouseCodes: string[]): Promise<TikiSellerInventories> {
    const path = '/integration/v2/seller-inventories';
    if (!tikiWarehouseCodes.length)
      throw clientValidationError(`GET ${path}`, 'at least one Tiki warehouse code is required');
    return this.http.call({
      method: 'GET',
      path,
      route: `GET ${path}`,
      query: { tiki_warehouse_codes: tikiWarehouseCodes.join(',') },
      schema: sellerInventoriesSchema,
    });
  }

  // ----------------------------------------------------------------------------------------- products

  /** One page of `GET /integration/v2.1/products?include=inventory`. */
  async listProducts(params: ListProductsParams = {}): Promise<TikiPage<TikiProduct>> {
    const path = '/integration/v2.1/products';
    const route = `GET ${path}`;
    const page = params.page ?? 1;
    const limit = checkLimit(route, params.limit);
    const env = await this.http.call({
      method: 'GET',
      path,
      route,
      query: {
        page,
        limit,
        include: 'inventory',
        updated_from_date: dateParam(params.updatedFrom),
        updated_to_date: dateParam(params.updatedTo),
        active: params.active === undefined ? undefined : params.active ? 1 : 0,
      },
      schema: productListSchema,
    });
    return toPage(env.data, env.paging, page, limit);
  }

  /** Every page of listProducts, up to `paging.last_page`. */
  listAllProducts(params: Omit<ListProductsParams, 'page'> = {}): AsyncGenerator<TikiPage<TikiProduct>> {
    return walkPages((page) => this.listProducts({ ...params, page }), 'GET /integration/v2.1/products');
  }

  /** `GET /integration/v2.1/products/{id}?includes=inventory`. */
  getProduct(productId: number): Promise<TikiProduct> {
    return this.http.call({
      method: 'GET',
      path: `/integration/v2.1/products/${encodeURIComponent(String(productId))}`,
      route: 'GET /integration/v2.1/products/:productId',
      query: { includes: 'inventory' },
      schema: productSchema,
    });
  }

  /** `GET /integration/v2/products/findBy?original_sku=` — all products carrying that seller code. */
  async findByOriginalSku(originalSku: string): Promise<TikiProduct[]> {
    const path = '/integration/v2/products/findBy';
    const env = await this.http.call({
      method: 'GET',
      path,
      route: `GET ${path}`,
      query: { original_sku: originalSku, include: 'inventory' },
      schema: productListSchema,
    });
    return env.data;
  }

  /**
   * `PUT /integration/v2/products/updateSku` — price, active and/or absolute stock of the listed warehouses only.
   * Success is `{"state":"approved"}`; a non-2xx answer or a non-empty `errors` list is VALIDATION (Tiki's text).
   */
  async updateSku(update: SkuUpdate): Promise<TikiSkuUpdateResponse> {
    const path = '/integration/v2/products/updateSku';
    const route = `PUT ${path}`;
    return this.callSkuWrite(route, path, skuBody(route, update, false));
  }

  /**
   * `PUT /integration/v2.1/products/updateSkus` with `{data: [...]}` (≤ 50 items). Tiki sets every warehouse
   * missing from an item's `warehouseQuantities` to 0, so callers must pass every warehouse they want to keep
   * (see mergeWarehouseQuantities). The client refuses an item that would provably zero warehouses: an empty
   * list, or one missing any of its `currentWarehouseIds`.
   */
  async updateSkus(items: SkuBatchItem[]): Promise<TikiSkuUpdateResponse> {
    const path = '/integration/v2.1/products/updateSkus';
    const route = `PUT ${path}`;
    if (items.length === 0) throw clientValidationError(route, 'no items');
    if (items.length > TIKI_MAX_BATCH_SIZE) {
      throw clientValidationError(route, `at most ${TIKI_MAX_BATCH_SIZE} items per call (got ${items.length})`);
    }
    const data = items.map((item, i) => {
      if (item.warehouseQuantities) {
        const problem = warehouseQuantitiesProblem(item.warehouseQuantities, item.currentWarehouseIds, true);
        if (problem) throw clientValidationError(route, `item ${i} (${describeRef(item)}): ${problem}`, { index: i });
      }
      return skuBody(route, item, true);
    });
    return this.callSkuWrite(route, path, { data });
  }

  private async callSkuWrite(route: string, path: string, body: unknown): Promise<TikiSkuUpdateResponse> {
    const res = await this.http.call({ method: 'PUT', path, route, body, schema: skuUpdateResponseSchema });
    if (res.errors && res.errors.length > 0) {
      throw new ConnectorError({
        system: 'tiki',
        code: 'VALIDATION',
        status: 200,
        route,
        message: `${route} rejected: ${tikiErrorText(res) ?? 'errors'}`,
        details: res,
      });
    }
    return res;
  }

  // ------------------------------------------------------------------------------------------- orders

  /** One page of `GET /integration/v2/orders`. */
  async listOrders(params: ListOrdersParams = {}): Promise<TikiPage<TikiOrder>> {
    const path = '/integration/v2/orders';
    const route = `GET ${path}`;
    const page = params.page ?? 1;
    const limit = checkLimit(route, params.limit);
    let query: Query;
    try {
      query = {
        page,
        limit,
        status: setExpression(params.status),
        fulfillment_type: setExpression(params.fulfillmentType),
        item_inventory_type: setExpression(params.itemInventoryType),
        item_confirmation_status: params.itemConfirmationStatus,
        code: params.codes?.length ? params.codes.join(',') : undefined,
        created_from_date: dateParam(params.createdFrom),
        created_to_date: dateParam(params.createdTo),
        updated_from_date: dateParam(params.updatedFrom),
        updated_to_date: dateParam(params.updatedTo),
        filter_date_by: params.filterDateBy,
        order_by: params.orderBy,
        include: params.include?.length ? params.include.join(',') : undefined,
      };
    } catch (err) {
      throw clientValidationError(route, (err as Error).message);
    }
    const env = await this.http.call({ method: 'GET', path, route, query, schema: orderListSchema });
    return toPage(env.data, env.paging, page, limit);
  }

  /** Every page of listOrders, up to `paging.last_page`. */
  listAllOrders(params: Omit<ListOrdersParams, 'page'> = {}): AsyncGenerator<TikiPage<TikiOrder>> {
    return walkPages((page) => this.listOrders({ ...params, page }), 'GET /integration/v2/orders');
  }

  /** `GET /integration/v2/orders/{code}` (the order itself, no envelope). */
  getOrder(code: string, include?: OrderInclude[]): Promise<TikiOrder> {
    return this.http.call({
      method: 'GET',
      path: orderPath(code),
      route: 'GET /integration/v2/orders/:code',
      query: { include: include?.length ? include.join(',') : undefined },
      schema: orderSchema,
    });
  }

  /** `POST /orders/{code}/confirm-available` (tiki_delivery backorder, seller_delivery, cross_border). */
  async confirmAvailable(code: string, input: ConfirmAvailableInput): Promise<void> {
    await this.http.call({
      method: 'POST',
      path: `${orderPath(code)}/confirm-available`,
      route: 'POST /integration/v2/orders/:code/confirm-available',
      body: { available_item_ids: input.availableItemIds, seller_inventory_id: input.sellerInventoryId },
      schema: actionResponseSchema,
    });
  }

  /** `POST /orders/{code}/dropship/confirm-available` — with `expected_pickup_time` this is the "ready to ship" signal. */
  async dropshipConfirmAvailable(code: string, input: DropshipConfirmInput): Promise<void> {
    await this.http.call({
      method: 'POST',
      path: `${orderPath(code)}/dropship/confirm-available`,
      route: 'POST /integration/v2/orders/:code/dropship/confirm-available',
      body: {
        confirmation_status: input.confirmationStatus,
        seller_inventory_id: input.sellerInventoryId,
        expected_pickup_time: dateParam(input.expectedPickupTime),
      },
      schema: actionResponseSchema,
    });
  }

  /** `GET /orders/dropship/expected-pickup-slots`. */
  getPickupSlots(): Promise<TikiPickupSlots> {
    const path = '/integration/v2/orders/dropship/expected-pickup-slots';
    return this.http.call({ method: 'GET', path, route: `GET ${path}`, schema: pickupSlotsSchema });
  }

  /** The printable label (`format=html`), from the path matching the order's fulfilment type. */
  async getLabel(code: string, fulfillmentType: FulfillmentType | string): Promise<TikiLabel> {
    const segment = LABEL_PATH_SEGMENT[fulfillmentType];
    const route = `GET /integration/v2/orders/:code/${segment ?? fulfillmentType}/labels`;
    if (!segment) throw clientValidationError(route, `no label for fulfillment type ${fulfillmentType}`);
    const res = await this.http.call({
      method: 'GET',
      path: `${orderPath(code)}/${segment}/labels`,
      route,
      query: { format: 'html' },
      schema: labelResponseSchema,
    });
    const url =
      (fulfillmentType === 'dropship' ? res.shipping_stamp_url : undefined) ??
      res.shipping_label_url ??
      res.shipping_stamp_url ??
      res.label_url ??
      res.po_label_url ??
      res.url;
    if (!url) {
      throw new ConnectorError({
        system: 'tiki',
        code: 'BAD_RESPONSE',
        route,
        message: `${route}: no label URL`,
        details: res,
      });
    }
    return {
      url,
      shippingLabelUrl: res.shipping_label_url ?? undefined,
      shippingStampUrl: res.shipping_stamp_url ?? undefined,
    };
  }

  /**
   * The file behind a label URL of `getLabel` (PDF, image or web page, as Tiki serves it). Only a URL of a Tiki host
   * or of this client's own origin is fetched (domain/order-batch.ts `labelUrlAllowed`): the URL is vendor data.
   */
  async fetchLabelFile(url: string): Promise<{ contentType: string | null; bytes: Buffer }> {
    const route = 'GET <label url>';
    if (!labelUrlAllowed(url, this.baseUrl)) throw clientValidationError(route, 'the label URL is not a Tiki address');
    return this.http.fetchFile(url, route);
  }

  /** `POST /orders/{code}/seller-delivery/update-delivery` (seller_delivery orders only). */
  async updateSellerDelivery(code: string, update: SellerDeliveryUpdate): Promise<void> {
    const route = 'POST /integration/v2/orders/:code/seller-delivery/update-delivery';
    if (update.status === 'failed_delivery' && !update.failureCause) {
      throw clientValidationError(route, 'failed_delivery needs a failureCause');
    }
    if (update.failureCause === 'redelivery_appointment' && update.appointmentDate === undefined) {
      throw clientValidationError(route, 'redelivery_appointment needs an appointmentDate');
    }
    await this.http.call({
      method: 'POST',
      path: `${orderPath(code)}/seller-delivery/update-delivery`,
      route,
      body: {
        status: update.status,
        failure_cause: update.failureCause,
        appointment_date: dateParam(update.appointmentDate),
        note: update.note,
      },
      schema: actionResponseSchema,
    });
  }

  // ------------------------------------------------------------------------------------- event queue

  listQueues(): Promise<TikiQueue[]> {
    const path = '/integration/v1/queues';
    return this.http.call({ method: 'GET', path, route: `GET ${path}`, schema: queueListSchema });
  }

  createQueue(name: string): Promise<TikiQueue> {
    const path = '/integration/v1/queues';
    return this.http.call({ method: 'POST', path, route: `POST ${path}`, body: { name }, schema: queueSchema });
  }

  subscribe(queueCode: string, eventType: TikiEventType | string): Promise<TikiSubscription> {
    return this.http.call({
      method: 'POST',
      path: `${queuePath(queueCode)}/subscriptions`,
      route: 'POST /integration/v1/queues/:code/subscriptions',
      body: { event_type: eventType },
      schema: subscriptionSchema,
    });
  }

  listSubscriptions(queueCode: string): Promise<TikiSubscription[]> {
    return this.http.call({
      method: 'GET',
      path: `${queuePath(queueCode)}/subscriptions`,
      route: 'GET /integration/v1/queues/:code/subscriptions',
      schema: subscriptionListSchema,
    });
  }

  /**
   * `POST /integration/v1/queues/{code}/events/pull` with the previous `ack_id` (null at first). Passing the last
   * ack acknowledges that batch; a stale or null ack re-delivers from the last acknowledged point (at-least-once).
   */
  async pullEvents(queueCode: string, ackId: string | null): Promise<PullResult> {
    const res = await this.http.call({
      method: 'POST',
      path: `${queuePath(queueCode)}/events/pull`,
      route: 'POST /integration/v1/queues/:code/events/pull',
      body: { ack_id: ackId },
      schema: pullResponseSchema,
    });
    return { events: res.events, ackId: res.ack_id ?? null };
  }
}

// --------------------------------------------------------------------------------------------- helpers

function orderPath(code: string): string {
  return `/integration/v2/orders/${encodeURIComponent(code)}`;
}

function queuePath(code: string): string {
  return `/integration/v1/queues/${encodeURIComponent(code)}`;
}

function checkLimit(route: string, limit: number | undefined): number {
  const value = limit ?? TIKI_MAX_PAGE_SIZE;
  if (!Number.isInteger(value) || value < 1 || value > TIKI_MAX_PAGE_SIZE) {
    throw clientValidationError(route, `limit must be an integer in 1..${TIKI_MAX_PAGE_SIZE} (got ${limit})`);
  }
  return value;
}

function describeRef(ref: SkuRef): string {
  return ref.productId !== undefined
    ? `product_id ${ref.productId}`
    : `original_sku ${JSON.stringify(ref.originalSku)}`;
}

/** The wire body of one SKU update; `batch` uses `status` 1/2 instead of `active` 1/0. */
function skuBody(route: string, u: SkuUpdate, batch: boolean): Record<string, unknown> {
  if (u.productId === undefined && (u.originalSku === undefined || u.originalSku === '')) {
    throw clientValidationError(route, 'productId or originalSku is required');
  }
  if (u.price === undefined && u.active === undefined && u.warehouseQuantities === undefined) {
    throw clientValidationError(route, `nothing to update for ${describeRef(u)}`);
  }
  if (u.price !== undefined && (!Number.isFinite(u.price) || u.price <= 0)) {
    throw clientValidationError(route, `price must be > 0 for ${describeRef(u)}`);
  }
  const body: Record<string, unknown> = {};
  // Send one identifier only: Tiki's precedence when both are present is not documented.
  if (u.productId !== undefined) body.product_id = u.productId;
  else body.original_sku = u.originalSku;
  if (u.price !== undefined) body.price = Math.round(u.price);
  if (u.active !== undefined) {
    if (batch) body.status = u.active ? 1 : 2;
    else body.active = u.active ? 1 : 0;
  }
  if (u.warehouseQuantities !== undefined) {
    if (!batch) {
      const problem = warehouseQuantitiesProblem(u.warehouseQuantities);
      if (problem) throw clientValidationError(route, `${describeRef(u)}: ${problem}`);
      if (u.warehouseQuantities.length === 0) throw clientValidationError(route, `${describeRef(u)}: no warehouses`);
    }
    body.seller_warehouse = u.warehouseQuantities.map((q) => q.warehouseId).join(',');
    body.warehouse_quantities = toWireQuantities(u.warehouseQuantities);
  }
  return body;
}
