/** Business metrics recorded by activities (exported by the worker's /metrics). */
import client from 'prom-client';
import { percentile } from '../domain/overview-charts';

function histogram(name: string, help: string, buckets: number[], labelNames: string[] = []) {
  const existing = client.register.getSingleMetric(name);
  if (existing) return existing as client.Histogram<string>;
  return new client.Histogram({ name, help, buckets, labelNames });
}

function counter(name: string, help: string, labelNames: string[] = []) {
  const existing = client.register.getSingleMetric(name);
  if (existing) return existing as client.Counter<string>;
  return new client.Counter({ name, help, labelNames });
}

export const stockPropagationHistogram = histogram(
  'sync_stock_propagation_seconds',
  'Haravan stock change seen → Tiki write confirmed',
  [0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60],
);
export const orderIntakeHistogram = histogram(
  'sync_order_intake_seconds',
  'Tiki order placed → Haravan order created',
  [0.5, 1, 2, 3, 5, 10, 30, 60, 300],
);
export const ordersImportedCounter = counter('sync_orders_imported_total', 'Tiki orders imported into Haravan');
export const skuWritesCounter = counter('sync_tiki_sku_writes_total', 'Tiki SKU write calls', ['outcome']);

/** Recent latencies per connection, for the API's measured p50/p95. */
export class LatencyTracker {
  private samples = new Map<string, number[]>();
  constructor(private readonly keep = 200) {}

  record(key: string, ms: number): void {
    const list = this.samples.get(key) ?? [];
    list.push(ms);
    if (list.length > this.keep) list.shift();
    this.samples.set(key, list);
  }

  forget(key: string): void {
    this.samples.delete(key);
  }

  get size(): number {
    return this.samples.size;
  }

  percentiles(key: string): { p50: number; p95: number; n: number } | null {
    const list = this.samples.get(key);
    if (!list || list.length === 0) return null;
    const sorted = [...list].sort((a, b) => a - b);
    return { p50: percentile(sorted, 0.5)!, p95: percentile(sorted, 0.95)!, n: sorted.length };
  }
}
