/** `/com` orders (with fulfilments and transactions) and customers endpoints. */
import express, { Request, Router } from 'express';
import { SandboxContext, shopOf } from './context';
import { createCustomer, customerInput, searchCustomers } from './customers';
import { notFound, unprocessable } from './errors';
import {
  cancelOrder,
  confirmOrder,
  createFulfillment,
  createOrder,
  createTransaction,
  findOrder,
  renderOrder,
  setClosed,
  updateOrder,
} from './orders';
import { dateParam, fieldsParam, idListParam, intParam, paging, pathId, stringParam, within } from './query';
import { ShopData, StoredOrder } from './types';

export const ORDER_PAGE_CAP = 50;
export const CUSTOMER_PAGE_CAP = 50;

export function orderRoutes(ctx: SandboxContext): Router {
  const r = express.Router();
  const rules = () => ({ rejectOutOfStock: ctx.switches.rejectOutOfStock });
  const notify = (shop: ShopData, stored: StoredOrder, ...topics: string[]) => {
    if (shop.webhooks.length === 0) return;
    const payload = renderOrder(stored);
    for (const topic of topics) ctx.webhooks.emit(shop, topic, payload);
  };

  r.get('/com/orders/count.json', (req, res) => {
    res.json({ count: filterOrders(shopOf(res), req).length });
  });

  r.get('/com/orders.json', (req, res) => {
    const { page, limit } = paging(req, { limit: 50, max: ORDER_PAGE_CAP });
    const fields = fieldsParam(req);
    const orders = filterOrders(shopOf(res), req).slice((page - 1) * limit, page * limit);
    res.json({ orders: orders.map((o) => renderOrder(o, fields)) });
  });

  r.post('/com/orders.json', (req, res) => {
    const shop = shopOf(res);
    const stored = createOrder(shop, ctx.state, req.body, rules());
    const lag = Number(res.locals.fault?.listingLagMs ?? 0);
    if (lag > 0) stored.listedFrom = new Date(Date.now() + lag).toISOString();
    notify(shop, stored, 'orders/create');
    res.status(201).json({ order: renderOrder(stored) });
  });

  r.get('/com/orders/:id.json', (req, res) => {
    res.json({ order: renderOrder(findOrder(shopOf(res), pathId(req)), fieldsParam(req)) });
  });

  r.put('/com/orders/:id.json', (req, res) => {
    const shop = shopOf(res);
    const stored = findOrder(shop, pathId(req));
    updateOrder(ctx.state, stored, req.body);
    notify(shop, stored, 'orders/updated');
    res.json({ order: renderOrder(stored) });
  });

  r.post('/com/orders/:id/confirm.json', (req, res) => {
    const shop = shopOf(res);
    const stored = findOrder(shop, pathId(req));
    confirmOrder(ctx.state, stored);
    notify(shop, stored, 'orders/updated');
    res.json({ order: renderOrder(stored) });
  });

  for (const action of ['close', 'open'] as const) {
    r.post(`/com/orders/:id/${action}.json`, (req, res) => {
      const shop = shopOf(res);
      const stored = findOrder(shop, pathId(req));
      setClosed(ctx.state, stored, action === 'close');
      notify(shop, stored, 'orders/updated');
      res.json({ order: renderOrder(stored) });
    });
  }

  r.post('/com/orders/:id/cancel.json', (req, res) => {
    const shop = shopOf(res);
    const stored = findOrder(shop, pathId(req));
    cancelOrder(shop, ctx.state, stored, req.body);
    notify(shop, stored, 'orders/cancelled', 'orders/updated');
    res.json({ order: renderOrder(stored) });
  });

  r.get('/com/orders/:id/fulfillments.json', (req, res) => {
    res.json({ fulfillments: findOrder(shopOf(res), pathId(req)).order.fulfillments });
  });

  r.post('/com/orders/:id/fulfillments.json', (req, res) => {
    const shop = shopOf(res);
    const stored = findOrder(shop, pathId(req));
    const fulfillment = createFulfillment(shop, ctx.state, stored, req.body);
    notify(shop, stored, ...(stored.order.fulfillment_status === 'fulfilled' ? ['orders/fulfilled'] : []), 'orders/updated');
    res.status(201).json({ fulfillment });
  });

  r.get('/com/orders/:id/transactions.json', (req, res) => {
    res.json({ transactions: findOrder(shopOf(res), pathId(req)).order.transactions });
  });

  r.post('/com/orders/:id/transactions.json', (req, res) => {
    const shop = shopOf(res);
    const stored = findOrder(shop, pathId(req));
    const wasPaid = stored.order.financial_status === 'paid';
    const transaction = createTransaction(ctx.state, stored, req.body);
    notify(shop, stored, ...(!wasPaid && stored.order.financial_status === 'paid' ? ['orders/paid'] : []), 'orders/updated');
    res.status(201).json({ transaction });
  });

  r.get('/com/customers/search.json', (req, res) => {
    const { page, limit } = paging(req, { limit: 50, max: CUSTOMER_PAGE_CAP });
    const found = searchCustomers(shopOf(res), stringParam(req, 'query') ?? '');
    res.json({ customers: found.slice((page - 1) * limit, page * limit) });
  });

  r.post('/com/customers.json', (req, res) => {
    const input = (req.body as { customer?: unknown } | undefined)?.customer;
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw unprocessable('customer is required');
    const customer = createCustomer(shopOf(res), ctx.state, customerInput(input as Record<string, unknown>));
    res.status(201).json({ customer });
  });

  r.get('/com/customers/:id.json', (req, res) => {
    const id = pathId(req);
    const customer = shopOf(res).customers.find((c) => c.id === id);
    if (!customer) throw notFound();
    res.json({ customer });
  });

  return r;
}

/** Orders not listed yet (a listing-lag fault) are left out. Status filter (`open` by default, `any` for all), dates, ids, since_id; newest first unless `order` says otherwise. */
function filterOrders(shop: ShopData, req: Request): StoredOrder[] {
  const status = stringParam(req, 'status') ?? 'open';
  if (!['open', 'closed', 'cancelled', 'any'].includes(status)) throw unprocessable(`status ${status} is not valid`);
  const ids = idListParam(req, 'ids');
  const sinceId = intParam(req, 'since_id');
  const createdMin = dateParam(req, 'created_at_min');
  const createdMax = dateParam(req, 'created_at_max');
  const updatedMin = dateParam(req, 'updated_at_min');
  const updatedMax = dateParam(req, 'updated_at_max');
  const financial = stringParam(req, 'financial_status');
  const fulfillment = stringParam(req, 'fulfillment_status');
  const [sortField, sortDir] = (stringParam(req, 'order') ?? 'created_at desc').split(/\s+/);
  const key = sortField === 'updated_at' ? 'updated_at' : 'created_at';
  const dir = sortDir === 'asc' ? 1 : -1;
  const now = new Date().toISOString();
  return shop.orders
    .filter(({ order: o, listedFrom }) => {
      if (listedFrom && listedFrom > now) return false;
      const cancelled = o.cancelled_status === 'cancelled';
      const closed = o.closed_status === 'closed';
      if (status === 'open' && (cancelled || closed)) return false;
      if (status === 'closed' && !closed) return false;
      if (status === 'cancelled' && !cancelled) return false;
      if (fulfillment === 'shipped' && o.fulfillment_status !== 'fulfilled') return false;
      if (fulfillment === 'partial' && o.fulfillment_status !== 'partial') return false;
      if (fulfillment === 'unshipped' && o.fulfillment_status !== 'notfulfilled') return false;
      return (
        (!ids || ids.includes(o.id)) &&
        (sinceId === undefined || o.id > sinceId) &&
        (!financial || o.financial_status === financial) &&
        within(o.created_at, createdMin, createdMax) &&
        within(o.updated_at, updatedMin, updatedMax)
      );
    })
    .sort((a, b) => dir * (a.order[key].localeCompare(b.order[key]) || a.order.id - b.order.id));
}
