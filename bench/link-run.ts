/**
 * Benchmark: one product link run over a large catalogue (default 20,000 Haravan variants) against the in-process
 * sandboxes at the real rate limits, driven through the HTTP API on a real Temporal dev server, compared with the
 * rate-limit floor. Run: `npx tsx bench/link-run.ts [variants] [--poll-interval=seconds]` (see bench/README.md for the formula and figures).
 */
import { generateCatalogue } from '../sandbox/demo-data';
import { startStack } from '../test/helpers/stack';
import { post, get } from '../test/helpers/seed';
import { linkRunWorkflowId } from '../workflows/ids';
import { DEFAULT_TIKI_REQUESTS_PER_SECOND, tikiRequestsPerSecond } from '../activities/context';
import { HARAVAN_BUCKET_SIZE, HARAVAN_LEAK_PER_SECOND } from '../connectors/haravan/rate-limiter';
import { loadAverage, percentile, sleep, runBench, loadLine } from './lib/util';

/** Tiki's documented limit ("200 request / per second / per seller"); the sandbox enforces it. */
const TIKI_LIMIT_PER_SECOND = 200;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const variantCount = Number(args.find((a) => /^\d+$/.test(a)) ?? 20_000);
  // --poll-interval=N sets the connection's Haravan delta-poll interval (default: the service default, 2 s), whose
  // calls share the shop's bucket with the link run.
  const pollArg = args.find((a) => a.startsWith('--poll-interval='));
  const pollIntervalSeconds = pollArg ? Number(pollArg.split('=')[1]) : undefined;
  const seed = 20_000;
  const shopId = 210000000000 + (Date.now() % 100000);
  const sellerId = 900000 + (shopId % 100000);
  const accessToken = `bench-${shopId}`;
  const tikiCreds = { clientId: `bench-client-${shopId}`, clientSecret: `bench-secret-${shopId}` };
  const locationId = 4_000_000_001;
  const warehouseId = 4_000_001;
  const loadBefore = loadAverage();

  const stack = await startStack({
    haravanSandbox: { bucketSize: HARAVAN_BUCKET_SIZE, leakPerSecond: HARAVAN_LEAK_PER_SECOND },
    tikiSandbox: { rateLimitPerSecond: TIKI_LIMIT_PER_SECOND },
  });
  try {
    const catalogue = generateCatalogue(variantCount, seed, { locationIds: [locationId], warehouseIds: [warehouseId] });
    const variants = catalogue.haravanProducts.reduce((n, p) => n + p.variants.length, 0);
    await post(`${stack.haravan.url}/_sandbox/shops`, {
      shop: { id: shopId, name: 'Benchmark shop' },
      accessToken,
      locations: [{ id: locationId, name: 'Kho tổng', is_primary: true }],
      products: catalogue.haravanProducts,
    });
    await post(`${stack.tiki.url}/_sandbox/sellers`, {
      seller: { id: sellerId, name: 'Benchmark seller' },
      ...tikiCreds,
      warehouses: [{ id: warehouseId, name: 'Kho HCM', is_primary: true }],
      products: catalogue.tikiProducts,
    });
    const conn = `conn-${shopId}`;
    const created = await stack.api('POST', '/v1/connections', {
      shopId,
      haravan: { accessToken, baseUrl: stack.haravan.url },
      tiki: { ...tikiCreds, baseUrl: stack.tiki.url },
      ...(pollIntervalSeconds ? { config: { pollIntervalSeconds } } : {}),
    });
    if (created.status !== 201) throw new Error(`connect failed: ${created.status} ${JSON.stringify(created.body)}`);

    // Start from an empty Haravan bucket (the floor assumes it) and clean call logs.
    const rateLimitUrl = `${stack.haravan.url}/_sandbox/shops/${shopId}/rate-limit`;
    for (let i = 0; i < 100 && (await get(rateLimitUrl)).level > 0.5; i++) await sleep(250);
    await fetch(rateLimitUrl, { method: 'DELETE' });
    await fetch(`${stack.haravan.url}/_sandbox/calls`, { method: 'DELETE' });
    await fetch(`${stack.tiki.url}/_sandbox/calls`, { method: 'DELETE' });

    const t0 = Date.now();
    const started = await stack.api('POST', `/v1/connections/${conn}/link-runs`, { all: true });
    if (started.status !== 202) throw new Error(`link run refused: ${started.status} ${JSON.stringify(started.body)}`);
    const runId: string = started.body.runId;
    const samples: { at: number; phase?: string; processed: number; total: number }[] = [];
    const pollLatency: number[] = [];
    let run: any;
    for (;;) {
      const q0 = Date.now();
      run = (await stack.api('GET', `/v1/connections/${conn}/link-runs/${runId}`)).body;
      pollLatency.push(Date.now() - q0);
      samples.push({ at: Date.now() - t0, phase: run.phase, processed: run.processed, total: run.total });
      if (run.state !== 'running') break;
      await sleep(500);
    }
    const runSeconds = (Date.now() - t0) / 1000;
    if (run.state !== 'completed') throw new Error(`link run ${run.state}: ${JSON.stringify(run.error)}`);

    const handle = stack.client.workflow.getHandle(linkRunWorkflowId(shopId, runId));
    const desc = await handle.describe();
    const workflowSeconds = ((desc.closeTime?.getTime() ?? Date.now()) - desc.startTime.getTime()) / 1000;
    const history = await handle.fetchHistory();
    const events = history.events?.length ?? 0;
    const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    const started_ = (history.events ?? []).map((e) => e.activityTaskStartedEventAttributes).filter((a) => a);
    const attempts = Math.max(0, ...started_.map((a) => a!.attempt ?? 1));
    const lastFailure = started_.map((a) => a!.lastFailure?.message).find((m) => m);

    const audit = (await stack.store.auditLog(conn, 20)).find((a) => a.action === 'link-run' && (a.details as { runId?: string })?.runId === runId);
    const details = (audit?.details ?? {}) as { calls?: { haravan: number; tiki: number }; timings?: { fetchMs: number; computeMs: number; writeMs: number; upsertMs?: number; deleteMs?: number; errorsMs?: number } };
    const calls = details.calls ?? { haravan: NaN, tiki: NaN };
    const timings = { fetchMs: NaN, computeMs: NaN, writeMs: NaN, upsertMs: NaN, deleteMs: NaN, errorsMs: NaN, ...details.timings };
    const haravanAll = (await get(`${stack.haravan.url}/_sandbox/calls`)).total as number;
    const tikiAll = (await get(`${stack.tiki.url}/_sandbox/calls`)).total as number;
    const bucket = await get(rateLimitUrl);

    // Floor: Haravan's leaky bucket admits a burst of `bucket` calls, then `leak` per second; Tiki admits its limit per
    // second. The two APIs are independent and read concurrently, so the floor is the slower of the two.
    const haravanFloor = Math.max(0, calls.haravan - HARAVAN_BUCKET_SIZE) / HARAVAN_LEAK_PER_SECOND;
    const tikiFloor = calls.tiki / TIKI_LIMIT_PER_SECOND;
    const floor = Math.max(haravanFloor, tikiFloor);
    const haravanFloorAll = Math.max(0, haravanAll - HARAVAN_BUCKET_SIZE) / HARAVAN_LEAK_PER_SECOND;
    const processedSeen = new Set(samples.filter((s) => s.processed > 0 && s.processed < s.total).map((s) => s.processed)).size;
    const phases = [...new Set(samples.map((s) => s.phase).filter(Boolean))];
    const phaseStart = (p: string) => samples.find((s) => s.phase === p)?.at;
    const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

    const lines = [
      `link-run benchmark (${new Date().toISOString()})`,
      `variants                      ${variants} (${catalogue.haravanProducts.length} Haravan products, ${catalogue.tikiProducts.length} Tiki SKUs)`,
      `result                        linked ${run.linked}, errors ${run.errors}, warnings ${run.warnings}, processed ${run.processed}/${run.total}`,
      `connection config             Haravan delta poll every ${created.body.config?.pollIntervalSeconds ?? '?'} s (stock sync, shares the shop's bucket)`,
      `limits                        Haravan bucket ${HARAVAN_BUCKET_SIZE} + ${HARAVAN_LEAK_PER_SECOND}/s; Tiki ${TIKI_LIMIT_PER_SECOND}/s (documented); client Tiki budget ${tikiRequestsPerSecond()}/s (default ${DEFAULT_TIKI_REQUESTS_PER_SECOND})`,
      `Haravan calls (link run)      ${calls.haravan}   (all calls to the shop during the run, incl. background polling: ${haravanAll}; sandbox throttled ${bucket.throttled})`,
      `Tiki calls (link run)         ${calls.tiki}   (all calls to the seller during the run: ${tikiAll})`,
      `floor seconds                 ${fmt(floor)}  = max(Haravan (${calls.haravan} − ${HARAVAN_BUCKET_SIZE}) / ${HARAVAN_LEAK_PER_SECOND} = ${fmt(haravanFloor)}, Tiki ${calls.tiki} / ${TIKI_LIMIT_PER_SECOND} = ${fmt(tikiFloor)})`,
      `run seconds                   ${fmt(runSeconds)}  (POST → GET shows completed; workflow start → close ${fmt(workflowSeconds)})`,
      `ratio run / floor             ${fmt(runSeconds / floor)}x   (target ≤ 1.2x)`,
      `ratio vs floor of all calls   ${fmt(runSeconds / Math.max(haravanFloorAll, tikiFloor))}x   (floor counting background Haravan calls too: ${fmt(haravanFloorAll)} s)`,
      `activity phases seconds       fetch ${fmt(timings.fetchMs / 1000)}, compute ${fmt(timings.computeMs / 1000)}, write ${fmt(timings.writeMs / 1000)} (links ${fmt(timings.upsertMs / 1000)}, unlink ${fmt(timings.deleteMs / 1000)}, sync errors ${fmt(timings.errorsMs / 1000)})`,
      `workflow history events       ${events} (${signals} progress signals; link activity attempts ${attempts}${lastFailure ? `, last failure: ${lastFailure}` : ''})`,
      `live progress                 phases seen ${phases.join(' → ')}; writing from ${fmt((phaseStart('writing') ?? NaN) / 1000)} s; ${processedSeen} intermediate processed values in ${samples.length} polls`,
      `GET link-run latency ms       p50 ${percentile(pollLatency, 50)}  p95 ${percentile(pollLatency, 95)}  max ${Math.max(...pollLatency)}`,
      loadLine(loadBefore),
    ];
    console.log(lines.join('\n'));
  } finally {
    await stack.stop();
  }
}

runBench(main);
