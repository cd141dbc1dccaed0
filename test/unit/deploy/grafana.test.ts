/**
 * The Grafana dashboard in deploy/grafana is generated from scripts/grafana-dashboard.ts and queries only
 * metrics the service registers, or (`temporal_*`) that the Temporal SDK core defines — its metric names are read
 * from the core's own sources shipped in @temporalio/core-bridge (a histogram appears in a scrape only once the
 * worker has recorded a value, so an idle worker's scrape cannot tell).
 */
import fs from 'node:fs';
import path from 'node:path';
import client from 'prom-client';
import { DASHBOARD_FILE, ROWS, dashboard } from '../../../scripts/grafana-dashboard';
import { dashboardMetricNames } from '../../helpers/dashboard-metrics';
import '../../../activities/metrics';
import '../../../connectors/metrics';
import { registerStoreGauges } from '../../../api/metrics';
import '../../../api/app';

test('the committed dashboard is the generated one', () => {
  expect(JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8'))).toEqual(dashboard());
});

test('every panel queries metrics the API or the worker registers', () => {
  client.collectDefaultMetrics();
  registerStoreGauges({} as never);
  const registered = new Set(client.register.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name));
  const ours = dashboardMetricNames().filter((n) => !n.startsWith('temporal_'));
  expect(ours.length).toBeGreaterThan(10);
  for (const name of ours) expect([name, registered.has(name)]).toEqual([name, true]);
});

test('every panel has a title, a unit and at least one query; panel ids are unique', () => {
  const d = dashboard() as { panels: { id: number }[] };
  expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
  for (const row of ROWS)
    for (const p of row.panels) {
      expect(p.title.length).toBeGreaterThan(3);
      expect(p.unit).toBeTruthy();
      expect(p.targets.length).toBeGreaterThan(0);
    }
});

test('every Temporal SDK series a panel queries is a metric the SDK core defines', () => {
  const crates = path.dirname(require.resolve('@temporalio/core-bridge/package.json')) + '/sdk-core/crates';
  const sources = ['common/src/telemetry/metrics.rs', 'sdk-core/src/telemetry/metrics.rs']
    .map((f) => fs.readFileSync(path.join(crates, f), 'utf8'))
    .join('\n');
  const sdk = dashboardMetricNames().filter((n) => n.startsWith('temporal_'));
  expect(sdk.length).toBeGreaterThan(0);
  for (const name of sdk) expect([name, sources.includes(`"${name.slice('temporal_'.length)}"`)]).toEqual([name, true]);
});
