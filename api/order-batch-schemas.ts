/**
 * The zod schemas of bulk order work (api.md additions: `order-batches`, shape `OrderBatch`) and their paths in
 * /openapi.json (`registerOrderBatchPaths`, passed to buildOpenApi).
 */
import { z } from 'zod';
import { MAX_BATCH_ORDERS } from '../domain/order-batch';
import { BATCH_ACTIONS, BATCH_ITEM_OUTCOMES, BATCH_STATES } from '../domain/terms';
import { ConnectionIdParams, type PathRegistrar } from './schemas';

const tikiCode = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const OrderBatchRequestSchema = z
  .object({
    action: z.enum(BATCH_ACTIONS),
    tikiCodes: z.array(tikiCode).min(1).max(MAX_BATCH_ORDERS).optional(),
    /** Instead of `tikiCodes`: every order of the connection awaiting confirmation (at most MAX_BATCH_ORDERS, oldest first). */
    select: z.literal('awaiting_confirmation').optional(),
  })
  .strict()
  .refine((v) => !!v.tikiCodes !== !!v.select, { message: 'give tikiCodes or select (one of them)', path: ['tikiCodes'] })
  .openapi('OrderBatchRequest');

export const OrderBatchParams = ConnectionIdParams.extend({ batchId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/) });

const words = { code: z.string(), message: z.string(), messageVi: z.string() };

export const OrderBatchSchema = z
  .object({
    batchId: z.string(),
    action: z.enum(BATCH_ACTIONS),
    state: z.enum(BATCH_STATES),
    total: z.number(),
    done: z.number(),
    failed: z.number(),
    skipped: z.number(),
    pending: z.number(),
    items: z.array(
      z.object({
        tikiCode: z.string(),
        outcome: z.enum(BATCH_ITEM_OUTCOMES),
        code: z.string().optional(),
        message: z.string().optional(),
        messageVi: z.string().optional(),
        /** print-label: the label Tiki gave, and whether it is in the merged PDF or listed apart. */
        labelUrl: z.string().optional(),
        label: z.enum(['merged', 'apart']).optional(),
      }),
    ),
    /** print-label, once merged: the one PDF of the labels (same authentication as the API). */
    labelsPdfUrl: z.string().optional(),
    labelPages: z.number().optional(),
    /** print-label: the labels not in the PDF, each with the reason (and its link when it is Tiki's). */
    labelsApart: z.array(z.object({ tikiCode: z.string(), ...words, labelUrl: z.string().optional() })),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
  })
  .openapi('OrderBatch');

export const registerOrderBatchPaths: PathRegistrar = (add) => {
  add('post', '/v1/connections/{id}/order-batches', 'Bulk order action: confirm / ready-to-ship / print-label / cancel many orders (or all awaiting confirmation) in one durable job', {
    params: ConnectionIdParams,
    body: OrderBatchRequestSchema,
    ok: [202, 'started: orders that cannot take the action are already `skipped` with their code', OrderBatchSchema],
    errors: { 404: 'NOT_FOUND', 409: 'CONNECTION_NOT_ACTIVE / PROCESSED_ON_TIKI', 422: 'ORDER_BATCH_EMPTY' },
  });
  add('get', '/v1/connections/{id}/order-batches/{batchId}', 'Progress and per-order outcomes of an order batch', { params: OrderBatchParams, ok: [200, 'order batch', OrderBatchSchema], errors: { 404: 'ORDER_BATCH_NOT_FOUND' } });
  add('get', '/v1/connections/{id}/order-batches/{batchId}/labels.pdf', 'The merged labels of a print-label batch, one PDF (kept for re-printing)', {
    params: OrderBatchParams,
    ok: [200, 'application/pdf'],
    errors: { 404: 'ORDER_BATCH_NOT_FOUND / LABELS_NOT_READY' },
  });
};
