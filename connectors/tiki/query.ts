/** Query-string building blocks of the Tiki API: set expressions, dates, paging. */
import { toTikiDateTime } from './datetime';
import type { TikiPage, TikiPaging } from './schemas';
import { checkPageItems, MAX_PAGES, tooLarge } from '../limits';

/** Tiki set expression: `in|a,b` or `nin|a,b`. A bare list means `in`. */
export type SetFilter = readonly string[] | { in?: readonly string[]; nin?: readonly string[] };

export function setExpression(filter: SetFilter | undefined): string | undefined {
  if (filter === undefined) return undefined;
  if (isList(filter)) return filter.length ? `in|${filter.join(',')}` : undefined;
  if (filter.in?.length && filter.nin?.length)
    throw new RangeError('a set filter takes either `in` or `nin`, not both');
  if (filter.in?.length) return `in|${filter.in.join(',')}`;
  if (filter.nin?.length) return `nin|${filter.nin.join(',')}`;
  return undefined;
}

function isList(filter: SetFilter): filter is readonly string[] {
  return Array.isArray(filter);
}

/** A date filter value: a Date (formatted as UTC+7 local time) or an already formatted Tiki string. */
export type DateInput = Date | string;

export function dateParam(value: DateInput | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : toTikiDateTime(value);
}

/** Normalise a list answer: a missing `paging` means a single page (empty → last_page 0). */
export function toPage<T>(items: T[], paging: TikiPaging | null | undefined, page: number, limit: number): TikiPage<T> {
  if (paging) return { items, paging };
  return {
    items,
    paging: {
      total: items.length,
      current_page: page,
      from: null,
      to: null,
      per_page: limit,
      last_page: items.length ? page : 0,
    },
  };
}

/**
 * Walk pages 1..last_page. Short (even empty) pages do not end the walk — only `last_page` does; `last_page: 0`
 * means an empty result. `last_page` is re-read from every page, so rows added meanwhile are still reached.
 * A `last_page` beyond MAX_PAGES or a page over MAX_PAGE_ITEMS fails the walk with TIKI_TOO_LARGE (limits.ts).
 */
export async function* walkPages<T>(fetchPage: (page: number) => Promise<TikiPage<T>>, route = 'page walk'): AsyncGenerator<TikiPage<T>> {
  for (let page = 1; ; page++) {
    const result = await fetchPage(page);
    checkPageItems('tiki', route, result.items.length);
    if (result.paging.last_page > MAX_PAGES) throw tooLarge('tiki', route, `last_page ${result.paging.last_page} (at most ${MAX_PAGES} pages are read)`);
    if (result.paging.last_page === 0 && result.items.length === 0) return;
    yield result;
    if (page >= result.paging.last_page) return;
  }
}
