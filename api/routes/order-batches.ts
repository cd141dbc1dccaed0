/**
 * Bulk order work (api.md additions): `/v1/connections/:id/order-batches[...]`. Starting goes through the connection
 * workflow's `startOrderBatch` update (the batch is recorded, then its workflow runs); reads come from the store,
 * which the batch workflow keeps current; the merged labels PDF is served from there too, scoped to the connection.
 */
import { Router } from 'express';
import { messageFor } from '../../domain/messages';
import { labelStanding, tallyBatch } from '../../domain/order-batch';
import type { OrderBatchRecord } from '../../store/store';
import { startOrderBatchUpdate } from '../../workflows/definitions';
import { ApiDeps, parse } from '../context';
import { apiError } from '../errors';
import { OrderBatchParams, OrderBatchRequestSchema } from '../order-batch-schemas';
import { ConnectionIdParams } from '../schemas';
import { connectionAccess } from './connection-access';

const labelsPdfPath = (connectionId: string, batchId: string) => `/v1/connections/${encodeURIComponent(connectionId)}/order-batches/${encodeURIComponent(batchId)}/labels.pdf`;

export function presentOrderBatch(b: OrderBatchRecord) {
  const t = tallyBatch(b.items.map((i) => i.outcome));
  const labels = b.action === 'print-label';
  const standing = (i: OrderBatchRecord['items'][number]) => (labels ? labelStanding(i, b.state !== 'running') : null);
  const showUrl = (i: OrderBatchRecord['items'][number]) => i.labelUrl && i.labelCode !== 'LABEL_URL_REFUSED';
  return {
    batchId: b.batchId,
    action: b.action,
    state: b.state,
    total: t.total,
    done: t.done,
    failed: t.failed,
    skipped: t.skipped,
    pending: t.pending,
    items: b.items.map((i) => {
      const label = standing(i);
      return {
        tikiCode: i.tikiCode,
        outcome: i.outcome,
        ...(i.code ? { code: i.code, message: i.message ?? messageFor(i.code).en, messageVi: i.messageVi ?? messageFor(i.code).vi } : {}),
        ...(showUrl(i) ? { labelUrl: i.labelUrl! } : {}),
        ...(label ? { label: label.label } : {}),
      };
    }),
    ...(b.hasLabelsPdf ? { labelsPdfUrl: labelsPdfPath(b.connectionId, b.batchId), labelPages: b.labelPages ?? 0 } : {}),
    labelsApart: b.items.flatMap((i) => {
      const label = standing(i);
      if (label?.label !== 'apart') return [];
      const m = messageFor(label.code);
      return [{ tikiCode: i.tikiCode, code: label.code, message: m.en, messageVi: m.vi, ...(showUrl(i) ? { labelUrl: i.labelUrl! } : {}) }];
    }),
    createdAt: b.createdAt,
    ...(b.finishedAt ? { finishedAt: b.finishedAt } : {}),
  };
}

export function orderBatchRoutes(deps: ApiDeps): Router {
  const { store } = deps;
  const { load, handleFor, updateActive } = connectionAccess(deps);
  const r = Router();

  async function batchOf(id: string, batchId: string) {
    await load(id);
    const b = await store.getOrderBatch(id, batchId);
    if (!b) throw apiError('ORDER_BATCH_NOT_FOUND');
    return b;
  }

  r.post('/connections/:id/order-batches', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const body = parse(OrderBatchRequestSchema, req.body);
    const c = await load(id);
    if (!c.config.processOrdersInHaravan) throw apiError('PROCESSED_ON_TIKI');
    const started = await updateActive(c.state, () => handleFor(c.shopId).executeUpdate(startOrderBatchUpdate, { args: [body] }));
    res.status(202).json(presentOrderBatch((await store.getOrderBatch(id, started.batchId))!));
  });

  r.get('/connections/:id/order-batches/:batchId', async (req, res) => {
    const { id, batchId } = parse(OrderBatchParams, req.params);
    res.json(presentOrderBatch(await batchOf(id, batchId)));
  });

  r.get('/connections/:id/order-batches/:batchId/labels.pdf', async (req, res) => {
    const { id, batchId } = parse(OrderBatchParams, req.params);
    await batchOf(id, batchId);
    const pdf = await store.batchLabelsPdf(id, batchId);
    if (!pdf) throw apiError('LABELS_NOT_READY');
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="tiki-labels-${batchId}.pdf"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(Buffer.from(pdf));
  });

  return r;
}
