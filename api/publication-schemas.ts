/**
 * The zod schemas of publishing to Tiki (api.md additions: `publications`, `tiki/categories`, `Publication`,
 * `Problem`), and their paths in /openapi.json (`registerPublicationPaths`, passed to buildOpenApi).
 */
import { z } from 'zod';
import { PUBLICATION_STATES } from '../domain/terms';
import { ConnectionIdParams, PageQuery, type PathRegistrar } from './schemas';

const id = z.number().int().positive();
const safeId = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/);
const attributeValue = z.union([z.string().max(2000), z.number(), z.boolean()]);
const attributes = z.record(z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/), attributeValue).refine((o) => Object.keys(o).length <= 200, 'at most 200 attributes');

export const PublicationRequestSchema = z
  .object({
    productIds: z.array(id).min(1).max(500),
    categoryId: id.optional(),
    attributes: attributes.optional(),
    activate: z.boolean().optional(),
    /** Merge Haravan options 2 and 3 into one Tiki option (Tiki allows 2, Haravan 3). */
    mergeOptions: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict()
  .openapi('PublicationRequest');

export const ResubmitSchema = z
  .object({ categoryId: id.optional(), attributes: attributes.optional(), activate: z.boolean().optional(), mergeOptions: z.boolean().optional() })
  .strict()
  .openapi('PublicationResubmit');

export const PublicationParams = ConnectionIdParams.extend({ pubId: safeId });
export const PublicationsQuery = PageQuery.extend({ state: z.enum(PUBLICATION_STATES).optional() }).strict();
export const CategoriesQuery = z
  .object({ connectionId: safeId, q: z.string().max(200).default(''), productName: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();
export const CategoryParams = z.object({ categoryId: z.coerce.number().int().positive() });
export const CategoryAttributesQuery = z.object({ connectionId: safeId }).strict();

export const ProblemSchema = z.object({ field: z.string(), code: z.string(), message: z.string(), messageVi: z.string() }).openapi('Problem');
export const PublicationSchema = z
  .object({
    pubId: z.string(),
    productId: z.number(),
    state: z.enum(PUBLICATION_STATES),
    tikiState: z.string().optional(),
    trackId: z.string().optional(),
    tikiProductId: z.number().optional(),
    reasons: z.array(z.object({ code: z.string().optional(), message: z.string(), messageVi: z.string() })),
    history: z.array(z.object({ state: z.string(), at: z.string(), tikiState: z.string().optional(), trackId: z.string().optional() })),
    linked: z.boolean(),
    attempts: z.number(),
    categoryId: z.number().optional(),
    activate: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Publication');
export const CategoryItemSchema = z.object({ id: z.number(), name: z.string(), path: z.string(), isLeaf: z.boolean() }).openapi('TikiCategory');
export const DryRunItemSchema = z
  .object({ productId: z.number(), title: z.string().optional(), categoryId: z.number().optional(), suggestions: z.array(CategoryItemSchema).optional(), problems: z.array(ProblemSchema), request: z.record(z.string(), z.unknown()).optional() })
  .openapi('PublicationDryRunItem');
export const AttributeSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    nameVi: z.string(),
    required: z.boolean(),
    type: z.enum(['text', 'number', 'select', 'multiselect', 'boolean']),
    values: z.array(z.object({ id: z.number().optional(), value: z.string() })).optional(),
  })
  .openapi('TikiAttribute');

export const registerPublicationPaths: PathRegistrar = (add) => {
  const P = ConnectionIdParams;
  const items = (s: z.ZodTypeAny) => z.object({ items: z.array(s) });
  add('post', '/v1/connections/{id}/publications', 'Publish Haravan products that are not on Tiki as Tiki product requests (one publication per product); a dry run answers the problems and the request body', {
    params: P,
    body: PublicationRequestSchema,
    ok: [202, 'publications started (200 with `items[{productId, problems, request?}]` for a dry run)', items(PublicationSchema).extend({ problems: z.array(DryRunItemSchema).optional() })],
    errors: { 404: 'NOT_FOUND', 409: 'CONNECTION_NOT_ACTIVE', 422: 'PUBLICATION_INVALID (with `problems`)' },
  });
  add('get', '/v1/connections/{id}/publications', 'Publications, newest first', { params: P, query: PublicationsQuery, ok: [200, 'publications', z.object({ items: z.array(PublicationSchema), total: z.number() })] });
  add('get', '/v1/connections/{id}/publications/{pubId}', 'One publication', { params: PublicationParams, ok: [200, 'publication', PublicationSchema], errors: { 404: 'PUBLICATION_NOT_FOUND' } });
  add('post', '/v1/connections/{id}/publications/{pubId}/resubmit', 'Send a rejected (or expired/failed) publication again as a new Tiki request, keeping its history', {
    params: PublicationParams,
    body: ResubmitSchema,
    ok: [202, 'resubmitted', PublicationSchema],
    errors: { 404: 'PUBLICATION_NOT_FOUND', 409: 'INVALID_PUBLICATION_STATE', 422: 'PUBLICATION_INVALID' },
  });
  add('get', '/v1/tiki/categories', 'Search the Tiki category tree (leaves first); `productName` adds suggestions', {
    query: CategoriesQuery,
    ok: [200, 'categories', items(CategoryItemSchema).extend({ suggestions: z.array(CategoryItemSchema).optional() })],
    errors: { 404: 'NOT_FOUND' },
  });
  add('get', '/v1/tiki/categories/{categoryId}/attributes', 'Attribute definitions of a Tiki category (required first, dictionary values of select attributes)', {
    params: CategoryParams,
    query: CategoryAttributesQuery,
    ok: [200, 'attributes', items(AttributeSchema).extend({ category: CategoryItemSchema })],
    errors: { 404: 'NOT_FOUND / TIKI_CATEGORY_NOT_FOUND' },
  });
};
