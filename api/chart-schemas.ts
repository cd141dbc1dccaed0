/**
 * The overview charts (issue 19 item 4): `GET /v1/connections/:id/charts`, its query and answer (shape `Charts`,
 * uPlot's column layout: `t` in epoch seconds, one array per series, `null` = no value), and its path in /openapi.json
 * (`registerChartPaths`, passed to buildOpenApi). The series rules are domain/overview-charts.ts.
 */
import { z } from 'zod';
import { CHART_DEFAULT_HOURS, CHART_MAX_HOURS, COMPLETENESS_VERDICTS } from '../domain/overview-charts';
import { ConnectionIdParams, type PathRegistrar } from './schemas';

export const ChartsQuery = z.object({ hours: z.coerce.number().int().min(1).max(CHART_MAX_HOURS).default(CHART_DEFAULT_HOURS) }).strict();

const column = z.array(z.number());
const gaps = z.array(z.number().nullable());
const LatencySeriesSchema = z.object({ t: column, p50: gaps, p95: gaps, samples: column });

export const ChartsSchema = z
  .object({
    hours: z.number(),
    generatedAt: z.string(),
    stockLatency: LatencySeriesSchema.openapi({ description: 'Stock latency (poll saw the Haravan change → Tiki confirmed the write), ms, p50/p95 per bucket' }),
    orderLatency: LatencySeriesSchema.openapi({ description: 'Order intake latency (Tiki order placed → Haravan order created), ms, p50/p95 per bucket' }),
    ordersPerDay: z
      .object({ t: column, imported: column, verdict: z.array(z.enum(COMPLETENESS_VERDICTS).nullable()) })
      .openapi({ description: 'Orders imported per Vietnam day (UTC+7), the last 14, and the worst completeness verdict of each day (null: no check)' }),
    writesPerHour: z.object({ t: column, writes: column, rejected: column }).openapi({ description: 'Tiki SKU writes confirmed and refused per UTC hour' }),
  })
  .openapi('Charts');

export const registerChartPaths: PathRegistrar = (add) => {
  add('get', '/v1/connections/{id}/charts', 'The overview charts: stock and order intake latency, orders per day with the completeness verdict, Tiki writes per hour', {
    params: ConnectionIdParams,
    query: ChartsQuery,
    ok: [200, 'chart series', ChartsSchema],
    errors: { 404: 'NOT_FOUND' },
  });
};
