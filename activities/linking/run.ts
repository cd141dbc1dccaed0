/**
 * The link run's work: read the selected Haravan products and the whole Tiki catalogue, apply the pure linking rules
 * (domain/linking.ts), and write links and sync errors in big batches.
 *
 * Speed: both sides are read at the same time, and each side's pages concurrently (read-haravan.ts, read-tiki.ts), so
 * the connectors' rate limiters (Haravan leaky bucket 80 / 4 per second per shop; Tiki token bucket per seller,
 * `TIKI_MAX_REQUESTS_PER_SECOND`) are the only pacing. The run therefore takes about as long as the required calls
 * take at those limits, plus the database writes. Progress is reported throttled (progress.ts).
 */
import type { LinkOutcome } from '../../domain/linking';
import { computeLinks, summarizeLinks } from '../../domain/linking';
import { MESSAGES, messageWithFacts } from '../../domain/messages';
import { redactVendorText } from '../../domain/redact';
import type { LinkRunEnd } from '../../domain/terms';
import type { LinkRunRequest } from '../../workflows/definitions';
import { withBulkRead } from '../bulk-reads';
import type { StopSignal } from '../concurrency';
import type { ActivityDeps } from '../context';
import { progressReporter } from './progress';
import { fetchHaravan } from './read-haravan';
import { fetchTiki } from './read-tiki';
import { toLinkRecord, toSyncErrors } from './records';

/** Rows per store write (one statement each). */
export const WRITE_BATCH = 5000;
const MAX_STORED_DRY_RUN_OUTCOMES = 20_000;

export interface LinkRunCounts {
  processed: number;
  total: number;
  linked: number;
  linkedProducts: number;
  errors: number;
  warnings: number;
  /** Calls made, for the benchmark and the audit log. */
  calls?: { haravan: number; tiki: number };
  /** False when the Haravan listing moved under the run (links were then only replaced for the products read). */
  consistent?: boolean;
  /** Milliseconds per phase (audit log, benchmark). */
  timings?: { fetchMs: number; computeMs: number; writeMs: number; upsertMs?: number; deleteMs?: number; errorsMs?: number };
}

export function createLinkingActivities(deps: ActivityDeps) {
  const { store, clients, logger } = deps;

  return {
    async executeLinkRun(connectionId: string, runId: string, req: LinkRunRequest): Promise<LinkRunCounts> {
      const connection = await store.getConnection(connectionId);
      if (!connection) throw new Error(`unknown connection ${connectionId}`);
      const { haravan, tiki } = await clients.forConnection(connectionId);
      const progress = progressReporter(deps, runId);
      const t0 = Date.now();
      await progress.update({ phase: 'fetching' }, true);

      const stop: StopSignal = {};
      const flag = <T>(p: Promise<T>) =>
        p.catch((err) => {
          stop.failed ??= err;
          throw err;
        });
      // allSettled: when one side fails, the other stops dispatching and is waited for, so no call outlives the attempt.
      const [hs, ts] = await withBulkRead(connectionId, () =>
        Promise.allSettled([flag(fetchHaravan(haravan, req, progress, stop, logger)), flag(fetchTiki(tiki, progress, stop))]),
      );
      if (hs.status === 'rejected' || ts.status === 'rejected') throw stop.failed;
      const [h, t] = [hs.value, ts.value];
      const t1 = Date.now();
      const variantsRead = h.products.reduce((n, p) => n + p.variants.length, 0);
      await progress.update({ phase: 'computing', processed: variantsRead, total: variantsRead }, true);

      const outcomes = computeLinks({ products: h.products, tikiSkus: t.skus, config: connection.config });
      const summary = summarizeLinks(outcomes);
      const total = outcomes.length;
      const counts: LinkRunCounts = {
        processed: 0,
        total,
        linked: summary.linkedVariants,
        linkedProducts: summary.linkedProducts,
        errors: summary.errors,
        warnings: summary.warnings,
        calls: { haravan: h.calls, tiki: t.calls },
        consistent: h.consistent,
      };
      const t2 = Date.now();
      counts.timings = { fetchMs: t1 - t0, computeMs: t2 - t1, writeMs: 0 };
      const finished = { processed: total, total, linked: counts.linked, linkedProducts: counts.linkedProducts, errors: counts.errors, warnings: counts.warnings };

      if (req.dryRun) {
        await store.updateLinkRun(runId, { ...counts, processed: total, outcomes: outcomes.slice(0, MAX_STORED_DRY_RUN_OUTCOMES) });
        await progress.update({ phase: 'done', ...finished }, true);
        return { ...counts, processed: total };
      }

      await progress.update({ phase: 'writing', ...finished }, true);
      const marketPrice = new Map(t.skus.map((s) => [s.productId, s.marketPrice]));
      const linkRecords = outcomes.filter((o): o is LinkOutcome & Required<Pick<LinkOutcome, 'link'>> => !!o.link).map((o) => toLinkRecord(o, marketPrice));
      for (let i = 0; i < linkRecords.length; i += WRITE_BATCH) {
        await store.upsertLinks(connectionId, linkRecords.slice(i, i + WRITE_BATCH));
        await progress.update({});
      }
      const t3 = Date.now();
      // Idempotent re-run: links no longer made and errors now resolved disappear (within the scope read).
      await store.deleteLinksNotIn(
        connectionId,
        h.scope,
        linkRecords.map((l) => l.haravanVariantId),
      );
      const t4 = Date.now();
      await store.replaceSyncErrors(connectionId, h.scope, outcomes.flatMap(toSyncErrors));
      counts.processed = total;
      counts.timings.writeMs = Date.now() - t2;
      counts.timings.upsertMs = t3 - t2;
      counts.timings.deleteMs = t4 - t3;
      counts.timings.errorsMs = Date.now() - t4;
      await progress.update({ processed: total, phase: 'done' }, true);
      await store.updateLinkRun(runId, { ...counts });
      await store.audit(connectionId, 'link-run', { runId, ...counts });
      logger.info({ connectionId, runId, ...counts }, 'link run written');
      return counts;
    },

    /** The run's error as callers see it: its code and our words; the failure's own text goes to the log, redacted. */
    async finishLinkRun(runId: string, state: LinkRunEnd, error?: { code: string; message: string }): Promise<void> {
      if (error) logger.warn({ runId, code: error.code, detail: redactVendorText(error.message) }, 'link run ended with an error');
      const shown = error && { code: error.code, ...messageWithFacts(error.code in MESSAGES ? error.code : 'LINK_RUN_FAILED', { code: error.code }) };
      await store.updateLinkRun(runId, { state, error: shown });
    },
  };
}

export type LinkingActivities = ReturnType<typeof createLinkingActivities>;
