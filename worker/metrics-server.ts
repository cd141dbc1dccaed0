/**
 * The worker's own `/metrics` (`WORKER_METRICS_PORT`): what the activities record in this process — stock
 * propagation and order intake latency histograms, imported orders, SKU writes, every Haravan/Tiki call by
 * route and outcome, 429s — plus Node process metrics, followed by the Temporal SDK's metrics (the SDK core
 * exports them on an internal loopback port; they are appended here so one scrape gets both).
 *
 * The API process serves its own `/metrics` (request histograms and gauges read from the store); see README.
 */
import http from 'node:http';
import net from 'node:net';
import client from 'prom-client';

let defaultsOn = false;

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export async function startWorkerMetricsServer(opts: { port: number; host?: string; sdkMetricsUrl?: string; onError?: (err: unknown) => void }): Promise<MetricsServer> {
  if (!defaultsOn) {
    defaultsOn = true;
    client.collectDefaultMetrics();
  }
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    void (async () => {
      try {
        let text = await client.register.metrics();
        if (opts.sdkMetricsUrl) {
          const sdk = await fetch(opts.sdkMetricsUrl, { signal: AbortSignal.timeout(5_000) }).then(
            (r) => (r.ok ? r.text() : ''),
            (err) => {
              opts.onError?.(err);
              return '';
            },
          );
          if (sdk) text = `${text.trimEnd()}\n${sdk}`;
        }
        res.writeHead(200, { 'Content-Type': client.register.contentType }).end(text);
      } catch (err) {
        opts.onError?.(err);
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A free loopback port (for the SDK core's internal Prometheus exporter). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
