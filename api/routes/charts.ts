/**
 * `GET /v1/connections/:id/charts?hours=24`: the overview's series, read from the store (store/repos/charts.ts) and
 * shaped by domain/overview-charts.ts. 404 NOT_FOUND for an unknown connection; works for an ended one too (history).
 */
import { Router } from 'express';
import { CHART_DAYS, DAY_MS, HOUR_MS, latencySeries, orderIntakeLatencyMs, ordersPerDay, vietnamDayStart, writesPerHour } from '../../domain/overview-charts';
import { ChartsQuery } from '../chart-schemas';
import { ApiDeps, parse } from '../context';
import { ConnectionIdParams } from '../schemas';
import { connectionAccess } from './connection-access';

export function chartRoutes(deps: ApiDeps): Router {
  const { load } = connectionAccess(deps);
  const r = Router();

  r.get('/connections/:id/charts', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const { hours } = parse(ChartsQuery, req.query);
    await load(id);
    const now = Date.now();
    // One bucket before the window's first, so a bucket cut by the window edge is read whole.
    const hoursSince = new Date(Math.floor(now / HOUR_MS) * HOUR_MS - hours * HOUR_MS);
    const daysSince = new Date(vietnamDayStart(now) - CHART_DAYS * DAY_MS);
    const inputs = await deps.store.chartInputs(id, hoursSince, daysSince);
    const intake = inputs.intake.map((o) => ({ at: o.importedAt, ms: orderIntakeLatencyMs(o.placedAt, o.importedAt) }));
    res.json({
      hours,
      generatedAt: new Date(now).toISOString(),
      stockLatency: latencySeries(inputs.stockLatency, now, hours),
      orderLatency: latencySeries(intake, now, hours),
      ordersPerDay: ordersPerDay(inputs.imports, inputs.checks, now),
      writesPerHour: writesPerHour(inputs.writes, now, hours),
    });
  });
  return r;
}
