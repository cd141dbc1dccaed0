/**
 * The dashboard's only way to the service: the /v1 API, either as a merchant signed in by the Haravan app install
 * (the HttpOnly session cookie, and the session's CSRF token on every state-changing request) or with the operator's
 * bearer token (kept in sessionStorage).
 */
import type { ApiErrorBody, AuditEntry, Charts, Connection, Link, LinkRun, Order, OrderBatch, Sources, SyncError } from './types';
import type { PublishAttribute, PublishCategory, Publication, PublishCheck } from './types';
import type { PublishRequestBody } from '../domain/publication/types';

const TOKEN_KEY = 'haravan-tiki.token';

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (t: string) => sessionStorage.setItem(TOKEN_KEY, t.trim()),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** The merchant session of this page (from GET /v1/session), when signed in through the install. */
export interface MerchantSession {
  shopId: number;
  csrfToken: string;
  expiresAt: string;
}
let session: MerchantSession | null = null;

/** The signed-in merchant's session, if the cookie holds a live one (401 → null). */
export async function loadSession(): Promise<MerchantSession | null> {
  const res = await fetch('/v1/session', { credentials: 'same-origin' }).catch(() => undefined);
  session = res?.ok ? ((await res.json()) as MerchantSession) : null;
  return session;
}

export const currentSession = (): MerchantSession | null => session;

/** Sign the merchant out (the server forgets the session at once). */
export async function endSession(): Promise<void> {
  if (session) await call('DELETE', '/v1/session').catch(() => undefined);
  session = null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A merchant session sends its cookie (and, to change anything, its CSRF token); the operator its bearer token. */
function authHeaders(method: string): Record<string, string> {
  if (session) return SAFE_METHODS.has(method) ? {} : { 'X-CSRF-Token': session.csrfToken };
  return { Authorization: `Bearer ${token.get() ?? ''}` };
}

/** An answer that is not 2xx: the API's stable code, its vi/en message and field-level issues. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageEn: string,
    readonly messageVi: string,
    readonly issues: { path: string; message: string; messageVi?: string }[] = [],
    /** The error body's other fields (e.g. `problems` of PUBLICATION_INVALID). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${status} ${code}: ${messageEn}`);
  }
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = authHeaders(method);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiFailure(0, 'NETWORK', `The service is not reachable (${(err as Error).message})`, 'Không kết nối được tới dịch vụ');
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const e = (parsed as ApiErrorBody | undefined)?.error;
    throw new ApiFailure(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.messageVi ?? e?.message ?? res.statusText, e?.issues ?? [], (e ?? {}) as Record<string, unknown>);
  }
  return parsed as T;
}

const enc = encodeURIComponent;
const qs = (q: Record<string, string | number | undefined>) => {
  const p = Object.entries(q).filter(([, v]) => v !== undefined && v !== '');
  return p.length ? '?' + p.map(([k, v]) => `${enc(k)}=${enc(String(v))}`).join('&') : '';
};

/** A file of the API (the merged labels PDF) as a Blob, with the same credentials as `call`. */
export async function file(path: string): Promise<Blob> {
  const res = await fetch(path, { headers: authHeaders('GET'), credentials: 'same-origin' });
  if (!res.ok) throw new ApiFailure(res.status, `HTTP_${res.status}`, res.statusText, res.statusText);
  return res.blob();
}

export const api = {
  listConnections: () => call<{ items: Connection[] }>('GET', '/v1/connections'),
  getConnection: (id: string) => call<Connection>('GET', `/v1/connections/${enc(id)}`),
  connect: (body: unknown) => call<Connection>('POST', '/v1/connections', body),
  patchConfig: (id: string, patch: unknown) => call<Connection>('PATCH', `/v1/connections/${enc(id)}/config`, patch),
  disconnect: (id: string) => call<Connection>('DELETE', `/v1/connections/${enc(id)}`),
  startLinkRun: (id: string, body: { all: true; dryRun: boolean }) => call<LinkRun & { alreadyRunning: boolean }>('POST', `/v1/connections/${enc(id)}/link-runs`, body),
  getLinkRun: (id: string, runId: string) => call<LinkRun>('GET', `/v1/connections/${enc(id)}/link-runs/${enc(runId)}`),
  syncErrors: (id: string, q: { code?: string; page: number; limit: number }) => call<{ items: SyncError[]; total: number }>('GET', `/v1/connections/${enc(id)}/sync-errors${qs(q)}`),
  links: (id: string, q: { page: number; limit: number }) => call<{ items: Link[]; total: number }>('GET', `/v1/connections/${enc(id)}/links${qs(q)}`),
  linkHistory: (id: string, variantId: number, q: { offset: number; limit: number }) => call<{ items: AuditEntry[]; total: number }>('GET', `/v1/connections/${enc(id)}/links/${variantId}/history${qs(q)}`),
  orderHistory: (id: string, tikiCode: string, q: { offset: number; limit: number }) => call<{ items: AuditEntry[]; total: number }>('GET', `/v1/connections/${enc(id)}/orders/${enc(tikiCode)}/history${qs(q)}`),
  pushNow: (id: string) => call<{ pushId: string }>('POST', `/v1/connections/${enc(id)}/stock-pushes`, {}),
  orders: (id: string, q: { status?: string; page: number; limit: number }) => call<{ items: Order[]; total: number }>('GET', `/v1/connections/${enc(id)}/orders${qs(q)}`),
  orderAction: (id: string, tikiCode: string, action: string, reason?: string) =>
    call<{ order: Order; result: { labelUrl?: string; status?: string; tikiStatus?: string } }>('POST', `/v1/connections/${enc(id)}/orders/${enc(tikiCode)}/actions/${enc(action)}`, reason ? { reason } : {}),
  startOrderBatch: (id: string, body: { action: string; tikiCodes?: string[]; select?: 'awaiting_confirmation' }) => call<OrderBatch>('POST', `/v1/connections/${enc(id)}/order-batches`, body),
  orderBatch: (id: string, batchId: string) => call<OrderBatch>('GET', `/v1/connections/${enc(id)}/order-batches/${enc(batchId)}`),
  sources: (id: string) => call<Sources>('GET', `/v1/connections/${enc(id)}/sources`),
  charts: (id: string, hours?: number) => call<Charts>('GET', `/v1/connections/${enc(id)}/charts${qs({ hours })}`),
  publications: (id: string) => call<{ items: Publication[]; total: number }>('GET', `/v1/connections/${enc(id)}/publications?limit=250`),
  publish: (id: string, body: PublishBody) => call<{ items: PublishCheck[] } | { items: Publication[] }>('POST', `/v1/connections/${enc(id)}/publications`, body),
  resubmit: (id: string, pubId: string, body: Omit<PublishBody, 'productIds' | 'dryRun'>) => call<Publication>('POST', `/v1/connections/${enc(id)}/publications/${enc(pubId)}/resubmit`, body),
  tikiCategories: (connectionId: string, q: string) => call<{ items: PublishCategory[] }>('GET', `/v1/tiki/categories${qs({ connectionId, q, limit: 30 })}`),
  tikiAttributes: (connectionId: string, categoryId: number) => call<{ items: PublishAttribute[] }>('GET', `/v1/tiki/categories/${categoryId}/attributes${qs({ connectionId })}`),
};

export type PublishBody = PublishRequestBody;
