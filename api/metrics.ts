/**
 * Gauges the API process exports on its `/metrics`, read from the store at scrape time (one aggregate query set,
 * whatever the number of connections): connections by state, linked variants, sync errors by code and severity,
 * orders by status and in flight (not terminal), open failures by kind. Stock propagation and order intake
 * latency histograms live in the worker process (its own /metrics on WORKER_METRICS_PORT).
 */
import client from 'prom-client';
import { isTerminal } from '../domain/terms';
import type { Store } from '../store/store';

let source: Store | undefined;
let snapshot: Promise<Awaited<ReturnType<Store['metricsSnapshot']>> | null> | undefined;

/** One store read per scrape, shared by every gauge's collect(). */
function read() {
  snapshot ??= (source ? source.metricsSnapshot() : Promise.resolve(null))
    .catch(() => null)
    .finally(() => setImmediate(() => (snapshot = undefined)));
  return snapshot;
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
export function registerStoreGauges(store: Store): void {
  source = store;
  gauge('sync_connections', 'Connections by state', ['state'], (g, s) => s.connections.forEach((r) => g.set({ state: r.state }, r.n)));
  gauge('sync_links', 'Linked Haravan variants (all connections)', [], (g, s) => g.set(s.links));
  gauge('sync_errors', 'Current sync errors/warnings by code and severity', ['code', 'severity'], (g, s) => s.syncErrors.forEach((r) => g.set({ code: r.code, severity: r.severity }, r.n)));
  gauge('sync_orders', 'Imported Tiki orders by our status', ['status'], (g, s) => s.orders.forEach((r) => g.set({ status: r.status }, r.n)));
  gauge('sync_orders_in_flight', 'Tiki orders not yet in a terminal status (their order workflows are running)', [], (g, s) =>
    g.set(s.orders.filter((r) => !isTerminal(r.status)).reduce((n, r) => n + r.n, 0)),
  );
  gauge('sync_failures_open', 'Permanently failed items waiting for a retry, by kind', ['kind'], (g, s) => s.openFailures.forEach((r) => g.set({ kind: r.kind }, r.n)));
}
