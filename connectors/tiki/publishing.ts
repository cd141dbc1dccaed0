/**
 * Tiki product requests and the catalogue lookups they need (tiki-product-requests.md §1):
 *
 *  - `POST /integration/v2.1/requests` → `{track_id, state}`; a 400 `{"errors":[...]}` is VALIDATION with Tiki's text;
 *  - `GET /integration/v2/tracking/{track_id}` → `{track_id, request_id, state, reason}`; a 404 means Tiki
 *    forgot the track id (expired after 30 days, or purged): answered as `{expired: true}`, not thrown;
 *  - `GET /integration/v2/categories`, `…/categories/{id}/attributes`, `GET /integration/v2/attributes/{id}/values`.
 *
 * Attribute types are normalised from Tiki's `input_type`/`data_type` (their vocabulary is not documented).
 */
import { z } from 'zod';
import { ConnectorError } from '../errors';
import type { TikiCategoryRow } from '../../domain/publication/categories';
import type { TikiAttributeDef, TikiAttributeType, TikiProductRequest } from '../../domain/publication/types';
import { idString, intish, listEnvelope, optString } from './schemas';
import type { TikiTransport } from './transport';

/** Tolerated: a bare object or one wrapped in `{data: {...}}`. */
const unwrap = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v && typeof v === 'object' && !Array.isArray(v) && 'data' in v && (v as { data: unknown }).data && typeof (v as { data: unknown }).data === 'object' && !Array.isArray((v as { data: unknown }).data) ? (v as { data: unknown }).data : v), schema);
const flag = z.union([z.boolean(), z.number(), z.string()]).nullish().transform((v) => v === true || v === 1 || v === '1' || v === 'true');
const categorySchema = z.looseObject({
  id: intish,
  name: z.string(),
  parent_id: intish.nullish(),
  is_primary: flag,
});
const categoryListSchema = z.union([
  z.array(categorySchema).transform((data) => ({ data, lastPage: 1 })),
  z.looseObject({ data: z.array(categorySchema), paging: z.looseObject({ last_page: intish.nullish() }).nullish() }).transform((e) => ({ data: e.data, lastPage: e.paging?.last_page ?? 1 })),
]);
const attributeSchema = z.looseObject({
  id: intish.nullish(),
  code: z.string(),
  display_name: optString,
  display_name_en: optString,
  is_required: flag,
  input_type: optString,
  data_type: optString,
});
const attributeListSchema = z.union([z.array(attributeSchema), z.looseObject({ data: z.array(attributeSchema) }).transform((e) => e.data)]);
const valueSchema = z.looseObject({ id: intish.nullish(), value: z.string() });
const createSchema = unwrap(z.looseObject({ track_id: idString, state: optString }));
/** Tolerated beside Tiki's `{track_id, request_id, state, reason}`: a one-element list, `status` for `state`, `reasons` / `rejected_reason` / `rejection_reason` for `reason`. */
const trackSchema = z.preprocess(
  (v) => {
    const one = Array.isArray(v) ? v[0] : v;
    const o = one && typeof one === 'object' && 'data' in one && (one as { data: unknown }).data && typeof (one as { data: unknown }).data === 'object' ? (one as { data: unknown }).data : one;
    if (!o || typeof o !== 'object' || Array.isArray(o)) return o;
    const r = o as Record<string, unknown>;
    return { ...r, state: r.state ?? r.status, reason: r.reason ?? r.reasons ?? r.rejected_reason ?? r.rejection_reason ?? null };
  },
  z.looseObject({ track_id: idString.nullish(), request_id: idString.nullish(), state: z.string(), reason: z.unknown().optional() }),
);
/** How Tiki says it no longer knows a track id: 404, or a 4xx whose text says so. */
const FORGOTTEN = /expire|not[ _-]?found|không tồn tại|khong ton tai/i;

export interface TrackResult {
  expired: boolean;
  state?: string;
  requestId?: string;
  /** Raw reason: a JSON string, a plain string or null (parseRejectionReasons reads both). */
  reason?: unknown;
}

export interface TikiAttributeInfo extends TikiAttributeDef {
  id?: number;
}

export class TikiPublishingApi {
  constructor(private readonly http: TikiTransport) {}

  async createProductRequest(body: TikiProductRequest): Promise<{ trackId: string; state: string }> {
    const path = '/integration/v2.1/requests';
    const res = await this.http.call({ method: 'POST', path, route: `POST ${path}`, body, schema: createSchema });
    return { trackId: res.track_id, state: res.state ?? 'queuing' };
  }

  async trackProductRequest(trackId: string): Promise<TrackResult> {
    const path = `/integration/v2/tracking/${encodeURIComponent(trackId)}`;
    try {
      const res = await this.http.call({ method: 'GET', path, route: 'GET /integration/v2/tracking/:trackId', schema: trackSchema });
      return { expired: false, state: res.state.trim().toLowerCase(), requestId: res.request_id ?? undefined, reason: res.reason ?? null };
    } catch (err) {
      if (err instanceof ConnectorError && (err.code === 'NOT_FOUND' || (err.code === 'VALIDATION' && err.status !== undefined && FORGOTTEN.test(err.message)))) return { expired: true };
      throw err;
    }
  }

  /** The whole tree: every page when Tiki pages it; a root's `parent_id` 0 reads as none. */
  async listCategories(maxPages = 200): Promise<TikiCategoryRow[]> {
    const path = '/integration/v2/categories';
    const out: TikiCategoryRow[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const res = await this.http.call({ method: 'GET', path, route: `GET ${path}`, query: page > 1 ? { page } : undefined, schema: categoryListSchema });
      out.push(...res.data.map((c) => ({ id: c.id, name: c.name, parentId: c.parent_id ? c.parent_id : null, isPrimary: c.is_primary })));
      if (res.data.length === 0 || page >= Number(res.lastPage)) break;
    }
    return out;
  }

  async getCategoryAttributes(categoryId: number): Promise<TikiAttributeInfo[]> {
    const path = `/integration/v2/categories/${categoryId}/attributes`;
    const rows = await this.http.call({ method: 'GET', path, route: 'GET /integration/v2/categories/:id/attributes', schema: attributeListSchema });
    return rows.map((a) => ({
      ...(a.id != null ? { id: a.id } : {}),
      code: a.code,
      name: a.display_name_en || a.display_name || a.code,
      nameVi: a.display_name || a.display_name_en || a.code,
      required: a.is_required,
      type: attributeType(a.input_type, a.data_type),
    }));
  }

  /** Dictionary values of one attribute, all pages (`q` narrows them on Tiki's side). */
  async getAttributeValues(attributeId: number, q?: string, maxPages = 20): Promise<{ id?: number; value: string }[]> {
    const path = `/integration/v2/attributes/${attributeId}/values`;
    const out: { id?: number; value: string }[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const res = await this.http.call({
        method: 'GET',
        path,
        route: 'GET /integration/v2/attributes/:id/values',
        query: { q, page, limit: 100 },
        schema: listEnvelope(valueSchema),
      });
      out.push(...res.data.map((v) => ({ ...(v.id != null ? { id: v.id } : {}), value: v.value })));
      const last = res.paging?.last_page;
      if (res.data.length === 0 || last == null || page >= Number(last)) break;
    }
    return out;
  }
}

export function attributeType(input: string | null | undefined, data: string | null | undefined): TikiAttributeType {
  const i = (input ?? '').toLowerCase();
  const d = (data ?? '').toLowerCase();
  if (i.includes('multi')) return 'multiselect';
  if (/select|dropdown|option|radio/.test(i)) return 'select';
  if (/bool/.test(d) || /checkbox|switch/.test(i)) return 'boolean';
  if (/int|decimal|float|number|double/.test(d) || i === 'number') return 'number';
  return 'text';
}
