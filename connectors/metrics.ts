/**
 * Prometheus metrics of every Haravan and Tiki call, recorded in one place (`sendHttp`), in whichever process
 * makes the call (the worker's activities; the API's connection sources read). Labels are bounded: `system`,
 * the templated `route` (e.g. `GET /com/products/{id}.json`, never an id) and `outcome`.
 */
import client from 'prom-client';

function counter(name: string, help: string, labelNames: string[]) {
  return (client.register.getSingleMetric(name) as client.Counter<string> | undefined) ?? new client.Counter({ name, help, labelNames });
}

export const vendorRequests = counter('vendor_http_requests_total', 'Haravan/Tiki HTTP calls by route and outcome (2xx, 4xx, 429, 5xx, timeout, network)', ['system', 'route', 'outcome']);
export const vendorRateLimited = counter('vendor_http_rate_limited_total', 'Haravan/Tiki answers with status 429 (each one, including those retried)', ['system', 'route']);
export const vendorDuration =
  (client.register.getSingleMetric('vendor_http_request_duration_seconds') as client.Histogram<string> | undefined) ??
  new client.Histogram({
    name: 'vendor_http_request_duration_seconds',
    help: 'Haravan/Tiki HTTP call duration (until the body is read)',
    labelNames: ['system', 'route'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20],
  });

export function outcomeOf(status: number): string {
  if (status === 429) return '429';
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  return '5xx';
}

/** Record one finished call (status) or one that never got an answer (`timeout` / `network`). */
export function recordVendorCall(system: string, route: string, result: number | 'timeout' | 'network' | 'too_large', seconds: number): void {
  const outcome = typeof result === 'number' ? outcomeOf(result) : result;
  vendorRequests.inc({ system, route, outcome });
  vendorDuration.observe({ system, route }, seconds);
  if (result === 429) vendorRateLimited.inc({ system, route });
}
