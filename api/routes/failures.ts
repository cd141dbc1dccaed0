/** /v1/connections/:id/failures: the permanently failed items, and retrying one. */
import { Router } from 'express';
import { productsChangedSignal, retryImportSignal } from '../../workflows/definitions';
import { orderWorkflowId, stockSyncWorkflowId } from '../../workflows/ids';
import { apiError } from '../errors';
import { ApiDeps, parse } from '../context';
import { presentFailure } from '../presenters';
import { ConnectionIdParams, FailureParams, PageQuery } from '../schemas';
import { connectionAccess } from './connection-access';

export function failureRoutes(deps: ApiDeps): Router {
  const { client, store } = deps;
  const { load } = connectionAccess(deps);
  const r = Router();

  r.get('/connections/:id/failures', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const page = parse(PageQuery.strict(), req.query);
    await load(id);
    const { items, total } = await store.listFailures(id, page);
    res.json({ items: items.map(presentFailure), total, page: page.page, limit: page.limit });
  });

  r.post('/connections/:id/failures/:failureId/retry', async (req, res) => {
    const { id, failureId } = parse(FailureParams, req.params);
    const c = await load(id);
    const f = await store.getFailure(id, failureId);
    if (!f || f.resolvedAt) throw apiError('FAILURE_NOT_FOUND');
    if (f.kind === 'order-import') {
      await client.workflow.getHandle(orderWorkflowId(c.shopId, f.ref)).signal(retryImportSignal);
    } else if (f.kind === 'sku-write') {
      const links = (await store.getLinks(id)).filter((l) => String(l.tikiProductId) === f.ref);
      await client.workflow.getHandle(stockSyncWorkflowId(c.shopId)).signal(productsChangedSignal, { productIds: [...new Set(links.map((l) => l.haravanProductId))], reason: `retry:${f.id}` });
    }
    await store.audit(id, 'failure-retry', { failureId, kind: f.kind, ref: f.ref });
    res.status(202).json({ id: f.id, retrying: true });
  });

  return r;
}
