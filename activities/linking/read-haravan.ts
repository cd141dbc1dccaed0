/**
 * The link run's Haravan side: the selected products (one call per 50 ids) or the whole catalogue (count, then every
 * page at once — the client's rate limiter paces them — then on until a short page). Only the products read have
 * their links replaced when the catalogue moved meanwhile (domain/link-run.ts `replaceScope`).
 */
import type { Logger } from 'pino';
import type { HaravanClient } from '../../connectors/haravan/client';
import { MAX_IDS_PER_CALL, PRODUCT_PAGE_SIZE } from '../../connectors/haravan/client';
import type { HaravanProduct } from '../../connectors/haravan/schemas';
import { estimatedVariantTotal, replaceScope } from '../../domain/link-run';
import type { HaravanProductInput } from '../../domain/types';
import type { LinkRunRequest } from '../../workflows/definitions';
import { chunk, pool, type StopSignal } from '../concurrency';
import { toHaravanProductInput } from '../mappers';
import { countedReads, range } from './page-read';
import type { ProgressReporter } from './progress';

/** Concurrent page requests; the rate limiter decides when each one goes. Enough to keep it busy when answers are
 *  slow (at 4 calls/s, 16 in flight covers answers of up to ~4 s). */
export const HARAVAN_FETCH_CONCURRENCY = 16;
/** Only what the rules need (Haravan's documented `fields`; variants come whole). */
const PRODUCT_FIELDS = ['id', 'title', 'updated_at', 'created_at', 'variants'];

export interface HaravanFetch {
  products: HaravanProductInput[];
  /** Products whose links/errors this run replaces; 'all' = the connection's whole catalogue. */
  scope: number[] | 'all';
  consistent: boolean;
  calls: number;
}

export async function fetchHaravan(haravan: HaravanClient, req: LinkRunRequest, progress: ProgressReporter, stop: StopSignal, logger: Logger): Promise<HaravanFetch> {
  const byId = new Map<number, HaravanProductInput>();
  let variants = 0;
  const { read, calls } = countedReads(stop);
  const take = async (page: HaravanProduct[]) => {
    for (const p of page) {
      const input = toHaravanProductInput(p);
      const seen = byId.get(input.id);
      if (seen) variants -= seen.variants.length;
      byId.set(input.id, input);
      variants += input.variants.length;
    }
    // processed = variants read; total = estimated from the product count until everything is read.
    const total = estimatedVariantTotal(variants, byId.size, progress.state.fetched?.haravanProductsTotal ?? 0);
    await progress.update({ processed: variants, total, fetched: { haravanProducts: byId.size } });
  };
  const page = (p: number) => read(() => haravan.listProducts({ page: p, limit: PRODUCT_PAGE_SIZE, fields: PRODUCT_FIELDS }));

  if (!req.all) {
    // Selected products: one call per 50 ids (the page cap is 50, so each answer is complete).
    const ids = [...new Set(req.productIds ?? [])];
    await progress.update({ fetched: { haravanProductsTotal: ids.length } });
    await pool(
      chunk(ids, MAX_IDS_PER_CALL),
      HARAVAN_FETCH_CONCURRENCY,
      async (idChunk) => {
        await take(await read(() => haravan.listProducts({ ids: idChunk, limit: PRODUCT_PAGE_SIZE, fields: PRODUCT_FIELDS })));
      },
      stop,
    );
    return { products: [...byId.values()], scope: ids, consistent: true, calls: calls() };
  }

  const countBefore = await read(() => haravan.countProducts());
  await progress.update({ fetched: { haravanProductsTotal: countBefore } });
  const pages = Math.ceil(countBefore / PRODUCT_PAGE_SIZE);
  let lastPageLength = 0;
  await pool(
    range(1, pages),
    HARAVAN_FETCH_CONCURRENCY,
    async (p) => {
      const rows = await page(p);
      if (p === pages) lastPageLength = rows.length;
      await take(rows);
    },
    stop,
  );
  // Products added meanwhile push rows past the counted pages: walk on until a short page.
  if (pages === 0 || lastPageLength === PRODUCT_PAGE_SIZE) {
    for (let p = pages + 1; ; p++) {
      const rows = await page(p);
      await take(rows);
      if (rows.length < PRODUCT_PAGE_SIZE) break;
    }
  }
  const products = [...byId.values()];
  const { consistent, scope } = replaceScope(countBefore, products.map((p) => p.id));
  if (!consistent) {
    logger.warn({ counted: countBefore, read: byId.size }, 'Haravan catalogue changed during the link run: links replaced only for the products read');
  }
  return { products, scope, consistent, calls: calls() };
}
