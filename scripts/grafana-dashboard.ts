/**
 * Writes `deploy/grafana/haravan-tiki-sync.json`: the Grafana dashboard of the metrics both processes expose
 * (the API's `/metrics` and the worker's `WORKER_METRICS_PORT`). The panels are declared here as data so the
 * dashboard is reviewed as code and `test/unit/deploy/grafana.test.ts` can check that every metric a panel
 * queries is one the service really registers. Run: `npx tsx scripts/grafana-dashboard.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface PanelSpec {
  title: string;
  unit: string;
  /** PromQL, one per series; `legend` is Grafana's legend format. */
  targets: { expr: string; legend: string }[];
  kind?: 'timeseries' | 'stat';
}

const rate = (m: string, by: string) => `sum by (${by}) (rate(${m}[5m]))`;
const quantile = (q: number, m: string, by = '') =>
  `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ''}) (rate(${m}_bucket[5m])))`;

/** Rows of panels: merchant-facing outcomes first, then the vendors, then the service's own machinery. */
export const ROWS: { title: string; panels: PanelSpec[] }[] = [
  {
    title: 'Connections and data',
    panels: [
      {
        title: 'Connections by state',
        unit: 'short',
        kind: 'stat',
        targets: [{ expr: 'sum by (state) (sync_connections)', legend: '{{state}}' }],
      },
      {
        title: 'Linked variants',
        unit: 'short',
        kind: 'stat',
        targets: [{ expr: 'max(sync_links)', legend: 'linked' }],
      },
      {
        title: 'Sync errors by code',
        unit: 'short',
        targets: [{ expr: 'sum by (code) (sync_errors{severity="error"})', legend: '{{code}}' }],
      },
      {
        title: 'Open failures by kind',
        unit: 'short',
        targets: [{ expr: 'sum by (kind) (sync_failures_open)', legend: '{{kind}}' }],
      },
    ],
  },
  {
    title: 'Stock and orders',
    panels: [
      {
        title: 'Stock propagation (Haravan change → Tiki confirmed)',
        unit: 's',
        targets: [
          { expr: quantile(0.5, 'sync_stock_propagation_seconds'), legend: 'p50' },
          { expr: quantile(0.95, 'sync_stock_propagation_seconds'), legend: 'p95' },
        ],
      },
      {
        title: 'Order intake (Tiki placed → Haravan created)',
        unit: 's',
        targets: [
          { expr: quantile(0.5, 'sync_order_intake_seconds'), legend: 'p50' },
          { expr: quantile(0.95, 'sync_order_intake_seconds'), legend: 'p95' },
        ],
      },
      {
        title: 'Orders imported per minute',
        unit: 'short',
        targets: [{ expr: 'sum(rate(sync_orders_imported_total[5m])) * 60', legend: 'imported/min' }],
      },
      {
        title: 'Orders by status',
        unit: 'short',
        targets: [
          { expr: 'sum by (status) (sync_orders)', legend: '{{status}}' },
          { expr: 'max(sync_orders_in_flight)', legend: 'in flight' },
        ],
      },
      {
        title: 'Tiki SKU writes by outcome',
        unit: 'reqps',
        targets: [{ expr: rate('sync_tiki_sku_writes_total', 'outcome'), legend: '{{outcome}}' }],
      },
    ],
  },
  {
    title: 'Haravan and Tiki calls',
    panels: [
      {
        title: 'Vendor calls by outcome',
        unit: 'reqps',
        targets: [{ expr: rate('vendor_http_requests_total', 'system, outcome'), legend: '{{system}} {{outcome}}' }],
      },
      {
        title: 'Vendor 429s',
        unit: 'reqps',
        targets: [{ expr: rate('vendor_http_rate_limited_total', 'system, route'), legend: '{{system}} {{route}}' }],
      },
      {
        title: 'Vendor call p95 by route',
        unit: 's',
        targets: [
          {
            expr: quantile(0.95, 'vendor_http_request_duration_seconds', 'system, route'),
            legend: '{{system}} {{route}}',
          },
        ],
      },
    ],
  },
  {
    title: 'API and worker',
    panels: [
      {
        title: 'API requests by status',
        unit: 'reqps',
        targets: [{ expr: 'sum by (status) (rate(api_request_duration_seconds_count[5m]))', legend: '{{status}}' }],
      },
      {
        title: 'API p95 by route',
        unit: 's',
        targets: [{ expr: quantile(0.95, 'api_request_duration_seconds', 'route'), legend: '{{route}}' }],
      },
      {
        title: 'Worker task slots available',
        unit: 'short',
        targets: [{ expr: 'sum by (worker_type) (temporal_worker_task_slots_available)', legend: '{{worker_type}}' }],
      },
      {
        title: 'Activity schedule-to-start p95 (backlog)',
        unit: 'ms',
        targets: [
          {
            expr: quantile(0.95, 'temporal_activity_schedule_to_start_latency', 'activity_type'),
            legend: '{{activity_type}}',
          },
        ],
      },
      {
        title: 'Worker memory (RSS)',
        unit: 'bytes',
        targets: [{ expr: 'max by (instance) (process_resident_memory_bytes)', legend: '{{instance}}' }],
      },
      {
        title: 'Worker CPU',
        unit: 'percentunit',
        targets: [{ expr: 'max by (instance) (rate(process_cpu_seconds_total[5m]))', legend: '{{instance}}' }],
      },
    ],
  },
];

/** The Grafana dashboard model (schemaVersion 39) built from ROWS, on a `prometheus` datasource variable. */
export function dashboard(): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of ROWS) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y: y++, w: 24, h: 1 },
      panels: [],
    });
    row.panels.forEach((p, i) => {
      const x = (i % 3) * 8;
      if (i > 0 && i % 3 === 0) y += 8;
      panels.push({
        id: id++,
        type: p.kind ?? 'timeseries',
        title: p.title,
        datasource: { type: 'prometheus', uid: '${datasource}' },
        gridPos: { x, y, w: 8, h: 8 },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        options: {},
        targets: p.targets.map((t, k) => ({
          refId: String.fromCharCode(65 + k),
          expr: t.expr,
          legendFormat: t.legend,
          datasource: { type: 'prometheus', uid: '${datasource}' },
        })),
      });
    });
    y += 8;
  }
  return {
    uid: 'haravan-tiki-sync',
    title: 'Haravan ⇄ Tiki sync',
    tags: ['haravan', 'tiki', 'temporal'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-24h', to: 'now' },
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }] },
    panels,
  };
}

export const DASHBOARD_FILE = path.resolve(__dirname, '../deploy/grafana/haravan-tiki-sync.json');

if (require.main === module) {
  fs.writeFileSync(DASHBOARD_FILE, JSON.stringify(dashboard(), null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), DASHBOARD_FILE)}`);
}
