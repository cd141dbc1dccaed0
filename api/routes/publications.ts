/**
 * Publishing to Tiki (api.md additions): `/v1/connections/:id/publications[...]` and `/v1/tiki/categories[...]`.
 * Starting and resubmitting go through the connection workflow's `publish` update (pre-check, then one publish
 * workflow per product); reads come from the store, which the publish workflows keep current. Category data is
 * served from the store's cache, refreshed through the worker (`tikiCatalogWorkflow`) when missing or a day old.
 */
import { Router } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { CategoryIndex, isCatalogFresh } from '../../domain/publication/categories';
import { RESUBMITTABLE_STATES } from '../../domain/publication/lifecycle';
import type { TikiAttributeDef } from '../../domain/publication/types';
import { isActiveConnection } from '../../domain/terms';
import type { PublicationRecord } from '../../store/store';
import { publishUpdate, type PublishRequest, type PublishStarted } from '../../workflows/definitions';
import { connectionWorkflowId, tikiCatalogWorkflowId } from '../../workflows/ids';
import { ApiDeps, parse } from '../context';
import { apiError, ApiError, fromUpdateFailure } from '../errors';
import {
  CategoriesQuery,
  CategoryAttributesQuery,
  CategoryParams,
  PublicationParams,
  PublicationRequestSchema,
  PublicationsQuery,
  ResubmitSchema,
} from '../publication-schemas';
import { ConnectionIdParams } from '../schemas';

export function presentPublication(p: PublicationRecord) {
  return {
    pubId: p.pubId,
    productId: p.productId,
    state: p.state,
    ...(p.tikiState ? { tikiState: p.tikiState } : {}),
    ...(p.trackId ? { trackId: p.trackId } : {}),
    ...(p.tikiProductId ? { tikiProductId: p.tikiProductId } : {}),
    reasons: p.reasons,
    history: p.history,
    linked: p.linked,
    attempts: p.attempts,
    ...(p.choices.categoryId ? { categoryId: p.choices.categoryId } : {}),
    activate: p.choices.activate,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function publicationRoutes(deps: ApiDeps): Router {
  const { client, store, taskQueue } = deps;
  const r = Router();

  async function activeConnection(id: string) {
    const c = await store.getConnection(id);
    if (!c) throw apiError('NOT_FOUND', `connection ${id} not found`);
    return c;
  }

  /** Send the `publish` update; an update aborted by a continue-as-new was never run, so it is sent again. */
  async function publish(id: string, req: PublishRequest): Promise<PublishStarted> {
    const c = await activeConnection(id);
    if (!isActiveConnection(c.state)) throw apiError('CONNECTION_NOT_ACTIVE', `connection is ${c.state}`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.workflow.getHandle(connectionWorkflowId(c.shopId)).executeUpdate(publishUpdate, { args: [req] });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw apiError('CONNECTION_NOT_ACTIVE', 'the connection workflow is not running');
        const answered = err instanceof WorkflowUpdateFailedError && fromUpdateFailure(err) !== undefined;
        if (answered || attempt >= 3) throw err;
        await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
      }
    }
  }

  const invalid = (items: PublishStarted['items']) =>
    new ApiError(422, 'PUBLICATION_INVALID', undefined, { problems: items.filter((i) => i.problems.length > 0).map(({ productId, problems }) => ({ productId, problems })) });

  r.post('/connections/:id/publications', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const body = parse(PublicationRequestSchema, req.body);
    const { items } = await publish(id, body);
    if (body.dryRun) {
      res.status(200).json({ items: items.map(({ productId, title, categoryId, suggestions, problems, request }) => ({ productId, title, categoryId, suggestions, problems, ...(request ? { request } : {}) })) });
      return;
    }
    const started = items.filter((i) => i.pubId);
    if (started.length === 0) throw invalid(items);
    const records = await Promise.all(started.map((i) => store.getPublication(id, i.pubId!)));
    const problems = items.filter((i) => i.problems.length > 0).map(({ productId, problems: p }) => ({ productId, problems: p }));
    res.status(202).json({ items: records.filter((x): x is PublicationRecord => !!x).map(presentPublication), ...(problems.length ? { problems } : {}) });
  });

  r.get('/connections/:id/publications', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const q = parse(PublicationsQuery, req.query);
    await activeConnection(id);
    const { items, total } = await store.listPublications(id, q, { state: q.state });
    res.json({ items: items.map(presentPublication), total, page: q.page, limit: q.limit });
  });

  r.get('/connections/:id/publications/:pubId', async (req, res) => {
    const { id, pubId } = parse(PublicationParams, req.params);
    await activeConnection(id);
    const p = await store.getPublication(id, pubId);
    if (!p) throw apiError('PUBLICATION_NOT_FOUND');
    res.json(presentPublication(p));
  });

  r.post('/connections/:id/publications/:pubId/resubmit', async (req, res) => {
    const { id, pubId } = parse(PublicationParams, req.params);
    const body = parse(ResubmitSchema, req.body);
    await activeConnection(id);
    const p = await store.getPublication(id, pubId);
    if (!p) throw apiError('PUBLICATION_NOT_FOUND');
    if (!RESUBMITTABLE_STATES.includes(p.state)) throw apiError('INVALID_PUBLICATION_STATE', `publication is ${p.state}`);
    const { items } = await publish(id, { ...body, productIds: [p.productId], resubmitPubId: pubId });
    const item = items[0];
    if (item?.problems.some((x) => x.code === 'INVALID_PUBLICATION_STATE')) throw apiError('INVALID_PUBLICATION_STATE');
    if (!item?.pubId) throw invalid(items);
    res.status(202).json(presentPublication((await store.getPublication(id, pubId))!));
  });

  // ------------------------------------------------------------------ Tiki catalogue
  /** Run the refresh through the worker (one at a time per key) and wait for it. */
  async function refresh(connectionId: string, categoryId?: number): Promise<boolean> {
    return client.workflow.execute('tikiCatalogWorkflow', {
      taskQueue,
      workflowId: tikiCatalogWorkflowId(connectionId, categoryId),
      args: [{ connectionId, categoryId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowExecutionTimeout: '2 minutes',
    } as never) as Promise<boolean>;
  }

  async function categoryIndex(connectionId: string): Promise<CategoryIndex> {
    const meta = await store.getCatalogCache('categories');
    if (!isCatalogFresh(meta?.fetchedAt, Date.now())) await refresh(connectionId).catch((err) => {
      if (!meta) throw err;
    });
    return new CategoryIndex(await store.tikiCategories());
  }

  r.get('/tiki/categories', async (req, res) => {
    const q = parse(CategoriesQuery, req.query);
    await activeConnection(q.connectionId);
    const index = await categoryIndex(q.connectionId);
    res.json({ items: index.search(q.q, q.limit), ...(q.productName ? { suggestions: index.suggest(q.productName) } : {}) });
  });

  r.get('/tiki/categories/:categoryId/attributes', async (req, res) => {
    const { categoryId } = parse(CategoryParams, req.params);
    const { connectionId } = parse(CategoryAttributesQuery, req.query);
    await activeConnection(connectionId);
    const category = (await categoryIndex(connectionId)).item(categoryId);
    if (!category) throw apiError('TIKI_CATEGORY_NOT_FOUND');
    const key = `attributes:${categoryId}`;
    let cached = await store.getCatalogCache<TikiAttributeDef[]>(key);
    if (!isCatalogFresh(cached?.fetchedAt, Date.now())) {
      await refresh(connectionId, categoryId).catch((err) => {
        if (!cached) throw err;
      });
      cached = await store.getCatalogCache<TikiAttributeDef[]>(key);
    }
    const items = [...(cached?.data ?? [])].sort((a, b) => Number(b.required) - Number(a.required));
    res.json({ category, items });
  });

  return r;
}
