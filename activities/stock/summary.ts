/**
 * What a push did, summed over its steps, and how it is recorded on the connection: the last push, and the
 * propagation latency of the changes the poll found.
 *
 * Latency: `seen → confirmed` is measured from the moment the poll's answer listing the change arrived to the
 * moment Tiki approved the write; `change → confirmed` from Haravan's own `updated_at` of the change (includes
 * the polling delay; depends on Haravan's clock). Only changes found by the poll count: pushes caused by config
 * changes, push now or reconciliation are not propagation.
 */
import type { StockDeps } from './types';

export interface PushSummary {
  considered: number;
  pushed: number;
  skipped: number;
  failed: number;
  /** Dropped because a fresher value for the same SKU was already confirmed. */
  superseded: number;
  tikiWriteCalls: number;
  tikiReadCalls: number;
  priceBlocked: number;
  latenciesMs: number[];
}

export const emptySummary = (): PushSummary => ({
  considered: 0,
  pushed: 0,
  skipped: 0,
  failed: 0,
  superseded: 0,
  tikiWriteCalls: 0,
  tikiReadCalls: 0,
  priceBlocked: 0,
  latenciesMs: [],
});

export function merge(a: PushSummary, b: PushSummary): PushSummary {
  return {
    considered: a.considered + b.considered,
    pushed: a.pushed + b.pushed,
    skipped: a.skipped + b.skipped,
    failed: a.failed + b.failed,
    superseded: a.superseded + b.superseded,
    tikiWriteCalls: a.tikiWriteCalls + b.tikiWriteCalls,
    tikiReadCalls: a.tikiReadCalls + b.tikiReadCalls,
    priceBlocked: a.priceBlocked + b.priceBlocked,
    latenciesMs: [...a.latenciesMs, ...b.latenciesMs].slice(-1000),
  };
}

/** Record a finished push on the connection (the last push when it wrote or failed, the latency percentiles). */
export async function finish(deps: Pick<StockDeps, 'store' | 'latency'>, connectionId: string, s: PushSummary): Promise<PushSummary> {
  const { store, latency } = deps;
  if (s.pushed + s.failed > 0) {
    await store.setLastStockPush(connectionId, { at: new Date().toISOString(), pushed: s.pushed, skipped: s.skipped, failed: s.failed });
  }
  if (s.latenciesMs.length > 0) {
    const seen = latency.seen.percentiles(connectionId);
    const change = latency.change.percentiles(connectionId);
    const values: Record<string, number> = {};
    if (seen) Object.assign(values, { stockLatencyP50Ms: seen.p50, stockLatencyP95Ms: seen.p95, stockLatencySamples: seen.n });
    if (change) Object.assign(values, { stockChangeLatencyP50Ms: change.p50, stockChangeLatencyP95Ms: change.p95 });
    await store.setCounters(connectionId, values);
  }
  return s;
}
