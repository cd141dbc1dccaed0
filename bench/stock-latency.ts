/**
 * Benchmark (a): propagation latency of single Haravan inventory changes on a connection with ~1,000 linked
 * variants, measured from the outside: the time between the control-API stock edit on the Haravan sandbox and the
 * moment the Tiki sandbox stores the new quantity (polled every 25 ms). Targets: p50 ≤ 1.5 s, p95 ≤ 3 s.
 * Also prints the service's own figures from `GET /v1/connections/:id` (seen → confirmed, change → confirmed).
 *
 * Run: `npx tsx bench/stock-latency.ts [variants=1000] [samples=40] [pollIntervalSeconds=config default]`
 */
import { DEFAULT_CONFIG } from '../domain/config';
import { denyTarget, fmt, setupStockBench } from './lib/stock-setup';
import { loadAverage, percentile, sleep, runBench, loadLine } from './lib/util';

async function main(): Promise<void> {
  const variants = Number(process.argv[2] ?? 1000);
  const samples = Number(process.argv[3] ?? 40);
  const pollIntervalSeconds = Number(process.argv[4] ?? DEFAULT_CONFIG.pollIntervalSeconds);
  const loadBefore = loadAverage();
  const b = await setupStockBench({ variants, seed: 1_000, config: { pollIntervalSeconds } });
  try {
    const candidates = b.linked.filter((l) => l.tracked && l.policy === 'deny');
    if (candidates.length === 0) throw new Error('no tracked deny variant linked');
    const latencies: number[] = [];
    const misses: string[] = [];
    // Deterministic pseudo-random order and spacing (so runs compare), desynchronised from the poll phase.
    let r = 12345;
    const rnd = () => ((r = (r * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < samples; i++) {
      const v = candidates[Math.floor(rnd() * candidates.length)];
      const before = (await b.tikiSku(v.barcode)).stocks.find((s) => s.warehouse_id === b.warehouseId)?.quantity_available;
      let onHand = v.onHand + 1 + Math.floor(rnd() * 20);
      if (denyTarget(onHand, v.committed) === before) onHand++;
      const want = denyTarget(onHand, v.committed);
      const t0 = Date.now();
      await b.setOnHand(v.variantId, onHand);
      v.onHand = onHand;
      let got: number | undefined;
      for (;;) {
        got = (await b.tikiSku(v.barcode)).stocks.find((s) => s.warehouse_id === b.warehouseId)?.quantity_available;
        if (got === want) break;
        if (Date.now() - t0 > 30_000) break;
        await sleep(25);
      }
      if (got === want) latencies.push(Date.now() - t0);
      else misses.push(`${v.variantId}: want ${want}, Tiki ${got}`);
      // A random phase against the poll cycle: after a confirmation the poll has just run, so wait a uniform share of it.
      await sleep(100 + Math.floor(rnd() * pollIntervalSeconds * 1000));
    }
    const conn = await b.api('GET', `/v1/connections/${b.connectionId}`);
    const lines = [
      `stock-latency benchmark (${new Date().toISOString()})`,
      `linked variants               ${b.linked.length} of ${variants} (setup ${fmt(b.setupSeconds, 1)} s)`,
      `poll interval                 ${pollIntervalSeconds} s`,
      `samples                       ${latencies.length} confirmed, ${misses.length} not within 30 s${misses.length ? ` (${misses.slice(0, 3).join('; ')})` : ''}`,
      `Haravan edit → Tiki stored ms p50 ${percentile(latencies, 50)}  p95 ${percentile(latencies, 95)}  max ${Math.max(...latencies)}  min ${Math.min(...latencies)}   (targets p50 ≤ 1500, p95 ≤ 3000)`,
      `service: seen → confirmed ms  p50 ${conn.latency?.stockP50Ms}  p95 ${conn.latency?.stockP95Ms}  (samples ${conn.latency?.samples})`,
      `service: change → confirmed   p50 ${conn.latency?.stockFromChangeP50Ms}  p95 ${conn.latency?.stockFromChangeP95Ms}  (Haravan updated_at → Tiki approved)`,
      loadLine(loadBefore),
    ];
    console.log(lines.join('\n'));
  } finally {
    await b.stop();
  }
}

runBench(main);
