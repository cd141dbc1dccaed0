/** Reading Tiki's catalogue with its stock rows and prices. */
import { heartbeatOrStop } from '../cancellation';
import type { TikiClient } from '../../connectors/tiki/client';
import { pool } from '../concurrency';
import { tikiReserved, tikiStocks, toInt } from '../mappers';
import { READ_CONCURRENCY } from './read-haravan';
import type { PushSummary } from './summary';
import type { TikiActual } from './types';

export const TIKI_PAGE = 50;

/** Tiki's whole catalogue with stock rows and prices: page 1, then the other pages in parallel. */
export async function readTiki(tiki: TikiClient, summary: PushSummary): Promise<Map<number, TikiActual>> {
  const actual = new Map<number, TikiActual>();
  const add = (items: Parameters<typeof tikiStocks>[0][]) => {
    for (const p of items) {
      actual.set(Number(p.product_id ?? p.id), { stocks: tikiStocks(p), reserved: tikiReserved(p), price: toInt(p.price), marketPrice: toInt(p.market_price) });
    }
  };
  const first = await tiki.listProducts({ page: 1, limit: TIKI_PAGE });
  summary.tikiReadCalls++;
  add(first.items);
  const pages: number[] = [];
  for (let p = 2; p <= first.paging.last_page; p++) pages.push(p);
  await pool(pages, READ_CONCURRENCY, async (page) => {
    const res = await tiki.listProducts({ page, limit: TIKI_PAGE });
    summary.tikiReadCalls++;
    add(res.items);
    heartbeatOrStop({ phase: 'tiki', page });
  });
  return actual;
}
