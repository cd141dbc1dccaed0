/** /v1/connections/:id/links/:variantId/history and /orders/:tikiCode/history — "Vì sao Tiki hiển thị số này?" */
import { Router } from 'express';
import type { AuditSubject } from '../../domain/audit';
import { summarizeAudit } from '../../domain/audit-summary';
import type { AuditTrailEntry } from '../../store/store';
import { HistoryQuery, LinkHistoryParams, OrderHistoryParams } from '../audit-schemas';
import { ApiDeps, parse } from '../context';
import { apiError } from '../errors';
import { connectionAccess } from './connection-access';

/** An entry as the API answers it: the summary is built now, from kind and details (domain/audit-summary.ts). */
export function presentAuditEntry(subject: AuditSubject, e: AuditTrailEntry) {
  const s = summarizeAudit(e.kind, e.details);
  return { at: e.at, subject, kind: e.kind, summary: s.en, summaryVi: s.vi, details: e.details ?? {} };
}

export function auditRoutes(deps: ApiDeps): Router {
  const { store } = deps;
  const { load } = connectionAccess(deps);
  const r = Router();

  async function answer(connectionId: string, subject: AuditSubject, subjectId: string, q: ReturnType<typeof HistoryQuery.parse>) {
    const offset = q.offset ?? (q.page - 1) * q.limit;
    const { items, total } = await store.auditHistory(connectionId, subject, subjectId, { page: q.page, limit: q.limit, offset });
    return { items: items.map((e) => presentAuditEntry(subject, e)), total, page: q.page, limit: q.limit, offset };
  }

  r.get('/connections/:id/links/:variantId/history', async (req, res) => {
    const { id, variantId } = parse(LinkHistoryParams, req.params);
    const q = parse(HistoryQuery, req.query);
    await load(id);
    const known = (await store.getLinks(id, [variantId])).length > 0;
    const body = await answer(id, 'variant', String(variantId), q);
    // A variant of this very connection: linked now, or with entries of its own (unlinked since).
    if (!known && body.total === 0) throw apiError('LINK_NOT_FOUND', `variant ${variantId} is not linked in connection ${id}`);
    res.json(body);
  });

  r.get('/connections/:id/orders/:tikiCode/history', async (req, res) => {
    const { id, tikiCode } = parse(OrderHistoryParams, req.params);
    const q = parse(HistoryQuery, req.query);
    await load(id);
    const known = (await store.getOrder(id, tikiCode)) !== null;
    const body = await answer(id, 'order', tikiCode, q);
    // An order of this very connection: imported, or seen and not imported (too old, not accepted yet, failed).
    if (!known && body.total === 0) throw apiError('ORDER_NOT_FOUND', `order ${tikiCode} not found in connection ${id}`);
    res.json(body);
  });

  return r;
}
