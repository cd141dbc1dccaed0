/**
 * The zod schemas of the audit trail's routes (api.md additions: `.../links/:variantId/history`,
 * `.../orders/:tikiCode/history`, shape `AuditEntry`) and their paths in /openapi.json (`registerAuditPaths`,
 * passed to buildOpenApi).
 */
import { z } from 'zod';
import { AUDIT_SUBJECTS, ORDER_AUDIT_KINDS, STOCK_AUDIT_KINDS } from '../domain/audit';
import { ConnectionIdParams, OrderParams, PageQuery, type PathRegistrar } from './schemas';

export const LinkHistoryParams = ConnectionIdParams.extend({ variantId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const OrderHistoryParams = OrderParams;

/** The list convention (`page` from 1, `limit` ≤ 250), or `offset` (entries to skip, wins over `page`). */
export const HistoryQuery = PageQuery.extend({ offset: z.coerce.number().int().min(0).max(10_000_000).optional() }).strict();

export const AuditEntrySchema = z
  .object({
    at: z.string().describe('when the entry was recorded (ISO)'),
    subject: z.enum(AUDIT_SUBJECTS),
    kind: z.enum([...STOCK_AUDIT_KINDS, ...ORDER_AUDIT_KINDS]).or(z.string()),
    summary: z.string().describe('one line for the merchant, in English (built from kind and details when read)'),
    summaryVi: z.string().describe('the same line in Vietnamese'),
    details: z.unknown().describe('what was read, the §4 rule row applied, what was written and when (stock); the step’s facts (order)'),
  })
  .openapi('AuditEntry');

const history = z.object({ items: z.array(AuditEntrySchema), total: z.number(), page: z.number(), limit: z.number(), offset: z.number() });

export const registerAuditPaths: PathRegistrar = (add) => {
  add('get', '/v1/connections/{id}/links/{variantId}/history', 'Audit of one linked variant, newest first: what was read from Haravan, which stock rule row applied, what was written to Tiki and when', {
    params: LinkHistoryParams,
    query: HistoryQuery,
    ok: [200, 'audit entries', history],
    errors: { 404: 'NOT_FOUND / LINK_NOT_FOUND' },
  });
  add('get', '/v1/connections/{id}/orders/{tikiCode}/history', 'Audit of one Tiki order, newest first: seen, created, imported, mirrored, status changes, actions', {
    params: OrderHistoryParams,
    query: HistoryQuery,
    ok: [200, 'audit entries', history],
    errors: { 404: 'NOT_FOUND / ORDER_NOT_FOUND' },
  });
};
