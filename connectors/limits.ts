/**
 * Bounds on what a vendor controls: the size of one answer, how many pages a walk reads, how many items one page
 * holds. An answer over a bound fails its call with `<SYSTEM>_TOO_LARGE` (non-retryable): the job stops with that
 * code instead of the worker buffering or looping without end.
 */
import { ConnectorError, ConnectorSystem } from './errors';

/** Largest response body read (a full Haravan or Tiki page is a few hundred KiB). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Largest file read from a vendor (a label: a page or two of PDF, or an image). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Most pages one walk reads: 5,000 pages of 50 = 250,000 products or orders. */
export const MAX_PAGES = 5_000;
/** Most items one page may hold (the APIs cap pages at 50-250). */
export const MAX_PAGE_ITEMS = 1_000;

export function tooLarge(system: ConnectorSystem, route: string, what: string): ConnectorError {
  return new ConnectorError({ system, code: 'TOO_LARGE', route, message: `${route}: ${what}` });
}

/** Throws when a page holds more items than any real page does. */
export function checkPageItems(system: ConnectorSystem, route: string, count: number): void {
  if (count > MAX_PAGE_ITEMS) throw tooLarge(system, route, `a page of ${count} items (at most ${MAX_PAGE_ITEMS} accepted)`);
}

/** Throws when a walk is about to read page `page` beyond `max` (default MAX_PAGES). */
export function checkPageCount(system: ConnectorSystem, route: string, page: number, max = MAX_PAGES): void {
  if (page > max) throw tooLarge(system, route, `more than ${max} pages`);
}
