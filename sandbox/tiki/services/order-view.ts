/**
 * Order V2 JSON and the `GET /v2/orders` filters.
 * PII: the buyer's phone/email are only shown for seller_delivery / cross_border (`""` / null otherwise).
 */
import { tikiError } from '../api-error';
import { intParam, listParam, matchesSet, Query, setParam, stringParam, dateParam } from '../query';
import { formatTiki, startOfLocalDay } from '../time';
import type { OrderItemRec, OrderRec, SellerRec, WarehouseRec } from '../world';
import { PII_VISIBLE } from './order-rules';

/** The sandbox grants no discounts: every discount field of an item's and an order's invoice is 0. */
const NO_DISCOUNTS = { discount_amount: 0, discount_tikixu: 0, discount_promotion: 0, discount_percent: 0, discount_coupon: 0, discount_other: 0 } as const;

export type OrderInclude = 'status_histories' | 'item.fees' | 'item.confirmation_histories';

const FEE_RATE = 0.05;
const PAYMENT_FEE_RATE = 0.01;

const fmt = (ms: number | undefined) => (ms === undefined ? null : formatTiki(ms));

function itemFees(item: OrderItemRec) {
  const subtotal = item.price * item.qty;
  const commission = -Math.round(subtotal * FEE_RATE);
  const payment = -Math.round(subtotal * PAYMENT_FEE_RATE);
  const fee = (id: number, key: string, name: string, amount: number) => ({
    id,
    fee_type_key: key,
    fee_type_name: name,
    status: 1,
    quantity: item.qty,
    base_amount: amount,
    total_amount: amount,
    discount_amount: 0,
    final_amount: amount,
  });
  return [
    fee(item.id * 10 + 1, 'percent_per_item_sales_value', 'Phí cố định', commission),
    fee(item.id * 10 + 2, 'payment_processing_fee', 'Phí thanh toán', payment),
  ];
}

function itemView(order: OrderRec, item: OrderItemRec, seller: SellerRec, include: Set<string>) {
  const subtotal = item.price * item.qty;
  const fees = itemFees(item);
  const sellerFee = fees.reduce((n, f) => n + f.final_amount, 0);
  const canceled = item.confirmationStatus === 'seller_canceled' || order.status === 'canceled';
  const sellerIncome = canceled ? sellerFee : subtotal + sellerFee;
  const inventory =
    item.sellerInventoryId !== undefined ? seller.warehouses.find((w) => w.id === item.sellerInventoryId) : undefined;
  return {
    id: item.id,
    parent_item_id: null,
    price: item.price,
    qty: item.qty,
    fulfilled_at: null,
    is_virtual: false,
    is_ebook: false,
    is_bookcare: false,
    is_free_gift: false,
    is_fulfilled: false,
    applied_rule_ids: [],
    backend_id: item.id,
    seller_inventory_id: item.sellerInventoryId ?? null,
    seller_inventory_name: inventory?.name ?? null,
    product: {
      id: item.productId,
      type: 'simple',
      super_id: 0,
      master_id: item.productId - 1,
      sku: item.sku,
      name: item.name,
      catalog_group_name: 'Nhà Sách Tiki',
      inventory_type: item.inventoryType,
      imeis: [],
      serial_numbers: [],
      thumbnail: `https://salt.tikicdn.com/cache/280x280/ts/product/${item.sku}.jpg`,
      seller_product_code: item.sellerProductCode,
      seller_supply_method: order.fulfillmentType === 'dropship' ? 'dropship' : 'backorder',
    },
    seller: { id: seller.id, name: seller.name },
    confirmation: {
      status: item.confirmationStatus,
      confirmed_at: fmt(item.confirmedAt),
      available_confirm_sla: fmt(item.availableConfirmSla),
      pickup_confirm_sla: fmt(item.pickupConfirmSla),
      histories: include.has('item.confirmation_histories')
        ? item.confirmationHistories.map((h) => ({
            order_item_id: item.id,
            status: h.status,
            confirmed_at: formatTiki(h.at),
            sla_confirmed_at: fmt(item.availableConfirmSla),
          }))
        : [],
    },
    invoice: {
      price: item.price,
      quantity: item.qty,
      subtotal,
      row_total: subtotal,
      ...NO_DISCOUNTS,
      discount_tikier: 0,
      discount_tiki_first: 0,
      discount_data: {},
      is_seller_discount_coupon: false,
      is_taxable: true,
      fob_price: 0,
      seller_fee: sellerFee,
      seller_income: sellerIncome,
      fees: include.has('item.fees') ? fees : [],
    },
    seller_income_detail: {
      item_price: item.price,
      item_qty: item.qty,
      shipping_fee: 0,
      seller_fees: include.has('item.fees') ? fees : [],
      sub_total: subtotal,
      seller_income: sellerIncome,
      discount: {
        discount_shipping_fee: {
          sellerDiscount: 0,
          fee_amount: 0,
          qty: item.qty,
          apply_discount: [],
          seller_subsidy: 0,
          tiki_subsidy: 0,
        },
        discount_coupon: { seller_discount: 0, platform_discount: 0, total_discount: 0 },
        discount_tikixu: { amount: 0 },
      },
    },
  };
}

function address(order: OrderRec, withContact: boolean) {
  const a = order.shippingAddress;
  const showPii = PII_VISIBLE.includes(order.fulfillmentType);
  return {
    full_name: a.fullName,
    street: a.street,
    ward: a.ward,
    ward_tiki_code: a.wardTikiCode,
    district: a.district,
    district_tiki_code: a.districtTikiCode,
    region: a.region,
    region_tiki_code: a.regionTikiCode,
    country: a.country,
    country_id: a.countryId,
    ...(withContact
      ? { email: showPii ? order.customer.email : null, phone: showPii ? order.customer.phone : '' }
      : {}),
  };
}

const MAIN_STATE: Record<string, [string, string, string]> = {
  processing: ['processing', 'Đang xử lý', 'Processing'],
  waiting_payment: ['processing', 'Chờ thanh toán', 'Waiting for payment'],
  queueing: ['awaiting_confirmation', 'Chờ xác nhận', 'Awaiting confirmation'],
  canceled: ['canceled', 'Đã hủy', 'Canceled'],
  returned: ['returned', 'Đã trả hàng', 'Returned'],
  complete: ['complete', 'Hoàn tất', 'Complete'],
  successful_delivery: ['delivered', 'Giao hàng thành công', 'Delivered'],
};

export function orderView(order: OrderRec, seller: SellerRec, include: Set<string>) {
  const live = order.items.filter((i) => i.confirmationStatus !== 'seller_canceled');
  const subtotal = live.reduce((n, i) => n + i.price * i.qty, 0);
  const fees = live.reduce((n, i) => n + itemFees(i).reduce((m, f) => m + f.final_amount, 0), 0);
  const warehouseId = order.items[0]?.sellerInventoryId ?? order.items[0]?.warehouseId;
  const wh: WarehouseRec | undefined = seller.warehouses.find((w) => w.id === warehouseId);
  const [mainState, mainText, mainTextEn] = MAIN_STATE[order.status] ?? ['processing', 'Đang xử lý', 'Processing'];
  return {
    id: order.id,
    code: order.code,
    relation_code: order.code,
    original_code: order.code,
    parent_code: '',
    linked_code: '',
    fulfillment_type: order.fulfillmentType,
    status: order.status,
    main_state: mainState,
    main_state_text: mainText,
    main_state_text_en: mainTextEn,
    inventory_status: null,
    platform: 'web',
    type: 'standard',
    is_rma: false,
    is_vat_exporting: false,
    has_backorder_items: order.items.some((i) => i.inventoryType === 'backorder'),
    is_virtual: false,
    is_bookcare: false,
    is_flower_gift: false,
    dropship_already:
      order.fulfillmentType === 'dropship' && order.items.every((i) => i.confirmationStatus === 'ready_to_pick'),
    created_at: formatTiki(order.createdAt),
    updated_at: formatTiki(order.updatedAt),
    invoice: {
      items_count: live.length,
      items_quantity: live.reduce((n, i) => n + i.qty, 0),
      subtotal,
      grand_total: subtotal,
      collectible_amount: order.isPrepaid ? 0 : subtotal,
      ...NO_DISCOUNTS,
      gift_card_amount: 0,
      gift_card_code: '',
      coupon_code: '',
      shipping_amount_after_discount: 0,
      shipping_discount_amount: 0,
      handling_fee: 0,
      other_fee: 0,
      total_seller_fee: fees,
      total_seller_income: order.status === 'canceled' ? fees : subtotal + fees,
      purchased_at: formatTiki(order.createdAt),
      tax_info: null,
    },
    tiki_warehouse: order.tikiWarehouse,
    seller_warehouse: wh
      ? {
          id: wh.id,
          name: wh.name,
          code: wh.code,
          street: wh.address.street,
          warehouse_type: wh.type === 1 ? 'pickup' : 'return',
          region_code: wh.address.region.code,
          region_name: wh.address.region.name,
          district_code: wh.address.district.code,
          district_name: wh.address.district.name,
          ward_code: wh.address.ward.code,
          ward_name: wh.address.ward.name,
          country_code: wh.address.country.code,
          active: wh.status === 1,
        }
      : null,
    items: order.items.map((i) => itemView(order, i, seller, include)),
    shipping: {
      partner_id: order.fulfillmentType === 'seller_delivery' ? null : 'TNSL',
      partner_name: order.fulfillmentType === 'seller_delivery' ? seller.name : 'TikiNOW Smart Logistics',
      tracking_code: order.fulfillmentType === 'seller_delivery' ? '' : `TK${order.code}`,
      status: order.status,
      plan: {
        id: 1,
        name: 'Giao hàng tiêu chuẩn',
        is_free_shipping: false,
        promised_delivery_date: formatTiki(order.createdAt + 3 * 86_400_000),
        description: '',
      },
      address: address(order, true),
      shipping_detail: null,
    },
    billing_address: address(order, false),
    payment: {
      method: order.paymentMethod,
      is_prepaid: order.isPrepaid,
      status: order.isPrepaid ? 'success' : 'pending',
      description: order.paymentMethod === 'cod' ? 'Thanh toán tiền mặt khi nhận hàng' : order.paymentMethod,
    },
    delivery: {
      delivery_confirmed: order.delivery.confirmed,
      delivery_confirmed_at: fmt(order.delivery.confirmedAt),
      delivery_confirmed_by_customer: false,
      delivery_note: order.delivery.note ?? '',
      delivery_confirmation: [],
    },
    customer: { id: order.customer.id, full_name: order.customer.fullName },
    cancel_info: order.cancelInfo
      ? {
          reason_code: order.cancelInfo.reasonCode,
          reason_text: order.cancelInfo.reasonText,
          comment: order.cancelInfo.comment,
          canceled_at: formatTiki(order.cancelInfo.canceledAt),
        }
      : null,
    status_histories: include.has('status_histories')
      ? order.statusHistories.map((h) => ({ id: h.id, status: h.status, created_at: formatTiki(h.at) }))
      : [],
    labels: [],
    applied_rule_ids: [],
    siblings: [],
    children: [],
    boxes: [],
  };
}

export function parseInclude(q: Query): Set<string> {
  return new Set(listParam(q, 'include') ?? []);
}

/** The filters of `GET /v2/orders`, as a predicate plus the sort. */
export function orderListFilter(q: Query, now: number) {
  const status = setParam(q, 'status');
  const fulfillment = setParam(q, 'fulfillment_type');
  const inventoryType = setParam(q, 'item_inventory_type');
  const confirmation = stringParam(q, 'item_confirmation_status');
  const codes = listParam(q, 'code');
  const skus = listParam(q, 'sku');
  const createdFrom = dateParam(q, 'created_from_date');
  const createdTo = dateParam(q, 'created_to_date');
  const updatedFrom = dateParam(q, 'updated_from_date');
  const updatedTo = dateParam(q, 'updated_to_date');
  const filterDateBy = stringParam(q, 'filter_date_by');
  const days: Record<string, number> = { today: 0, last7days: 6, last30days: 29 };
  if (filterDateBy !== undefined && !(filterDateBy in days))
    throw tikiError(400, 'filter_date_by must be today, last7days or last30days');
  const since = filterDateBy !== undefined ? startOfLocalDay(now) - days[filterDateBy] * 86_400_000 : undefined;
  const orderBy = stringParam(q, 'order_by') ?? 'created_at|desc';
  const m = /^(created_at|updated_at)\|(asc|desc)$/.exec(orderBy);
  if (!m) throw tikiError(400, 'order_by must be created_at|asc, created_at|desc, updated_at|asc or updated_at|desc');
  const page = intParam(q, 'page', { min: 1, def: 1 }) as number;
  const limit = intParam(q, 'limit', { min: 1, max: 100, def: 20 }) as number;

  const sec = (ms: number) => Math.floor(ms / 1000) * 1000;
  const matches = (o: OrderRec) =>
    matchesSet(status, o.status) &&
    matchesSet(fulfillment, o.fulfillmentType) &&
    (!inventoryType || o.items.some((i) => matchesSet(inventoryType, i.inventoryType))) &&
    (!confirmation || o.items.some((i) => i.confirmationStatus === confirmation)) &&
    (!codes || codes.includes(o.code)) &&
    (!skus || o.items.some((i) => skus.includes(i.sku))) &&
    (createdFrom === undefined || sec(o.createdAt) >= createdFrom) &&
    (createdTo === undefined || sec(o.createdAt) <= createdTo) &&
    (updatedFrom === undefined || sec(o.updatedAt) >= updatedFrom) &&
    (updatedTo === undefined || sec(o.updatedAt) <= updatedTo) &&
    (since === undefined || o.createdAt >= since);
  const column = m[1] === 'created_at' ? 'createdAt' : 'updatedAt';
  const dir = m[2] === 'asc' ? 1 : -1;
  const compare = (a: OrderRec, b: OrderRec) => (a[column] - b[column] || a.id - b.id) * dir;
  return { matches, compare, page, limit };
}
