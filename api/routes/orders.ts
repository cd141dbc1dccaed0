/** /v1/connections/:id/orders — the imported orders and the Tiki order actions. */
import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { isActiveConnection } from '../../domain/terms';
import { orderActionUpdate } from '../../workflows/definitions';
import { orderWorkflowId } from '../../workflows/ids';
import { ApiError, apiError } from '../errors';
import { ApiDeps, parse } from '../context';
import { presentOrder } from '../presenters';
import { ConnectionIdParams, OrderActionBody, OrderActionParams, OrderParams, OrdersQuery } from '../schemas';

export function orderRoutes(deps: ApiDeps): Router {
  const { client, store } = deps;
  const r = Router();

  r.get('/connections/:id/orders', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const q = parse(OrdersQuery, req.query);
    if (!(await store.getConnection(id))) throw apiError('NOT_FOUND');
    const { items, total } = await store.listOrders(id, q);
    res.json({ items: items.map(presentOrder), total, page: q.page, limit: q.limit });
  });

  r.get('/connections/:id/orders/:tikiCode', async (req, res) => {
    const { id, tikiCode } = parse(OrderParams, req.params);
    const o = await store.getOrder(id, tikiCode);
    if (!o) throw apiError('ORDER_NOT_FOUND');
    res.json(presentOrder(o));
  });

  r.post('/connections/:id/orders/:tikiCode/actions/:action', async (req, res) => {
    const { id, tikiCode, action } = parse(OrderActionParams, req.params);
    const { reason } = parse(OrderActionBody, req.body);
    const c = await store.getConnection(id);
    if (!c) throw apiError('NOT_FOUND');
    const o = await store.getOrder(id, tikiCode);
    if (!o) throw apiError('ORDER_NOT_FOUND');
    if (!c.config.processOrdersInHaravan) throw apiError('PROCESSED_ON_TIKI');
    if (!isActiveConnection(c.state)) throw apiError('CONNECTION_NOT_ACTIVE');
    if (!o.haravanOrderId) throw new ApiError(409, 'INVALID_ORDER_STATE', `order ${tikiCode} is not imported yet`);
    let result;
    try {
      result = await client.workflow.getHandle(orderWorkflowId(c.shopId, tikiCode)).executeUpdate(orderActionUpdate, { args: [{ action, reason }] });
    } catch (err) {
      // The order's workflow ended (terminal state): no action is possible any more.
      if (err instanceof WorkflowNotFoundError) throw new ApiError(409, 'INVALID_ORDER_STATE', `order ${tikiCode} is ${o.status}`);
      throw err;
    }
    const after = await store.getOrder(id, tikiCode);
    res.json({ order: presentOrder(after ?? o), result });
  });

  return r;
}
