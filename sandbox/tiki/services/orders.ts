/**
 * Orders: placement with stock reservation, the status machine of order-rules.ts, the seller
 * actions (confirm, dropship confirm, labels, seller-delivery updates) with Tiki's preconditions, and events.
 *
 * Stock: placing an order reserves `qty` in a seller warehouse with enough sellable stock (primary first, or the
 * item's `warehouse_id` when given: a buyer served from that region's warehouse);
 * declined items and canceled orders release it; when the goods leave (shipping or later) both `available` and
 * `reserved` drop by `qty`.
 */
import { ApiError, controlError, tikiError } from '../api-error';
import type { SandboxContext } from '../context';
import { randomInt } from '../rng';
import { formatTiki, parseAnyTime, parseTiki, startOfLocalDay } from '../time';
import type { CancelInfoRec, OrderItemRec, OrderRec, ProductRec, SellerRec } from '../world';
import { CatalogService, isRecord, sellable, TIKI_WAREHOUSES } from './catalog';
import type { EventService } from './events';
import {
  CANCEL_REASONS,
  CONFIRMED_ITEM,
  FULFILLMENT_TYPES,
  GOODS_LEFT,
  LABEL_SEGMENTS,
  pathTo,
  PRE_ACCEPTANCE,
} from './order-rules';

export interface PlaceOrderInput {
  code?: string;
  fulfillment_type?: string;
  items: { original_sku?: string; product_id?: number; qty: number; price?: number; warehouse_id?: number }[];
  customer?: { full_name: string; phone?: string; email?: string | null };
  shipping_address?: Partial<{
    full_name: string;
    street: string;
    ward: string;
    ward_tiki_code: string;
    district: string;
    district_tiki_code: string;
    region: string;
    region_tiki_code: string;
    country: string;
    country_id: string;
  }>;
  status?: 'queueing' | 'processing' | 'waiting_payment';
  payment_method?: string;
  created_at?: string;
  tiki_warehouse_code?: string;
}

const HOUR = 3_600_000;

export class OrderService {
  constructor(
    private readonly ctx: SandboxContext,
    private readonly catalog: CatalogService,
    private readonly events: EventService,
  ) {}

  private get world() {
    return this.ctx.world;
  }

  // ---------------------------------------------------------------------------------------- placement

  place(seller: SellerRec, input: PlaceOrderInput): OrderRec {
    const fulfillmentType = input.fulfillment_type ?? 'dropship';
    if (!(FULFILLMENT_TYPES as readonly string[]).includes(fulfillmentType)) {
      throw controlError(400, `fulfillment_type must be one of ${FULFILLMENT_TYPES.join(', ')}`);
    }
    if (!input.items.length) throw controlError(400, 'an order needs items');
    const code = input.code ?? this.nextOrderCode();
    if (this.world.orders.has(code)) throw controlError(409, `order ${code} already exists`);
    const createdAt = input.created_at !== undefined ? parseAnyTime(input.created_at) : this.ctx.now();
    if (createdAt === undefined) throw controlError(400, 'created_at must be ISO-8601 or yyyy-MM-dd HH:mm:ss');

    const lines = this.planReservations(seller, input.items);
    const slaMs = this.ctx.settings.confirmSlaHours * HOUR;
    const items: OrderItemRec[] = lines.map(({ product, warehouseId, qty, price }) => ({
      id: ++this.world.seq.orderItem,
      productId: product.productId,
      sku: product.sku,
      name: product.name,
      sellerProductCode: product.originalSku,
      inventoryType: product.inventoryType,
      qty,
      price,
      warehouseId,
      reserved: false,
      confirmationStatus: 'waiting',
      availableConfirmSla: createdAt + slaMs,
      pickupConfirmSla: fulfillmentType === 'dropship' ? createdAt + slaMs + 24 * HOUR : undefined,
      confirmationHistories: [],
    }));
    const firstWarehouse = this.catalog.warehouse(seller, items[0].warehouseId);
    const tikiCode = input.tiki_warehouse_code ?? firstWarehouse?.tikiWarehouseCode ?? 'sgn';
    const tikiWarehouse = TIKI_WAREHOUSES[tikiCode];
    if (!tikiWarehouse) throw controlError(400, `unknown tiki_warehouse_code ${tikiCode}`);
    const status = input.status ?? 'queueing';
    const customer = input.customer ?? { full_name: 'Nguyễn Văn A', phone: '0901234567', email: null };
    const a = input.shipping_address ?? {};
    const order: OrderRec = {
      id: ++this.world.seq.orderId,
      code,
      sellerId: seller.id,
      fulfillmentType,
      status,
      createdAt,
      updatedAt: createdAt,
      paymentMethod: input.payment_method ?? 'cod',
      isPrepaid: (input.payment_method ?? 'cod') !== 'cod',
      tikiWarehouse: { ...tikiWarehouse },
      customer: {
        id: ++this.world.seq.customer,
        fullName: customer.full_name,
        phone: customer.phone ?? '',
        email: customer.email ?? null,
      },
      shippingAddress: {
        fullName: a.full_name ?? customer.full_name,
        street: a.street ?? '12 Nguyễn Huệ',
        ward: a.ward ?? 'Phường Bến Nghé',
        wardTikiCode: a.ward_tiki_code ?? 'VN039001008',
        district: a.district ?? 'Quận 1',
        districtTikiCode: a.district_tiki_code ?? 'VN039001',
        region: a.region ?? 'Hồ Chí Minh',
        regionTikiCode: a.region_tiki_code ?? 'VN039',
        country: a.country ?? 'Việt Nam',
        countryId: a.country_id ?? 'VN',
      },
      items,
      statusHistories: [{ id: ++this.world.seq.history, status, at: createdAt }],
      stockTaken: false,
      delivery: { confirmed: false },
    };
    this.world.orders.set(code, order);
    seller.orderCodes.push(code);
    for (const item of items) this.reserve(item);
    if (status === 'queueing') this.events.emit(seller, 'ORDER_CREATED_SUCCESSFULLY', { order_code: code, status });
    return order;
  }

  private planReservations(seller: SellerRec, lines: PlaceOrderInput['items']) {
    const extra = new Map<string, number>();
    return lines.map((line, i) => {
      const product =
        line.product_id !== undefined
          ? this.catalog.product(seller, line.product_id)
          : line.original_sku !== undefined
            ? this.catalog.findByOriginalSku(seller, line.original_sku)[0]
            : undefined;
      if (!product)
        throw controlError(
          404,
          `items[${i}]: no product ${line.product_id ?? line.original_sku} for seller ${seller.id}`,
        );
      if (product.active !== 1) throw controlError(409, `items[${i}]: product ${product.productId} is not active`);
      if (!Number.isInteger(line.qty) || line.qty < 1)
        throw controlError(400, `items[${i}]: qty must be a positive integer`);
      const primary = this.catalog.primaryWarehouse(seller).id;
      const candidates =
        line.warehouse_id !== undefined
          ? [line.warehouse_id]
          : [...product.stocks.keys()].sort((x, y) => Number(y === primary) - Number(x === primary));
      const warehouseId = candidates.find((wid) => {
        const s = product.stocks.get(wid);
        return s !== undefined && sellable(s) - (extra.get(`${product.productId}:${wid}`) ?? 0) >= line.qty;
      });
      if (warehouseId === undefined) {
        throw controlError(
          409,
          `items[${i}]: not enough sellable stock of product ${product.productId} in ${line.warehouse_id !== undefined ? `warehouse ${line.warehouse_id}` : 'any warehouse'}`,
        );
      }
      const key = `${product.productId}:${warehouseId}`;
      extra.set(key, (extra.get(key) ?? 0) + line.qty);
      return { product, warehouseId, qty: line.qty, price: line.price ?? product.price };
    });
  }

  // ------------------------------------------------------------------------------------ status machine

  /** Control API: walk the shortest legal path to `target` (auto-confirming waiting items past queueing). */
  moveTo(seller: SellerRec, code: string, target: string, cancel?: Partial<CancelInfoRec>): OrderRec {
    const order = this.sellerOrder(seller, code, true);
    const path = pathTo(order.status, target, order.fulfillmentType);
    if (!path) throw controlError(409, `order ${code} cannot go from ${order.status} to ${target}`);
    for (const next of path) {
      if (order.status === 'queueing' && next !== 'canceled') this.autoConfirm(order);
      this.transition(order, next, next === 'canceled' ? { ...CANCEL_REASONS.byTiki, ...cancel } : undefined);
    }
    return order;
  }

  /** One status change with its stock effects and events. */
  private transition(order: OrderRec, to: string, cancel?: Partial<CancelInfoRec>): void {
    const seller = this.catalog.seller(order.sellerId);
    const now = this.ctx.now();
    const from = order.status;
    order.status = to;
    order.updatedAt = now;
    order.statusHistories.push({ id: ++this.world.seq.history, status: to, at: now });
    if (to === 'canceled') {
      order.cancelInfo = {
        reasonCode: cancel?.reasonCode ?? CANCEL_REASONS.byTiki.reasonCode,
        reasonText: cancel?.reasonText ?? CANCEL_REASONS.byTiki.reasonText,
        comment: cancel?.comment ?? '',
        canceledAt: now,
      };
      if (!order.stockTaken) for (const item of order.items) this.release(item);
    }
    if (GOODS_LEFT.includes(to) && !order.stockTaken) this.takeStock(order);
    if (PRE_ACCEPTANCE.includes(from) && to === 'queueing') {
      this.events.emit(seller, 'ORDER_CREATED_SUCCESSFULLY', { order_code: order.code, status: to });
    }
    this.events.emit(seller, 'ORDER_STATUS_UPDATED', { order_code: order.code, orderCode: order.code, status: to });
  }

  private autoConfirm(order: OrderRec): void {
    for (const item of order.items) {
      if (item.confirmationStatus !== 'waiting') continue;
      this.setItemConfirmation(
        order,
        item,
        order.fulfillmentType === 'dropship' ? 'ready_to_pick' : 'seller_confirmed',
        item.warehouseId,
      );
    }
  }

  // ------------------------------------------------------------------------------------ seller actions

  /** `POST /orders/{code}/confirm-available`. */
  confirmAvailable(seller: SellerRec, code: string, body: unknown): void {
    const order = this.sellerOrder(seller, code);
    if (order.fulfillmentType === 'dropship')
      throw tikiError(400, 'Dropship orders are confirmed with dropship/confirm-available');
    if (order.fulfillmentType === 'instant_delivery')
      throw tikiError(400, 'Instant delivery orders need no confirmation');
    const waiting = this.assertConfirmable(order);
    if (!isRecord(body) || !Array.isArray(body.available_item_ids))
      throw tikiError(400, 'available_item_ids must be a list of item ids');
    const ids = body.available_item_ids.map(Number);
    if (ids.some((id) => !Number.isInteger(id))) throw tikiError(400, 'available_item_ids must be integers');
    const unknown = ids.filter((id) => !order.items.some((i) => i.id === id));
    if (unknown.length) throw tikiError(400, `Items ${unknown.join(', ')} do not belong to order ${code}`);
    const inventoryId = this.validInventoryId(seller, order, body.seller_inventory_id);
    for (const item of waiting) {
      if (ids.includes(item.id)) this.setItemConfirmation(order, item, 'seller_confirmed', inventoryId);
      else this.decline(item);
    }
    this.afterConfirmation(order);
  }

  /** `POST /orders/{code}/dropship/confirm-available`. */
  dropshipConfirm(seller: SellerRec, code: string, body: unknown): void {
    const order = this.sellerOrder(seller, code);
    if (order.fulfillmentType !== 'dropship') throw tikiError(400, `Order ${code} is not a dropship order`);
    if (order.status !== 'queueing')
      throw tikiError(400, `Order status is '${order.status}'; confirmation requires 'queueing'`);
    const open = order.items.filter(
      (i) => i.confirmationStatus === 'waiting' || i.confirmationStatus === 'seller_confirmed',
    );
    if (!open.length) throw tikiError(400, `Order ${code} has no item waiting for confirmation`);
    if (!isRecord(body)) throw tikiError(400, 'request body must be an object');
    const decision = body.confirmation_status;
    if (decision !== 'seller_confirmed' && decision !== 'seller_canceled') {
      throw tikiError(400, "confirmation_status must be 'seller_confirmed' or 'seller_canceled'");
    }
    const inventoryId = this.validInventoryId(seller, order, body.seller_inventory_id);
    let pickupAt: number | undefined;
    if (body.expected_pickup_time !== undefined && body.expected_pickup_time !== null) {
      pickupAt = typeof body.expected_pickup_time === 'string' ? parseTiki(body.expected_pickup_time) : undefined;
      if (pickupAt === undefined) throw tikiError(400, 'expected_pickup_time must be formatted yyyy-MM-dd HH:mm:ss');
    }
    if (decision === 'seller_canceled') {
      for (const item of open) this.decline(item);
    } else {
      for (const item of open)
        this.setItemConfirmation(
          order,
          item,
          pickupAt !== undefined ? 'ready_to_pick' : 'seller_confirmed',
          inventoryId,
        );
      if (pickupAt !== undefined) order.expectedPickupTime = pickupAt;
    }
    this.afterConfirmation(order);
    if (decision === 'seller_confirmed' && pickupAt !== undefined && order.status === 'queueing') {
      this.transition(order, 'ready_to_ship');
    }
  }

  /** Next pickup slots: 3 days × (morning, afternoon), local time. */
  pickupSlots(seller: SellerRec) {
    const slots = [];
    const dayMs = 86_400_000;
    const todayLocal = startOfLocalDay(this.ctx.now());
    for (let d = 1; d <= 3; d++) {
      for (const [from, to] of [
        [8, 12],
        [13, 17],
      ]) {
        const at = todayLocal + d * dayMs + from * HOUR;
        const date = new Date(at + 7 * HOUR);
        const label = `${String(from).padStart(2, '0')}:00 - ${to}:00 ${String(date.getUTCDate()).padStart(2, '0')}/${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
        slots.push({ expected_pickup_slot: label, expected_pickup_time: formatTiki(at) });
      }
    }
    return { seller_id: seller.id, pickup_slots: slots };
  }

  /** Label URLs; only once items are confirmed and while the order is not canceled. */
  label(seller: SellerRec, code: string, segment: string, format: string | undefined, origin: string) {
    const order = this.sellerOrder(seller, code);
    const type = LABEL_SEGMENTS[segment];
    if (!type || order.fulfillmentType !== type)
      throw tikiError(400, `Order ${code} is not a ${type ?? segment} order`);
    if (format !== undefined && format !== 'html') throw tikiError(400, 'format must be html');
    if (order.status === 'canceled') throw tikiError(400, `Order ${code} is canceled`);
    if (PRE_ACCEPTANCE.includes(order.status)) throw tikiError(400, `Order ${code} is not accepted yet`);
    const live = order.items.filter((i) => i.confirmationStatus !== 'seller_canceled');
    if (!live.length || live.some((i) => !CONFIRMED_ITEM.includes(i.confirmationStatus))) {
      throw tikiError(400, `Order ${code} items are not confirmed yet`);
    }
    const base = `${origin}/_sandbox/labels/${encodeURIComponent(code)}`;
    if (type === 'dropship')
      return { shipping_label_url: `${base}/label`, shipping_stamp_url: `${base}/stamp` };
    return { shipping_label_url: `${base}/label` };
  }

  /** `POST /orders/{code}/seller-delivery/update-delivery`. */
  updateSellerDelivery(seller: SellerRec, code: string, body: unknown): void {
    const order = this.sellerOrder(seller, code);
    if (order.fulfillmentType !== 'seller_delivery')
      throw tikiError(400, `Order ${code} is not a seller_delivery order`);
    if (!isRecord(body)) throw tikiError(400, 'request body must be an object');
    if (
      ['canceled', 'returned', 'complete', 'closed', 'successful_delivery', 'delivered'].includes(order.status) ||
      PRE_ACCEPTANCE.includes(order.status)
    ) {
      throw tikiError(400, `Order ${code} is '${order.status}'; its delivery cannot be updated`);
    }
    if (order.items.some((i) => i.confirmationStatus === 'waiting'))
      throw tikiError(400, `Order ${code} items are not confirmed yet`);
    if (typeof body.note === 'string') order.delivery.note = body.note;
    if (body.status === 'successful_delivery') {
      for (const step of pathTo(order.status, 'successful_delivery', order.fulfillmentType) ?? [])
        this.transition(order, step);
      order.delivery.confirmed = true;
      order.delivery.confirmedAt = this.ctx.now();
      return;
    }
    if (body.status !== 'failed_delivery')
      throw tikiError(400, "status must be 'successful_delivery' or 'failed_delivery'");
    const cause = body.failure_cause;
    if (cause === 'redelivery_appointment') {
      const at = typeof body.appointment_date === 'string' ? parseTiki(body.appointment_date) : undefined;
      if (at === undefined)
        throw tikiError(400, 'appointment_date (yyyy-MM-dd HH:mm:ss) is required for redelivery_appointment');
      order.delivery.failureCause = cause;
      order.delivery.appointmentDate = at;
      order.updatedAt = this.ctx.now();
      return;
    }
    if (cause !== 'out_of_needs' && cause !== 'out_of_stock') {
      throw tikiError(400, "failure_cause must be 'out_of_needs', 'redelivery_appointment' or 'out_of_stock'");
    }
    order.delivery.failureCause = cause;
    const reason = cause === 'out_of_needs' ? CANCEL_REASONS.outOfNeeds : CANCEL_REASONS.outOfStock;
    this.transition(order, 'canceled', { ...reason, comment: typeof body.note === 'string' ? body.note : '' });
  }

  // ------------------------------------------------------------------------------------------ helpers

  sellerOrder(seller: SellerRec, code: string, control = false): OrderRec {
    const order = this.world.orders.get(code);
    if (!order || order.sellerId !== seller.id) {
      throw control
        ? controlError(404, `order ${code} not found for seller ${seller.id}`)
        : new ApiError(404, { errors: [`Order ${code} not found`] });
    }
    return order;
  }

  sellerOrders(seller: SellerRec): OrderRec[] {
    return seller.orderCodes.map((c) => this.world.orders.get(c)).filter((o): o is OrderRec => !!o);
  }

  private assertConfirmable(order: OrderRec): OrderItemRec[] {
    if (order.status !== 'queueing')
      throw tikiError(400, `Order status is '${order.status}'; confirmation requires 'queueing'`);
    const waiting = order.items.filter((i) => i.confirmationStatus === 'waiting');
    if (!waiting.length) throw tikiError(400, `Order ${order.code} has no item waiting for confirmation`);
    return waiting;
  }

  private validInventoryId(seller: SellerRec, order: OrderRec, raw: unknown): number {
    const id = Number(raw);
    if (raw === undefined || raw === null || !Number.isInteger(id))
      throw tikiError(400, 'seller_inventory_id is required');
    const valid =
      order.fulfillmentType === 'dropship'
        ? this.catalog.listWarehouses(seller, 1, 1).map((w) => w.id)
        : (this.catalog.sellerInventories(seller, [order.tikiWarehouse.code]).mappings[0]?.seller_inventory_ids ?? []);
    if (!valid.includes(id)) {
      throw tikiError(
        400,
        `seller_inventory_id ${id} is not a valid inventory for tiki warehouse ${order.tikiWarehouse.code}`,
      );
    }
    return id;
  }

  private setItemConfirmation(order: OrderRec, item: OrderItemRec, status: string, inventoryId: number): void {
    const now = this.ctx.now();
    if (inventoryId !== item.warehouseId) this.moveReservation(item, inventoryId);
    item.confirmationStatus = status;
    item.confirmedAt = now;
    item.sellerInventoryId = inventoryId;
    item.confirmationHistories.push({ status, at: now });
    order.updatedAt = now;
  }

  private decline(item: OrderItemRec): void {
    const now = this.ctx.now();
    item.confirmationStatus = 'seller_canceled';
    item.confirmedAt = now;
    item.confirmationHistories.push({ status: 'seller_canceled', at: now });
    this.release(item);
  }

  /** Every item declined → the order is canceled with cancel_info. */
  private afterConfirmation(order: OrderRec): void {
    order.updatedAt = this.ctx.now();
    if (order.items.every((i) => i.confirmationStatus === 'seller_canceled') && order.status !== 'canceled') {
      this.transition(order, 'canceled', CANCEL_REASONS.sellerDeclined);
    }
  }

  private productOf(item: OrderItemRec): ProductRec | undefined {
    return this.world.products.get(item.productId);
  }

  private reserve(item: OrderItemRec): void {
    const p = this.productOf(item);
    if (!p || item.reserved) return;
    this.catalog.changeStock(p, item.warehouseId, (s) => (s.reserved += item.qty));
    item.reserved = true;
  }

  private release(item: OrderItemRec): void {
    const p = this.productOf(item);
    if (!p || !item.reserved) return;
    this.catalog.changeStock(p, item.warehouseId, (s) => (s.reserved = Math.max(0, s.reserved - item.qty)));
    item.reserved = false;
  }

  private moveReservation(item: OrderItemRec, warehouseId: number): void {
    const wasReserved = item.reserved;
    this.release(item);
    item.warehouseId = warehouseId;
    if (wasReserved) this.reserve(item);
  }

  private takeStock(order: OrderRec): void {
    for (const item of order.items) {
      const p = this.productOf(item);
      if (!p || !item.reserved) continue;
      this.catalog.changeStock(p, item.warehouseId, (s) => {
        s.available = Math.max(0, s.available - item.qty);
        s.reserved = Math.max(0, s.reserved - item.qty);
      });
      item.reserved = false;
    }
    order.stockTaken = true;
  }

  private nextOrderCode(): string {
    let code: string;
    do {
      this.world.seq.orderCode += randomInt(this.world.rng, 1, 997);
      code = String(this.world.seq.orderCode);
    } while (this.world.orders.has(code));
    return code;
  }
}
