/**
 * The link run's work (product.md §3): read the selected Haravan products and the whole Tiki catalogue, apply the
 * pure linking rules (domain/linking.ts), and write links and sync errors in big batches.
 *
 * Speed: both sides are read at the same time, and each side's pages are fetched concurrently — Haravan pages by
 * number once `count.json` says how many there are, Tiki pages 2..last_page once page 1 says how many — so the
 * connectors' rate limiters (Haravan leaky bucket 80 / 4 per second per shop; Tiki token bucket per seller,
 * `TIKI_MAX_REQUESTS_PER_SECOND`) are the only pacing. The run therefore takes about as long as the required calls
 * take at those limits, plus the database writes.
 *
 * Progress: the activity heartbeats every page, and — throttled, at most ~20 per run plus one per phase change — writes
 * its progress to the store and signals it to its own workflow, so the workflow's `progress` query is live while the
 * history stays a few dozen events whatever the catalogue size.
 *
 * Page listings can shift while they are read (a product created or deleted between two page calls). Duplicates are
 * harmless (the rules evaluate a product once); a product skipped that way must not lose its links, so when the
 * Haravan listing was not consistent (the count changed, or fewer distinct products were read than counted), links
 * and errors are only replaced for the products actually read.
 */
import { withBulkRead } from './bulk-reads';
import { Context } from '@temporalio/activity';
import { heartbeatOrStop } from './cancellation';
import { ConnectorError } from '../connectors/errors';
import type { HaravanClient } from '../connectors/haravan/client';
import { MAX_IDS_PER_CALL, PRODUCT_PAGE_SIZE } from '../connectors/haravan/client';
import type { HaravanProduct } from '../connectors/haravan/schemas';
import type { TikiClient } from '../connectors/tiki/client';
import { TIKI_MAX_PAGE_SIZE } from '../connectors/tiki/client';
import { computeLinks, summarizeLinks, LinkOutcome } from '../domain/linking';
import type { HaravanProductInput, TikiSkuInput } from '../domain/types';
import type { LinkRecord, SyncErrorRecord } from '../store/types';
import { linkRunProgressSignal, type LinkRunFetched, type LinkRunPhase, type LinkRunProgressReport, type LinkRunRequest } from '../workflows/definitions';
import type { ActivityDeps } from './context';
import { toHaravanProductInput, toTikiSkuInput } from './mappers';
import { chunk, pool, StopSignal } from './concurrency';

/** Rows per store write (one statement each). */
export const WRITE_BATCH = 5000;
/** Concurrent page requests per side; the rate limiters decide when each one goes. Enough to keep the limiters busy
 *  when answers are slow (at 4 calls/s, 16 in flight covers answers of up to ~4 s). */
export const HARAVAN_FETCH_CONCURRENCY = 16;
export const TIKI_FETCH_CONCURRENCY = 16;
/** Only what the rules need (Haravan's documented `fields`; variants come whole). */
const PRODUCT_FIELDS = ['id', 'title', 'updated_at', 'created_at', 'variants'];
const MAX_STORED_DRY_RUN_OUTCOMES = 20_000;
/** In-place retries of one page read (then the activity's own retry policy takes over). */
const PAGE_ATTEMPTS = 5;
const PAGE_RETRY_BASE_MS = 1000;
const PAGE_RETRY_MAX_MS = 15_000;
/** Progress: the store at most once a second; the workflow signal at most every max(3 s, elapsed / 8), plus phase changes. */
const STORE_MIN_INTERVAL_MS = 1000;
const SIGNAL_MIN_INTERVAL_MS = 3000;
const SIGNAL_ELAPSED_SHARE = 1 / 8;

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

interface HaravanFetch {
  products: HaravanProductInput[];
  /** Products whose links/errors this run replaces; 'all' = the connection's whole catalogue. */
  scope: number[] | 'all';
  consistent: boolean;
  calls: number;
}

interface TikiFetch {
  skus: TikiSkuInput[];
  calls: number;
}

export function createLinkingActivities(deps: ActivityDeps) {
  const { store, clients, logger, temporal } = deps;

  /**
   * Throttled progress: heartbeat on every change; the store (GET's fallback) at most once a second; a signal to the
   * workflow (its live `progress` query) on phase changes and at most every max(3 s, elapsed / 8) — about 15 signals
   * for a one-minute run, growing with the logarithm of the run time.
   */
  function progressReporter(runId: string) {
    const info = safeInfo();
    const started = Date.now();
    let seq = 0;
    let storedAt = 0;
    let signalledAt = 0;
    let signalledPhase: LinkRunPhase | undefined;
    let inFlight: Promise<void> | null = null;
    const state: Omit<LinkRunProgressReport, 'attempt' | 'seq'> = {
      phase: 'fetching',
      processed: 0,
      total: 0,
      linked: 0,
      errors: 0,
      warnings: 0,
      fetched: { haravanProducts: 0, haravanProductsTotal: null, tikiSkus: 0, tikiSkusTotal: null },
    };

    const send = async (toStore: boolean, toWorkflow: boolean): Promise<void> => {
      const report: LinkRunProgressReport = { ...state, fetched: { ...state.fetched! }, attempt: info?.attempt ?? 1, seq: ++seq };
      await Promise.all([
        toStore
          ? store.updateLinkRun(runId, { processed: report.processed, total: report.total, linked: report.linked, errors: report.errors, warnings: report.warnings })
          : undefined,
        toWorkflow && info
          ? temporal.workflow
              .getHandle(info.workflowId)
              .signal(linkRunProgressSignal, report)
              .catch((err) => logger.debug({ err, runId }, 'link-run progress signal not delivered'))
          : undefined,
      ]);
    };

    return {
      state,
      /** Record a change; reports when due. `force` (phase boundaries) waits until the report is out. */
      async update(patch: Partial<Omit<typeof state, 'fetched'>> & { fetched?: Partial<LinkRunFetched> }, force = false): Promise<void> {
        const { fetched, ...rest } = patch;
        Object.assign(state, rest);
        if (fetched) Object.assign(state.fetched!, fetched);
        if (info) heartbeatOrStop({ phase: state.phase, processed: state.processed, total: state.total });
        const now = Date.now();
        // 'done' is the workflow's own to set (it knows when the activity returned): no signal for it.
        const phaseChanged = state.phase !== signalledPhase && state.phase !== 'done';
        const signalDue = phaseChanged || now - signalledAt >= Math.max(SIGNAL_MIN_INTERVAL_MS, (now - started) * SIGNAL_ELAPSED_SHARE);
        const storeDue = force || now - storedAt >= STORE_MIN_INTERVAL_MS;
        if (force || phaseChanged) {
          if (inFlight) await inFlight;
          storedAt = now;
          if (signalDue) {
            signalledAt = now;
            signalledPhase = state.phase;
          }
          await send(true, signalDue);
          return;
        }
        if (inFlight || !(storeDue || signalDue)) return;
        if (storeDue) storedAt = now;
        if (signalDue) signalledAt = now;
        inFlight = send(storeDue, signalDue)
          .catch((err) => logger.warn({ err, runId }, 'link-run progress not recorded'))
          .finally(() => {
            inFlight = null;
          });
      },
    };
  }

  async function fetchHaravan(haravan: HaravanClient, req: LinkRunRequest, progress: ReturnType<typeof progressReporter>, stop: StopSignal): Promise<HaravanFetch> {
    const byId = new Map<number, HaravanProductInput>();
    let variants = 0;
    let calls = 0;
    const read = <T>(fn: () => Promise<T>) =>
      readWithRetry(() => {
        calls++;
        return fn();
      }, stop);
    const take = async (page: HaravanProduct[]) => {
      for (const p of page) {
        const input = toHaravanProductInput(p);
        const seen = byId.get(input.id);
        if (seen) variants -= seen.variants.length;
        byId.set(input.id, input);
        variants += input.variants.length;
      }
      // processed = variants read; total = estimated from the product count until everything is read.
      const productsTotal = progress.state.fetched?.haravanProductsTotal ?? 0;
      const estimate = byId.size > 0 ? Math.round((variants / byId.size) * productsTotal) : 0;
      await progress.update({ processed: variants, total: Math.max(variants, estimate), fetched: { haravanProducts: byId.size } });
    };

    if (!req.all) {
      // Selected products: one call per 50 ids (the page cap is 50, so each answer is complete).
      const ids = [...new Set(req.productIds ?? [])];
      const chunks = chunk(ids, MAX_IDS_PER_CALL);
      await progress.update({ fetched: { haravanProductsTotal: ids.length } });
      await pool(
        chunks,
        HARAVAN_FETCH_CONCURRENCY,
        async (idChunk) => {
          await take(await read(() => haravan.listProducts({ ids: idChunk, limit: PRODUCT_PAGE_SIZE, fields: PRODUCT_FIELDS })));
        },
        stop,
      );
      return { products: [...byId.values()], scope: ids, consistent: true, calls };
    }

    // The whole catalogue: count, then every page at once (the limiter paces them), then make sure nothing was left.
    const countBefore = await read(() => haravan.countProducts());
    await progress.update({ fetched: { haravanProductsTotal: countBefore } });
    const pages = Math.ceil(countBefore / PRODUCT_PAGE_SIZE);
    let lastPageLength = 0;
    await pool(
      range(1, pages),
      HARAVAN_FETCH_CONCURRENCY,
      async (page) => {
        const rows = await read(() => haravan.listProducts({ page, limit: PRODUCT_PAGE_SIZE, fields: PRODUCT_FIELDS }));
        if (page === pages) lastPageLength = rows.length;
        await take(rows);
      },
      stop,
    );
    // Products added meanwhile push rows past the counted pages: walk on until a short page.
    if (pages === 0 || lastPageLength === PRODUCT_PAGE_SIZE) {
      for (let page = pages + 1; ; page++) {
        const rows = await read(() => haravan.listProducts({ page, limit: PRODUCT_PAGE_SIZE, fields: PRODUCT_FIELDS }));
        await take(rows);
        if (rows.length < PRODUCT_PAGE_SIZE) break;
      }
    }
    // Every counted product read exactly once? (A product created or deleted meanwhile shifts the pages and changes
    // the number of distinct products read; then only the products read have their links replaced.)
    const consistent = byId.size === countBefore;
    const products = [...byId.values()];
    if (!consistent) {
      logger.warn({ counted: countBefore, read: byId.size }, 'Haravan catalogue changed during the link run: links replaced only for the products read');
    }
    return { products, scope: consistent ? 'all' : products.map((p) => p.id), consistent, calls };
  }

  async function fetchTiki(tiki: TikiClient, progress: ReturnType<typeof progressReporter>, stop: StopSignal): Promise<TikiFetch> {
    const byId = new Map<number, TikiSkuInput>();
    let calls = 0;
    const read = <T>(fn: () => Promise<T>) =>
      readWithRetry(() => {
        calls++;
        return fn();
      }, stop);
    let lastPage = 0;
    const take = async (items: Parameters<typeof toTikiSkuInput>[0][], paging: { last_page: number; total?: number | null }) => {
      for (const item of items) {
        const sku = toTikiSkuInput(item);
        byId.set(sku.productId, sku);
      }
      lastPage = Math.max(lastPage, paging.last_page);
      await progress.update({ fetched: { tikiSkus: byId.size, tikiSkusTotal: paging.total ?? null } });
    };
    const first = await read(() => tiki.listProducts({ page: 1, limit: TIKI_MAX_PAGE_SIZE }));
    await take(first.items, first.paging);
    // Pages 2..last_page concurrently; last_page is re-read from every answer, so rows added meanwhile are reached.
    let done = 1;
    while (done < lastPage) {
      const upTo = lastPage;
      await pool(
        range(done + 1, upTo),
        TIKI_FETCH_CONCURRENCY,
        async (page) => {
          const res = await read(() => tiki.listProducts({ page, limit: TIKI_MAX_PAGE_SIZE }));
          await take(res.items, res.paging);
        },
        stop,
      );
      done = upTo;
    }
    return { skus: [...byId.values()], calls };
  }

  return {
    async executeLinkRun(connectionId: string, runId: string, req: LinkRunRequest): Promise<LinkRunCounts> {
      const connection = await store.getConnection(connectionId);
      if (!connection) throw new Error(`unknown connection ${connectionId}`);
      const { haravan, tiki } = await clients.forConnection(connectionId);
      const progress = progressReporter(runId);
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
        Promise.allSettled([flag(fetchHaravan(haravan, req, progress, stop)), flag(fetchTiki(tiki, progress, stop))]),
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

      if (req.dryRun) {
        await store.updateLinkRun(runId, { ...counts, processed: total, outcomes: outcomes.slice(0, MAX_STORED_DRY_RUN_OUTCOMES) });
        await progress.update({ phase: 'done', processed: total, total, linked: counts.linked, linkedProducts: counts.linkedProducts, errors: counts.errors, warnings: counts.warnings }, true);
        return { ...counts, processed: total };
      }

      await progress.update(
        { phase: 'writing', processed: total, total, linked: counts.linked, linkedProducts: counts.linkedProducts, errors: counts.errors, warnings: counts.warnings },
        true,
      );
      const marketPrice = new Map(t.skus.map((s) => [s.productId, s.marketPrice]));
      const linkRecords = outcomes.filter((o) => o.link).map((o) => toLinkRecord(o, marketPrice));
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

    async finishLinkRun(runId: string, state: 'completed' | 'failed', error?: { code: string; message: string }): Promise<void> {
      await store.updateLinkRun(runId, { state, error });
    },
  };
}

function safeInfo(): { workflowId: string; attempt: number } | null {
  try {
    const info = Context.current().info;
    const workflowId = info.workflowExecution?.workflowId;
    return workflowId ? { workflowId, attempt: info.attempt } : null;
  } catch {
    return null; // called outside an activity (benchmarks of the function itself)
  }
}

/**
 * A page read, retried in place on transient failures (timeout, network, 5xx, 429 past the client's own retries) so
 * one slow answer does not restart the whole run; reads are idempotent. Other failures (auth, validation) go at once.
 */
export async function readWithRetry<T>(fn: () => Promise<T>, stop: StopSignal = {}, attempts = PAGE_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = err instanceof ConnectorError && err.retryable;
      if (!retryable || attempt >= attempts || stop.failed !== undefined) throw err;
      const wait = Math.min(PAGE_RETRY_MAX_MS, Math.max(err.retryAfterMs ?? 0, PAGE_RETRY_BASE_MS * 2 ** (attempt - 1)));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
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
