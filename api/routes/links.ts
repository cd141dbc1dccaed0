/** /v1/connections/:id: link runs, links, sync errors and "push now". */
import { Router } from 'express';
import { linkRunProgressQuery, pushNowUpdate, startLinkRunUpdate } from '../../workflows/definitions';
import { linkRunWorkflowId } from '../../workflows/ids';
import { apiError } from '../errors';
import { ApiDeps, parse } from '../context';
import { presentLink, presentLinkRun, presentSyncError } from '../presenters';
import { ConnectionIdParams, EmptyBody, LinkRunRequestSchema, PageQuery, RunParams, SyncErrorsQuery } from '../schemas';
import { connectionAccess } from './connection-access';

const DRY_RUN_WAIT_MS = 20_000;

export function linkRoutes(deps: ApiDeps): Router {
  const { client, store } = deps;
  const { handleFor, load, updateActive } = connectionAccess(deps);
  const r = Router();

  r.post('/connections/:id/link-runs', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const input = parse(LinkRunRequestSchema, req.body);
    const c = await load(id);
    const started = await updateActive(c.state, () => handleFor(c.shopId).executeUpdate(startLinkRunUpdate, { args: [input] }));
    let run = await store.getLinkRun(id, started.runId);
    if (input.dryRun && !started.alreadyRunning) {
      // A dry run is a preview: answer with the outcomes when they are ready within a short wait.
      const until = Date.now() + DRY_RUN_WAIT_MS;
      while (run && run.state === 'running' && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        run = await store.getLinkRun(id, started.runId);
      }
    }
    if (!run) throw apiError('LINK_RUN_NOT_FOUND');
    res.status(202).json({ ...(await presentLiveLinkRun(c.shopId, run)), alreadyRunning: started.alreadyRunning });
  });

  r.get('/connections/:id/link-runs/:runId', async (req, res) => {
    const { id, runId } = parse(RunParams, req.params);
    const c = await load(id);
    const run = await store.getLinkRun(id, runId);
    if (!run) throw apiError('LINK_RUN_NOT_FOUND');
    res.json(await presentLiveLinkRun(c.shopId, run));
  });

  /** A running link run answers from its workflow's progress query (live); otherwise, or if that fails, from the store. */
  async function presentLiveLinkRun(shopId: number, run: NonNullable<Awaited<ReturnType<typeof store.getLinkRun>>>) {
    if (run.state !== 'running') return presentLinkRun(run);
    try {
      const live = await client.workflow.getHandle(linkRunWorkflowId(shopId, run.runId)).query(linkRunProgressQuery);
      const { processed, total, linked, errors, warnings, phase, fetched } = live;
      // The store may already hold the final state written after the query's snapshot: never go backwards.
      return { ...presentLinkRun({ ...run, state: live.state, processed, total, linked, errors, warnings }), phase, fetched };
    } catch {
      return presentLinkRun(run);
    }
  }

  r.get('/connections/:id/links', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const page = parse(PageQuery.strict(), req.query);
    await load(id);
    const { items, total } = await store.listLinks(id, page);
    res.json({ items: items.map(presentLink), total, page: page.page, limit: page.limit });
  });

  r.get('/connections/:id/sync-errors', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const q = parse(SyncErrorsQuery, req.query);
    await load(id);
    const { items, total } = await store.listSyncErrors(id, q);
    res.json({ items: items.map(presentSyncError), total, page: q.page, limit: q.limit });
  });

  r.post('/connections/:id/stock-pushes', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    parse(EmptyBody, req.body);
    const c = await load(id);
    const { pushId } = await updateActive(c.state, () => handleFor(c.shopId).executeUpdate(pushNowUpdate));
    res.status(202).json({ pushId });
  });

  return r;
}
