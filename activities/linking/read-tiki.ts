/** The link run's Tiki side: the whole seller catalogue, page 1 first (it says how many), then the rest at once. */
import type { TikiClient } from '../../connectors/tiki/client';
import { TIKI_MAX_PAGE_SIZE } from '../../connectors/tiki/client';
import type { TikiSkuInput } from '../../domain/types';
import { pool, type StopSignal } from '../concurrency';
import { toTikiSkuInput } from '../mappers';
import { countedReads, range } from './page-read';
import type { ProgressReporter } from './progress';

/** Concurrent page requests; the seller's token bucket decides when each one goes. */
export const TIKI_FETCH_CONCURRENCY = 16;

export interface TikiFetch {
  skus: TikiSkuInput[];
  calls: number;
}

export async function fetchTiki(tiki: TikiClient, progress: ProgressReporter, stop: StopSignal): Promise<TikiFetch> {
  const byId = new Map<number, TikiSkuInput>();
  const { read, calls } = countedReads(stop);
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
  return { skus: [...byId.values()], calls: calls() };
}
