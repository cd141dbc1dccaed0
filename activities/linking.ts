/**
 * The link run's work: read the selected Haravan products and the Tiki catalogue (in parallel, paced by
 * the connectors' rate limiters), apply the pure linking rules, and write links and sync errors in
 * batches. Progress goes to the store as it happens (GET .../link-runs/:runId reads it).
 */
import { heartbeat } from '@temporalio/activity';
import { computeLinks, summarizeLinks, LinkOutcome } from '../domain/linking';
import type { HaravanProductInput, TikiSkuInput } from '../domain/types';
import type { LinkRecord, SyncErrorRecord } from '../store/types';
import type { LinkRunRequest } from '../workflows/definitions';
import type { ActivityDeps } from './context';
import { toFailure } from './errors';
import { toHaravanProductInput, toTikiSkuInput } from './mappers';

const WRITE_BATCH = 1000;
const MAX_STORED_DRY_RUN_OUTCOMES = 20_000;

export interface LinkRunCounts {
  processed: number;
  total: number;
  linked: number;
  linkedProducts: number;
  errors: number;
  warnings: number;
}

export function createLinkingActivities(deps: ActivityDeps) {
  const { store, clients, logger } = deps;

  async function fetchHaravan(connectionId: string, runId: string, req: LinkRunRequest): Promise<HaravanProductInput[]> {
    const { haravan } = await clients.forConnection(connectionId);
    const products: HaravanProductInput[] = [];
    let variants = 0;
    for await (const page of haravan.listAllProducts(req.all ? {} : { ids: req.productIds })) {
      for (const p of page) {
        const input = toHaravanProductInput(p);
        products.push(input);
        variants += input.variants.length;
      }
      heartbeat({ phase: 'haravan', products: products.length });
      await store.updateLinkRun(runId, { total: variants });
    }
    return products;
  }

  async function fetchTiki(connectionId: string): Promise<TikiSkuInput[]> {
    const { tiki } = await clients.forConnection(connectionId);
    const skus: TikiSkuInput[] = [];
    for await (const page of tiki.listAllProducts({})) {
      for (const p of page.items) skus.push(toTikiSkuInput(p));
      heartbeat({ phase: 'tiki', skus: skus.length });
    }
    return skus;
  }

  return {
    async executeLinkRun(connectionId: string, runId: string, req: LinkRunRequest): Promise<LinkRunCounts> {
      try {
        const connection = await store.getConnection(connectionId);
        if (!connection) throw new Error(`unknown connection ${connectionId}`);
        const [products, tikiSkus] = await Promise.all([fetchHaravan(connectionId, runId, req), fetchTiki(connectionId)]);
        const outcomes = computeLinks({ products, tikiSkus, config: connection.config });
        const summary = summarizeLinks(outcomes);
        const total = outcomes.length;
        const marketPrice = new Map(tikiSkus.map((s) => [s.productId, s.marketPrice]));
        const counts: LinkRunCounts = {
          processed: 0,
          total,
          linked: summary.linkedVariants,
          linkedProducts: summary.linkedProducts,
          errors: summary.errors,
          warnings: summary.warnings,
        };

        if (req.dryRun) {
          await store.updateLinkRun(runId, { ...counts, processed: total, outcomes: outcomes.slice(0, MAX_STORED_DRY_RUN_OUTCOMES) });
          return { ...counts, processed: total };
        }

        const scope: number[] | 'all' = req.all ? 'all' : products.map((p) => p.id);
        for (let i = 0; i < outcomes.length; i += WRITE_BATCH) {
          const batch = outcomes.slice(i, i + WRITE_BATCH);
          await store.upsertLinks(connectionId, batch.filter((o) => o.link).map((o) => toLinkRecord(o, marketPrice)));
          counts.processed = Math.min(total, i + batch.length);
          await store.updateLinkRun(runId, { processed: counts.processed, total });
          heartbeat({ phase: 'write', processed: counts.processed });
        }
        // Idempotent re-run: links no longer made and errors now resolved disappear.
        const linkedIds = outcomes.filter((o) => o.link).map((o) => o.haravanVariantId);
        await store.deleteLinksNotIn(connectionId, scope, linkedIds);
        await store.replaceSyncErrors(connectionId, scope, outcomes.flatMap(toSyncErrors));
        await store.updateLinkRun(runId, { ...counts, processed: total });
        await store.audit(connectionId, 'link-run', { runId, ...counts });
        logger.info({ connectionId, runId, ...counts }, 'link run written');
        return { ...counts, processed: total };
      } catch (err) {
        throw toFailure(err);
      }
    },

    async finishLinkRun(runId: string, state: 'completed' | 'failed', error?: { code: string; message: string }): Promise<void> {
      await store.updateLinkRun(runId, { state, error });
    },
  };
}

function toLinkRecord(o: LinkOutcome, marketPrice: Map<number, number>): LinkRecord {
  return {
    haravanProductId: o.haravanProductId,
    haravanVariantId: o.haravanVariantId,
    barcode: o.link!.barcode,
    tikiSku: o.link!.tikiSku,
    tikiProductId: o.link!.tikiProductId,
    tikiMarketPrice: marketPrice.get(o.link!.tikiProductId) ?? null,
    priceBlocked: o.issues.some((i) => i.code === 'PRICE_ABOVE_LIST_PRICE'),
  };
}

function toSyncErrors(o: LinkOutcome): SyncErrorRecord[] {
  return o.issues.map((i) => ({
    code: i.code,
    severity: i.severity,
    haravanProductId: o.haravanProductId,
    haravanVariantId: o.haravanVariantId,
    barcode: o.barcode,
    message: i.message,
    messageVi: i.messageVi,
  }));
}

export type LinkingActivities = ReturnType<typeof createLinkingActivities>;
