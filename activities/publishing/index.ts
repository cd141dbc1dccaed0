/**
 * Activities of publishing (issue 17): prepare (pre-check), submit, one look at a request's state, activate,
 * complete, stop on disconnect, and the catalogue lookups of the API. Each is one short call: a request under
 * review costs no activity slot between looks (the publish workflow waits on durable timers).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { ConnectorError } from '../../connectors/errors';
import { tikiErrorText } from '../../connectors/tiki/errors';
import type { Config } from '../../domain/config';
import { messageFor, messageWithFacts } from '../../domain/messages';
import { DEFAULT_FOLLOW_UP, FollowUpSchedule, isTrackIdExpired, parseRejectionReasons, publicationStateOf } from '../../domain/publication/lifecycle';
import type { PublicationReason, PublicationState } from '../../domain/publication/types';
import { redactVendorText } from '../../domain/redact';
import type { PreparedPublication, PublishRequest } from '../../workflows/definitions';
import type { ActivityDeps } from '../context';
import { refusalFacts } from '../errors';
import { categoryAttributes, categoryIndex } from './catalog';
import { preparePublications } from './prepare';

/** How long a cancelled publish workflow may take to close before it is terminated. */
const PUBLISH_STOP_WAIT_MS = 60_000;

/** Waits for a cancelled workflow to close; terminates it when it has not within `waitMs`. */
async function closedOrTerminated(handle: WorkflowHandle, waitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = handle.result().then(() => true, () => true);
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
  const inTime = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (!inTime) await handle.terminate('disconnect: did not stop in time').catch(() => undefined);
}

export interface LookResult {
  state: PublicationState;
  tikiState?: string;
}

const reason = (code: string, detail?: string): PublicationReason => {
  const m = messageFor(code);
  return { code, message: detail ? `${m.en}: ${detail}` : m.en, messageVi: detail ? `${m.vi}: ${detail}` : m.vi };
};

/** The follow-up schedule of this worker (`PUBLISH_FIRST_CHECK_MS`, `PUBLISH_MAX_CHECK_MS`; tests shorten it). */
export function followUpFromEnv(env: NodeJS.ProcessEnv = process.env): FollowUpSchedule {
  const n = (v: string | undefined, d: number) => (Number(v) > 0 ? Number(v) : d);
  return { firstMs: n(env.PUBLISH_FIRST_CHECK_MS, DEFAULT_FOLLOW_UP.firstMs), maxMs: n(env.PUBLISH_MAX_CHECK_MS, DEFAULT_FOLLOW_UP.maxMs) };
}

export function createPublishingActivities(deps: ActivityDeps) {
  const { store, logger } = deps;
  const pub = async (connectionId: string, pubId: string) => {
    const p = await store.getPublication(connectionId, pubId);
    if (!p) throw new Error(`publication ${pubId} not found`);
    return p;
  };

  return {
    async preparePublications(connectionId: string, shopId: number, config: Config, request: PublishRequest, batchKey: string): Promise<{ items: PreparedPublication[]; followUp: FollowUpSchedule }> {
      const clients = await deps.clients.forConnection(connectionId);
      const items = await preparePublications(store, clients, { connectionId, shopId, config, request, batchKey });
      return { items, followUp: followUpFromEnv() };
    },

    /** Send the stored body as a new Tiki request. A synchronous refusal is an answer (state failed), not a retry. */
    async submitPublication(connectionId: string, pubId: string): Promise<{ trackId?: string; submittedAt?: number; state: PublicationState }> {
      const p = await pub(connectionId, pubId);
      if (p.state !== 'draft' && p.trackId) return { trackId: p.trackId, submittedAt: Date.parse(p.submittedAt ?? p.updatedAt), state: p.state };
      const { tiki, assertLive } = await deps.clients.forConnection(connectionId);
      try {
        await assertLive();
        const res = await tiki.publishing.createProductRequest(p.requestBody!);
        const submittedAt = Date.now();
        await store.updatePublication(pubId, { state: 'submitted', tikiState: res.state, trackId: res.trackId, submittedAt: new Date(submittedAt).toISOString() });
        await store.audit(connectionId, 'publication-submitted', { pubId, trackId: res.trackId });
        return { trackId: res.trackId, submittedAt, state: 'submitted' };
      } catch (err) {
        if (!(err instanceof ConnectorError) || err.code !== 'VALIDATION') throw err;
        const body = (err.details as { body?: unknown } | undefined)?.body ?? err.details;
        const reasons = parseRejectionReasons(body).map((r) => ({ ...r, code: r.code ?? 'PUBLISH_SUBMIT_REFUSED' }));
        // Without reasons Tiki's form understands, the caller gets our words and the status; Tiki's text goes to the log.
        if (!reasons.length) logger.warn({ connectionId, pubId, detail: redactVendorText(tikiErrorText(body) ?? err.message) }, 'Tiki refused a product request');
        const refused = { code: 'PUBLISH_SUBMIT_REFUSED', ...messageWithFacts('PUBLISH_SUBMIT_REFUSED', refusalFacts(err)) };
        await store.updatePublication(pubId, { state: 'failed', reasons: reasons.length ? reasons : [refused] });
        return { state: 'failed' };
      }
    },

    /** One look at the request's state (written to the store when it moved). */
    async checkPublication(connectionId: string, pubId: string, trackId: string, submittedAt: number): Promise<LookResult> {
      const { tiki } = await deps.clients.forConnection(connectionId);
      const res = await tiki.publishing.trackProductRequest(trackId);
      if (res.expired || isTrackIdExpired(submittedAt, Date.now())) {
        await store.updatePublication(pubId, { state: 'expired', reasons: [reason('PUBLISH_REQUEST_EXPIRED', trackId)] });
        return { state: 'expired' };
      }
      const state = publicationStateOf(res.state!);
      const reasons = state === 'rejected' ? parseRejectionReasons(res.reason) : undefined;
      await store.updatePublication(pubId, { state, tikiState: res.state, ...(reasons ? { reasons: reasons.length ? reasons : [reason('PUBLISH_REJECTED_BY_TIKI')] } : {}) });
      return { state, tikiState: res.state };
    },

    /** Approved products are inactive on Tiki: turn each variant's listing on (found by its sku = barcode). */
    async activatePublication(connectionId: string, pubId: string): Promise<number[]> {
      const p = await pub(connectionId, pubId);
      const { tiki, assertLive } = await deps.clients.forConnection(connectionId);
      const ids: number[] = [];
      for (const v of p.requestBody?.variants ?? []) {
        for (const product of await tiki.findByOriginalSku(v.sku)) {
          const id = Number((product as { product_id?: number; id?: number }).product_id ?? (product as { id?: number }).id);
          await assertLive();
          await tiki.updateSku({ productId: id, active: true });
          ids.push(id);
        }
      }
      await store.audit(connectionId, 'publication-activated', { pubId, productIds: ids });
      return ids;
    },

    /** After the link run: the publication is done; linked when its product now has links. */
    async completePublication(connectionId: string, pubId: string): Promise<{ linked: boolean }> {
      const p = await pub(connectionId, pubId);
      const links = await store.getLinksByProducts(connectionId, [p.productId]);
      await store.updatePublication(pubId, { linked: links.length > 0, tikiProductId: links[0]?.tikiProductId ?? null });
      return { linked: links.length > 0 };
    },

    async markPublication(connectionId: string, pubId: string, state: PublicationState): Promise<void> {
      await store.updatePublication(pubId, { state });
    },

    /**
     * Disconnect: cancel every open publish workflow of the connection and wait until each has closed (it records
     * itself as cancelled); one that has not closed within `PUBLISH_STOP_WAIT_MS` is terminated, so nothing of the
     * connection runs once this answers.
     */
    async stopPublishWorkflows(connectionId: string): Promise<number> {
      let stopped = 0;
      for (;;) {
        const { items } = await store.listPublications(connectionId, { page: 1, limit: 250 }, { open: true });
        const live = items.filter((p) => p.workflowId);
        const closing: Promise<void>[] = [];
        for (const p of live) {
          const handle = deps.temporal.workflow.getHandle(p.workflowId!);
          try {
            await handle.cancel();
            stopped++;
            closing.push(closedOrTerminated(handle, PUBLISH_STOP_WAIT_MS));
          } catch (err) {
            logger.info({ connectionId, pubId: p.pubId, err: String(err) }, 'publish workflow already closed');
          }
          await store.updatePublication(p.pubId, { state: 'cancelled' });
        }
        await Promise.all(closing);
        if (items.length < 250) break;
      }
      return stopped;
    },

    /** Refresh the cached category tree (when stale), or one category's attributes; false when it is not Tiki's. */
    async refreshTikiCatalog(connectionId: string, categoryId?: number): Promise<boolean> {
      const clients = await deps.clients.whileConnected(connectionId);
      const index = await categoryIndex(store, clients?.tiki ?? null);
      if (categoryId === undefined) return index.size > 0;
      if (!index.item(categoryId)) return false;
      await categoryAttributes(store, clients?.tiki ?? null, categoryId);
      return true;
    },
  };
}

export type PublishingActivities = ReturnType<typeof createPublishingActivities>;
