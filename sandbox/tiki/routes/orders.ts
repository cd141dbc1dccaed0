/** Order endpoints under `/integration/v2/orders`. */
import express, { Router } from 'express';
import { paginate } from '../paging';
import { stringParam } from '../query';
import { orderListFilter, orderView, parseInclude } from '../services/order-view';
import type { TikiSandboxState } from '../state';
import { identityOf } from './middleware';

export function ordersRouter(state: TikiSandboxState): Router {
  const r = express.Router();
  const { orders } = state;

  r.get('/integration/v2/orders', (req, res) => {
    const seller = identityOf(res).seller;
    const { matches, compare, page, limit } = orderListFilter(req.query, state.ctx.now());
    const include = parseInclude(req.query);
    const rows = orders.sellerOrders(seller).filter(matches).sort(compare);
    const { data, paging } = paginate(rows, { page, limit, shortPages: state.settings.shortPages });
    res.json({ data: data.map((o) => orderView(o, seller, include)), paging });
  });

  // Before `/:code` so that "dropship" is not taken for an order code.
  r.get('/integration/v2/orders/dropship/expected-pickup-slots', (_req, res) => {
    res.json(orders.pickupSlots(identityOf(res).seller));
  });

  r.get('/integration/v2/orders/:code', (req, res) => {
    const seller = identityOf(res).seller;
    res.json(orderView(orders.sellerOrder(seller, req.params.code), seller, parseInclude(req.query)));
  });

  r.post('/integration/v2/orders/:code/confirm-available', (req, res) => {
    orders.confirmAvailable(identityOf(res).seller, req.params.code, req.body);
    res.json({ code: 200, data: [] });
  });

  r.post('/integration/v2/orders/:code/dropship/confirm-available', (req, res) => {
    orders.dropshipConfirm(identityOf(res).seller, req.params.code, req.body);
    res.json({ code: 200, data: [] });
  });

  r.get('/integration/v2/orders/:code/:segment/labels', (req, res) => {
    const origin = `${req.protocol}://${req.get('host')}`;
    const format = stringParam(req.query, 'format');
    res.json(orders.label(identityOf(res).seller, req.params.code, req.params.segment, format, origin));
  });

  r.post('/integration/v2/orders/:code/seller-delivery/update-delivery', (req, res) => {
    orders.updateSellerDelivery(identityOf(res).seller, req.params.code, req.body);
    res.json({ code: 200, data: [] });
  });
  return r;
}
