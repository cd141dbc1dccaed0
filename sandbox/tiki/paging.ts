/**
 * Tiki paging: `{ total, current_page, from, to, per_page, last_page }`, `last_page: 0` when empty.
 *
 * With `shortPages` on, odd pages hold only half of `limit` rows (Tiki's v1 docs warn pages may be shorter than
 * `limit` without data loss): page boundaries move, `last_page` accounts for it, and nothing is lost — a client
 * that stops at the first short page misses rows, one that walks to `last_page` sees them all.
 */
export interface Paging {
  total: number;
  current_page: number;
  from: number;
  to: number;
  per_page: number;
  last_page: number;
}

export interface PageOptions {
  page: number;
  limit: number;
  shortPages?: boolean;
  /** Tiki's product listings count `from` from 0, order listings from 1. */
  zeroBasedFrom?: boolean;
}

function pageSize(page: number, limit: number, short: boolean): number {
  return short && page % 2 === 1 ? Math.max(1, Math.floor(limit / 2)) : limit;
}

export function paginate<T>(rows: readonly T[], opts: PageOptions): { data: T[]; paging: Paging } {
  const { page, limit } = opts;
  const short = opts.shortPages ?? false;
  let start = 0;
  let lastPage = 0;
  let pageStart = -1;
  let pageEnd = -1;
  for (let p = 1; start < rows.length; p++) {
    const end = Math.min(rows.length, start + pageSize(p, limit, short));
    if (p === page) {
      pageStart = start;
      pageEnd = end;
    }
    lastPage = p;
    start = end;
  }
  const data = pageStart >= 0 ? rows.slice(pageStart, pageEnd) : [];
  const base = opts.zeroBasedFrom ? 0 : 1;
  return {
    data,
    paging: {
      total: rows.length,
      current_page: page,
      from: data.length ? pageStart + base : 0,
      to: data.length ? pageEnd - 1 + base : 0,
      per_page: limit,
      last_page: lastPage,
    },
  };
}
