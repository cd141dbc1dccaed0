/**
 * Gauges the API process exports on its `/metrics`, read from the store (one aggregate query set, whatever the
 * number of connections) at most once per METRICS_CACHE_MS, however often it is scraped: connections by state, linked variants, sync errors by code and severity,
 * orders by status and in flight (not terminal), open failures by kind. Stock propagation and order intake
 * latency histograms live in the worker process (its own /metrics on WORKER_METRICS_PORT).
 */
import client from 'prom-client';
import { isTerminal } from '../domain/terms';
import type { Store } from '../store/store';

/** How long one read of the store's aggregates answers scrapes (Prometheus scrapes every 15 s or so; a few
 * seconds bound what a tight scrape loop or several scrapers cost the database). */
export const METRICS_CACHE_MS = 5_000;

let source: Store | undefined;
let cacheMs = METRICS_CACHE_MS;
let snapshot: { at: number; value: Promise<Awaited<ReturnType<Store['metricsSnapshot']>> | null> } | undefined;

/** One store read per METRICS_CACHE_MS, shared by every gauge's collect() (a failed read is not kept). */
function read() {
  const now = Date.now();
  if (!snapshot || now - snapshot.at >= cacheMs) {
    const entry = { at: now, value: (source ? source.metricsSnapshot() : Promise.resolve(null)).catch(() => null) };
    snapshot = entry;
    void entry.value.then((v) => {
      if (v === null && snapshot === entry) snapshot = undefined;
    });
  }
  return snapshot.value;
}

function gauge(name: string, help: string, labelNames: string[], fill: (g: client.Gauge<string>, s: NonNullable<Awaited<ReturnType<typeof read>>>) => void) {
  if (client.register.getSingleMetric(name)) return;
  new client.Gauge({
    name,
    help,
    labelNames,
    async collect() {
      const s = await read();
      this.reset();
      if (s) fill(this, s);
    },
  });
}

/** Point the gauges at this store (the latest API instance in the process wins). */
export function registerStoreGauges(store: Store, opts: { cacheMs?: number } = {}): void {
  source = store;
  cacheMs = opts.cacheMs ?? METRICS_CACHE_MS;
  snapshot = undefined;
  gauge('sync_connections', 'Connections by state', ['state'], (g, s) => s.connections.forEach((r) => g.set({ state: r.state }, r.n)));
  gauge('sync_links', 'Linked Haravan variants (all connections)', [], (g, s) => g.set(s.links));
  gauge('sync_errors', 'Current sync errors/warnings by code and severity', ['code', 'severity'], (g, s) => s.syncErrors.forEach((r) => g.set({ code: r.code, severity: r.severity }, r.n)));
  gauge('sync_orders', 'Imported Tiki orders by our status', ['status'], (g, s) => s.orders.forEach((r) => g.set({ status: r.status }, r.n)));
  gauge('sync_orders_in_flight', 'Tiki orders not yet in a terminal status (their order workflows are running)', [], (g, s) =>
    g.set(s.orders.filter((r) => !isTerminal(r.status)).reduce((n, r) => n + r.n, 0)),
  );
  gauge('sync_failures_open', 'Permanently failed items waiting for a retry, by kind', ['kind'], (g, s) => s.openFailures.forEach((r) => g.set({ kind: r.kind }, r.n)));
}
