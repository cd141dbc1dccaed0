/**
 * The link run's activities, one concern per file: run.ts (read both sides, apply domain/linking.ts, write in batches),
 * read-haravan.ts and read-tiki.ts (the two catalogues, pages concurrently), page-read.ts (in-place retries),
 * progress.ts (throttled progress), records.ts (outcomes as store rows). The pacing rules are in domain/link-run.ts.
 */
export { createLinkingActivities, WRITE_BATCH, type LinkingActivities, type LinkRunCounts } from './run';
export { HARAVAN_FETCH_CONCURRENCY } from './read-haravan';
export { TIKI_FETCH_CONCURRENCY } from './read-tiki';
export { readWithRetry } from './page-read';
