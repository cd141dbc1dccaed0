/**
 * How a link run works through a catalogue (the pairing rules themselves are in domain/linking.ts): when it reports
 * progress, how long a failed page read waits, which products' links a run may replace, and the variant total it
 * shows while it still reads.
 */

/** Progress goes to the store (the GET's fallback) at most once a second. */
export const PROGRESS_STORE_MIN_INTERVAL_MS = 1000;
/** Progress goes to the workflow (its live `progress` query) at most every max(3 s, elapsed / 8), plus phase changes. */
export const PROGRESS_SIGNAL_MIN_INTERVAL_MS = 3000;
export const PROGRESS_SIGNAL_ELAPSED_SHARE = 1 / 8;

export interface ProgressClock {
  now: number;
  startedAt: number;
  /** When progress last went to the store / to the workflow (0 = never). */
  storedAt: number;
  signalledAt: number;
  phase: string | undefined;
  /** The phase last signalled to the workflow. */
  signalledPhase: string | undefined;
  /** A phase boundary: report now, whatever the intervals. */
  force: boolean;
}

export interface ProgressDue {
  store: boolean;
  signal: boolean;
  /** Report before going on (a phase change or a forced report), instead of in the background. */
  urgent: boolean;
}

/**
 * Which progress reports are due. A phase change (except to `done`, which the workflow sets itself when the activity
 * returns) is signalled at once; otherwise the signal interval grows with the run time — about 15 signals for a
 * one-minute run, growing with the logarithm of the run time — so the history stays small whatever the catalogue.
 */
export function progressDue(c: ProgressClock): ProgressDue {
  const phaseChanged = c.phase !== c.signalledPhase && c.phase !== 'done';
  const signalInterval = Math.max(PROGRESS_SIGNAL_MIN_INTERVAL_MS, (c.now - c.startedAt) * PROGRESS_SIGNAL_ELAPSED_SHARE);
  const urgent = c.force || phaseChanged;
  return {
    store: urgent || c.now - c.storedAt >= PROGRESS_STORE_MIN_INTERVAL_MS,
    signal: phaseChanged || c.now - c.signalledAt >= signalInterval,
    urgent,
  };
}

/** Page reads retried in place (then the activity's own retry policy takes over). */
export const PAGE_ATTEMPTS = 5;
const PAGE_RETRY_BASE_MS = 1000;
const PAGE_RETRY_MAX_MS = 15_000;

/** Wait before retrying a page read after failed attempt `attempt` (1-based): doubling from 1 s, at least the vendor's Retry-After, at most 15 s. */
export function pageRetryDelayMs(attempt: number, retryAfterMs?: number): number {
  return Math.min(PAGE_RETRY_MAX_MS, Math.max(retryAfterMs ?? 0, PAGE_RETRY_BASE_MS * 2 ** (attempt - 1)));
}

/**
 * Which products' links and errors a whole-catalogue run replaces. Page listings can shift while they are read (a
 * product created or deleted between two page calls): duplicates are harmless, but a product skipped that way must
 * not lose its links. So unless exactly the counted number of distinct products was read, only the products read are
 * replaced.
 */
export function replaceScope(counted: number, productIdsRead: readonly number[]): { consistent: boolean; scope: number[] | 'all' } {
  const consistent = new Set(productIdsRead).size === counted;
  return { consistent, scope: consistent ? 'all' : [...new Set(productIdsRead)] };
}

/** The variant total shown while products are still read: extrapolated from the variants per product read so far, never below what was read. */
export function estimatedVariantTotal(variantsRead: number, productsRead: number, productsTotal: number): number {
  const estimate = productsRead > 0 ? Math.round((variantsRead / productsRead) * productsTotal) : 0;
  return Math.max(variantsRead, estimate);
}
