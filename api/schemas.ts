/**
 * The zod schemas of the HTTP API. Routes validate with them and /openapi.json is generated from them,
 * so the document cannot drift from what the code accepts.
 */
import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { CONNECTION_STATES, LINK_RUN_STATES, ORDER_ACTIONS, ORDER_STATUSES, SEVERITIES } from '../domain/terms';
import { SESSION_COOKIE } from '../domain/session';
import { WAREHOUSE_MAP_MAX_ENTRIES, WAREHOUSE_MAP_MAX_LOCATIONS } from '../domain/warehouse-map';

extendZodWithOpenApi(z);

const id = z.number().int().positive();
const baseUrl = z.string().url().max(500).optional();

/** Haravan locations → Tiki warehouses (domain/warehouse-map.ts; its own rules — no warehouse twice, no location in two — are checked there). */
export const WarehouseMapSchema = z
  .array(z.object({ tikiWarehouseId: id, inventoryLocationIds: z.array(id).min(1).max(WAREHOUSE_MAP_MAX_LOCATIONS) }).strict())
  .max(WAREHOUSE_MAP_MAX_ENTRIES)
  .openapi('WarehouseMap', { description: 'Each Tiki warehouse sells the stock of its own Haravan locations (product.md §8); [] = no mapping.' });

export const ConfigSchema = z
  .object({
    syncPrice: z.boolean(),
    syncQuantity: z.boolean(),
    processOrdersInHaravan: z.boolean(),
    inventoryLocationIds: z.array(id).max(200),
    orderLocationId: id.optional(),
    tikiWarehouseIds: z.array(id).max(50),
    warehouseMap: WarehouseMapSchema.optional(),
    oversellQuantity: z.number().int().min(0).max(100_000_000),
    untrackedQuantity: z.number().int().min(0).max(100_000_000),
    stockRatioPercent: z.number().int().min(0).max(100),
    safetyStock: z.number().int().min(0).max(100_000_000),
    restockOnCancel: z.boolean(),
    reconcileIntervalSeconds: z.number().int().min(5).max(604_800),
    importOrdersSince: z.string().datetime({ offset: true }).or(z.string().date()).optional(),
    pollIntervalSeconds: z.number().int().min(1).max(3600),
    orderPollIntervalSeconds: z.number().int().min(1).max(3600),
    orderSweepIntervalSeconds: z.number().int().min(5).max(86_400),
    orderCompletenessIntervalSeconds: z.number().int().min(60).max(2_592_000),
    autoConfirmBeforeDeadline: z.boolean(),
    atRiskHoursBeforeDeadline: z.number().int().min(0).max(72),
  })
  .openapi('Config');

export const ConfigPatchSchema = ConfigSchema.partial().strict().openapi('ConfigPatch');

/** Credentials travel in HTTP headers and form bodies: printable ASCII only (anything else cannot be sent). */
const secret = (max: number) => z.string().min(1).max(max).regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces');
const HaravanCredentials = z.object({ accessToken: secret(2000), baseUrl }).strict();
const TikiCredentials = z.union([
  z.object({ clientId: secret(500), clientSecret: secret(2000), baseUrl }).strict(),
  z.object({ apiKey: secret(2000), baseUrl }).strict(),
]);

export const CreateConnectionSchema = z
  // The warehouse mapping is set once connected (PATCH .../config): it is checked against the shop's and the seller's
  // real locations and warehouses, which can only be read with verified credentials.
  .object({ shopId: id, haravan: HaravanCredentials.optional().describe('omit for a shop that installed the app: its installation’s token is used'), tiki: TikiCredentials, config: ConfigPatchSchema.omit({ warehouseMap: true }).optional() })
  .strict()
  .openapi('CreateConnection');

export const ReplaceCredentialsSchema = z
  .object({ haravan: HaravanCredentials.optional(), tiki: TikiCredentials.optional() })
  .strict()
  .refine((v) => v.haravan || v.tiki, { message: 'haravan or tiki is required' })
  .openapi('ReplaceCredentials');

export const LinkRunRequestSchema = z
  .object({ productIds: z.array(id).min(1).max(5000).optional(), all: z.literal(true).optional(), dryRun: z.boolean().optional() })
  .strict()
  .refine((v) => v.all || (v.productIds && v.productIds.length > 0), { message: 'productIds or all is required' })
  .openapi('LinkRunRequest');

export const OrderActionParams = z.object({
  id: z.string().min(1).max(64),
  tikiCode: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  action: z.enum(ORDER_ACTIONS),
});
export const OrderActionBody = z.object({ reason: z.string().max(500).optional() }).strict().openapi('OrderActionBody');

export const ConnectionIdParams = z.object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/) });
export const RunParams = ConnectionIdParams.extend({ runId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/) });
export const OrderParams = ConnectionIdParams.extend({ tikiCode: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/) });
export const FailureParams = ConnectionIdParams.extend({ failureId: z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/) });

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(250).default(50),
});
export const SyncErrorsQuery = PageQuery.extend({ code: z.string().regex(/^[A-Z_]{3,60}$/).optional() }).strict();
export const OrdersQuery = PageQuery.extend({ status: z.string().regex(/^[a-z_]{3,40}$/).optional() }).strict();
export const EmptyBody = z.object({}).strict();

// ---- response shapes (documentation; presenters produce them)
export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), messageVi: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional(), messageVi: z.string().optional() })).optional() }) })
  .openapi('Error');
export const ConnectionSchema = z
  .object({
    id: z.string(),
    shopId: z.number(),
    state: z.enum(CONNECTION_STATES),
    attention: z.object({ code: z.string(), message: z.string(), messageVi: z.string().optional() }).optional(),
    config: ConfigSchema,
    counts: z.object({ linkedVariants: z.number(), linkedProducts: z.number(), syncErrors: z.number(), ordersImported: z.number() }),
    lastStockPush: z.object({ at: z.string(), pushed: z.number(), skipped: z.number(), failed: z.number() }).optional(),
    latency: z.object({ stockP50Ms: z.number().optional(), stockP95Ms: z.number().optional(), samples: z.number().optional(), stockFromChangeP50Ms: z.number().optional(), stockFromChangeP95Ms: z.number().optional() }).optional(),
    orderCompleteness: z.record(z.string(), z.unknown()).optional(),
    workflowId: z.string(),
  })
  .openapi('Connection');
export const LinkRunSchema = z
  .object({ runId: z.string(), state: z.enum(LINK_RUN_STATES), processed: z.number(), total: z.number(), linked: z.number(), errors: z.number(), warnings: z.number(), dryRun: z.boolean(), outcomes: z.array(z.unknown()).optional() })
  .openapi('LinkRun');
export const LinkSchema = z
  .object({ haravanProductId: z.number(), haravanVariantId: z.number(), barcode: z.string(), tikiSku: z.string(), tikiProductId: z.number(), lastPushedQuantity: z.number().optional(), lastPushedPrice: z.number().optional(), converged: z.boolean().optional(), lastVerifiedAt: z.string().optional() })
  .openapi('Link');
export const SyncErrorSchema = z
  .object({ code: z.string(), severity: z.enum(SEVERITIES), haravanProductId: z.number().optional(), haravanVariantId: z.number().optional(), barcode: z.string().optional(), message: z.string(), messageVi: z.string(), at: z.string() })
  .openapi('SyncError');
export const OrderSchema = z
  .object({
    tikiCode: z.string(),
    haravanOrderId: z.number().optional(),
    status: z.enum(ORDER_STATUSES),
    tikiStatus: z.string(),
    items: z.array(z.object({ tikiSku: z.string(), haravanVariantId: z.number().optional(), quantity: z.number(), price: z.number() })),
    customer: z.object({ name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() }),
    warnings: z.array(z.string()),
    atRisk: z.boolean(),
    deadlineAt: z.string().optional(),
    labelUrl: z.string().optional(),
  })
  .openapi('Order');
export const FailureSchema = z
  .object({ id: z.string(), kind: z.string(), code: z.string(), message: z.string(), messageVi: z.string(), attempts: z.number(), firstAt: z.string(), lastAt: z.string(), ref: z.string() })
  .openapi('Failure');

export const SourcesSchema = z
  .object({
    locations: z.array(z.object({ id: z.number(), name: z.string(), primary: z.boolean() })),
    warehouses: z.array(z.object({ id: z.number(), name: z.string(), primary: z.boolean() })),
    error: z.object({ code: z.string(), message: z.string(), messageVi: z.string() }).optional(),
  })
  .openapi('Sources');

const list = (item: z.ZodTypeAny) => z.object({ items: z.array(item), total: z.number() });

/** How a route group of its own schema file adds its paths (e.g. publication-schemas.ts `registerPublicationPaths`). */
export type PathRegistrar = (
  add: (
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    summary: string,
    o: { body?: z.ZodTypeAny; params?: z.ZodObject<any>; query?: z.ZodObject<any>; ok: [number, string, z.ZodTypeAny?]; errors?: Record<number, string> },
  ) => void,
) => void;

export function buildOpenApi(extra: PathRegistrar[] = []): object {
  const r = new OpenAPIRegistry();
  r.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'the operator token (API_TOKEN, every shop) or a per-shop API token (hts_…, that shop only)' });
  r.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'a merchant session (that shop only); POST, PATCH and DELETE also need X-CSRF-Token' });
  const json = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } } });
  const err = (description: string) => ({ description, ...json(ErrorSchema) });
  const sec: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const add = (method: 'get' | 'post' | 'patch' | 'delete', path: string, summary: string, o: { body?: z.ZodTypeAny; params?: z.ZodObject<any>; query?: z.ZodObject<any>; ok: [number, string, z.ZodTypeAny?]; errors?: Record<number, string> }) =>
    r.registerPath({
      method,
      path,
      summary,
      security: path.startsWith('/v1') ? sec : undefined,
      request: { body: o.body ? json(o.body) : undefined, params: o.params, query: o.query },
      responses: {
        [o.ok[0]]: { description: o.ok[1], ...(o.ok[2] ? json(o.ok[2]) : {}) },
        400: err('invalid request'),
        ...(path.startsWith('/v1') ? { 401: err('missing or wrong bearer token') } : {}),
        ...Object.fromEntries(Object.entries(o.errors ?? {}).map(([k, v]) => [k, err(v)])),
      },
    });
  const P = ConnectionIdParams;
  add('post', '/v1/connections', 'Connect a Haravan shop to Tiki (verifies both credentials first)', { body: CreateConnectionSchema, ok: [201, 'connected', ConnectionSchema], errors: { 409: 'ALREADY_CONNECTED', 422: 'TIKI_AUTH_FAILED / HARAVAN_AUTH_FAILED' } });
  add('get', '/v1/connections', 'List connections (paginated)', { query: PageQuery, ok: [200, 'connections', list(ConnectionSchema)] });
  add('get', '/v1/connections/{id}', 'Live status of a connection', { params: P, ok: [200, 'connection', ConnectionSchema], errors: { 404: 'NOT_FOUND' } });
  add('patch', '/v1/connections/{id}/config', 'Change configuration (partial)', { params: P, body: ConfigPatchSchema, ok: [200, 'connection', ConnectionSchema], errors: { 404: 'NOT_FOUND', 409: 'CONNECTION_NOT_ACTIVE' } });
  add('delete', '/v1/connections/{id}', 'Disconnect (graceful)', { params: P, ok: [202, 'disconnecting', ConnectionSchema], errors: { 404: 'NOT_FOUND', 409: 'CONNECTION_NOT_ACTIVE' } });
  add('patch', '/v1/connections/{id}/credentials', 'Replace credentials (verified first)', { params: P, body: ReplaceCredentialsSchema, ok: [200, 'connection', ConnectionSchema], errors: { 422: 'rejected credentials' } });
  add('post', '/v1/connections/{id}/link-runs', 'Start a product link run', { params: P, body: LinkRunRequestSchema, ok: [202, 'started (or the running one)', LinkRunSchema] });
  add('get', '/v1/connections/{id}/link-runs/{runId}', 'Progress of a link run', { params: RunParams, ok: [200, 'link run', LinkRunSchema], errors: { 404: 'LINK_RUN_NOT_FOUND' } });
  add('get', '/v1/connections/{id}/links', 'Linked variants', { params: P, query: PageQuery, ok: [200, 'links', list(LinkSchema)] });
  add('get', '/v1/connections/{id}/sync-errors', 'Current sync errors and warnings', { params: P, query: SyncErrorsQuery, ok: [200, 'errors', list(SyncErrorSchema)] });
  add('post', '/v1/connections/{id}/stock-pushes', 'Push changed stock and price now', { params: P, ok: [202, 'accepted', z.object({ pushId: z.string() })] });
  add('get', '/v1/connections/{id}/orders', 'Imported orders', { params: P, query: OrdersQuery, ok: [200, 'orders', list(OrderSchema)] });
  add('get', '/v1/connections/{id}/orders/{tikiCode}', 'One order', { params: OrderParams, ok: [200, 'order', OrderSchema], errors: { 404: 'ORDER_NOT_FOUND' } });
  add('post', '/v1/connections/{id}/orders/{tikiCode}/actions/{action}', 'Run a Tiki order action', { params: OrderActionParams, body: OrderActionBody, ok: [200, 'done', z.object({ order: OrderSchema, result: z.record(z.string(), z.unknown()) })], errors: { 409: 'PROCESSED_ON_TIKI / INVALID_ORDER_STATE' } });
  add('get', '/v1/connections/{id}/failures', 'Permanently failed items', { params: P, query: PageQuery, ok: [200, 'failures', list(FailureSchema)] });
  add('post', '/v1/connections/{id}/failures/{failureId}/retry', 'Retry a failed item', { params: FailureParams, ok: [202, 'retrying'] , errors: { 404: 'FAILURE_NOT_FOUND' } });
  add('get', '/v1/connections/{id}/sources', 'Haravan locations and Tiki seller warehouses of the connection, read live (for the settings form)', { params: P, ok: [200, 'locations and warehouses (with `error` SOURCES_UNAVAILABLE when a side could not be read)', SourcesSchema], errors: { 404: 'NOT_FOUND', 409: 'CONNECTION_NOT_ACTIVE' } });
  for (const register of extra) register(add);
  add('post', '/webhooks/haravan', 'Haravan webhooks (HMAC-SHA256 of the raw body, base64)', { ok: [200, 'accepted'], errors: { 401: 'WEBHOOK_SIGNATURE_INVALID' } });
  add('get', '/healthz', 'Liveness/readiness: `checks` names each dependency (database, temporal) `ok` or `down`', { ok: [200, 'healthy'], errors: { 503: 'a dependency is down' } });
  add('get', '/metrics', 'Prometheus metrics', { ok: [200, 'text exposition format'] });
  const gen = new OpenApiGeneratorV3(r.definitions);
  return gen.generateDocument({ openapi: '3.0.3', info: { title: 'Haravan ⇄ Tiki sync API', version: '1.0.0', description: 'Connect a Haravan shop to its Tiki seller account: product links, stock/price push, exactly-once order import, Tiki order actions.' }, servers: [{ url: '/' }] });
}
