/**
 * Benchmark: 200 Haravan products published to Tiki through the sandbox (issue 17), driven through the HTTP API on a
 * real Temporal dev server. Prints the product requests sent per minute against Tiki's budget, and what a request
 * waiting for Tiki's review costs the worker: activity slots held while waiting, history events per look and per
 * waiting day (timers, not a polling loop in one activity).
 * Run: `npm run bench:publish [-- products=200 reviewSeconds=90]` (see bench/README.md for the figures).
 */
import { tikiRequestsPerSecond } from '../activities/context';
import { DEFAULT_FOLLOW_UP, nextCheckDelayMs } from '../domain/publication/lifecycle';
import { publishDemoProducts } from '../sandbox/publish-demo';
import { connectBody, post, seedDemoShop } from '../test/helpers/seed';
import { eventually, startStack } from '../test/helpers/stack';
import { loadAverage, loadLine, percentile, runBench, sleep } from './lib/util';

/** Tiki's documented limit ("200 request / per second / per seller"); the sandbox enforces it. */
const TIKI_LIMIT_PER_SECOND = 200;
/** Each branch of the sandbox's category slice, with the attributes its leaf needs. */
const CHOICES: Record<string, { categoryId: number; attributes: Record<string, string> }> = {
  'Áo thun': { categoryId: 8371, attributes: { origin: 'Việt Nam' } },
  Gối: { categoryId: 1914, attributes: { origin: 'Việt Nam' } },
  'Tiểu thuyết': { categoryId: 842, attributes: { author: 'Nguyễn Nhật Ánh', publisher_vn: 'NXB Trẻ' } },
  'Nồi, chảo': { categoryId: 1952, attributes: { origin: 'Việt Nam' } },
};

/** Looks in the first waiting day and per later day, with the production schedule (2 min doubling to 2 h). */
function looksPerDay(): { firstDay: number; laterDay: number } {
  let t = 0;
  let n = 0;
  while (t + nextCheckDelayMs(n) <= 86_400_000) t += nextCheckDelayMs(n++);
  return { firstDay: n, laterDay: 86_400_000 / DEFAULT_FOLLOW_UP.maxMs };
}

async function main(): Promise<void> {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')) as [string, string][]);
  const count = Number(args.products ?? 200);
  const reviewSeconds = Number(args.reviewSeconds ?? 90);
  const loadBefore = loadAverage();
  // Looks every 2 s → 5 s in the bench (production: 2 min → 2 h): the same workflow code, time compressed.
  process.env.PUBLISH_FIRST_CHECK_MS = '2000';
  process.env.PUBLISH_MAX_CHECK_MS = '5000';
  const stack = await startStack({ tikiSandbox: { rateLimitPerSecond: TIKI_LIMIT_PER_SECOND } });
  try {
    const shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 5 });
    const locationId = shop.haravanSeed.locations[0].id;
    const ready = publishDemoProducts(Math.ceil(count * 2), { shopSlot: shop.shopId % 100_000, locationId }).filter((p) => p.tags.includes('publish-ready')).slice(0, count);
    const byType = new Map<string, number[]>();
    for (const body of ready) {
      const { product } = await post(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/products`, body);
      byType.set(body.product_type, [...(byType.get(body.product_type) ?? []), product.id]);
    }
    await fetch(`${stack.tiki.url}/_sandbox/product-requests/plans`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ default: { outcome: 'approve', afterSeconds: reviewSeconds } }) });
    const conn = (await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url))).body.id as string;

    const started = Date.now();
    let pubIds: string[] = [];
    for (const [type, ids] of byType) {
      const res = await stack.api('POST', `/v1/connections/${conn}/publications`, { productIds: ids, ...CHOICES[type] });
      if (res.status !== 202) throw new Error(`publish ${type}: ${res.status} ${JSON.stringify(res.body)}`);
      pubIds = pubIds.concat(res.body.items.map((p: { pubId: string }) => p.pubId));
    }
    const accepted = Date.now();
    const list = async () => (await stack.api('GET', `/v1/connections/${conn}/publications?limit=250`)).body.items as { pubId: string; state: string; trackId?: string; linked: boolean }[];
    await eventually(async () => (await list()).filter((p) => p.trackId).length === pubIds.length, 600_000, 250);
    const submitted = Date.now();

    // While Tiki reviews: sample every publish workflow for activities in flight.
    const workflowIds = pubIds.map((id) => `publish-${shop.shopId}-${id}-1`);
    const samples: number[] = [];
    for (let round = 0; round < 5 && Date.now() - started < (reviewSeconds - 10) * 1000; round++) {
      let busy = 0;
      for (const id of workflowIds) busy += (await stack.client.workflow.getHandle(id).describe()).raw.pendingActivities?.length ?? 0;
      samples.push(busy);
      await sleep(3000);
    }
    await eventually(async () => (await list()).every((p) => p.state === 'approved' && p.linked), 900_000, 1000);
    const done = Date.now();

    const perLook: number[] = [];
    const looks: number[] = [];
    const lengths: number[] = [];
    for (const id of workflowIds) {
      const history = await stack.client.workflow.getHandle(id).fetchHistory();
      const events = history.events ?? [];
      const checks = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'checkPublication');
      // Events from the first look's timer to the last look's completion = the waiting part of the history.
      const first = events.findIndex((e) => e.timerStartedEventAttributes);
      // …up to the last look's activity scheduled, started, completed and the workflow task after it.
      const last = events.lastIndexOf(checks.at(-1)!) + 3;
      looks.push(checks.length);
      lengths.push(events.length);
      if (checks.length > 0 && first >= 0) perLook.push((last - first + 1) / checks.length);
    }
    const eventsPerLook = percentile(perLook, 50);
    const { firstDay, laterDay } = looksPerDay();
    const budget = tikiRequestsPerSecond() * 60;
    const rpm = (pubIds.length / ((submitted - started) / 1000)) * 60;
    console.log(`products published              ${pubIds.length} (${byType.size} categories), review ${reviewSeconds} s each (approve), looks every 2 s → 5 s`);
    console.log(`API accepted all (pre-check)     ${((accepted - started) / 1000).toFixed(1)} s`);
    console.log(`all submitted to Tiki            ${((submitted - started) / 1000).toFixed(1)} s → ${rpm.toFixed(0)} requests/minute`);
    console.log(`Tiki budget                      this worker ${budget}/min (${tikiRequestsPerSecond()}/s per seller), Tiki ${TIKI_LIMIT_PER_SECOND * 60}/min documented; used ${((rpm / budget) * 100).toFixed(1)} % of ours`);
    console.log(`all approved, activated, linked  ${((done - started) / 1000).toFixed(1)} s after the first request`);
    console.log(`activity slots held while waiting ${samples.map((s) => `${s}/${pubIds.length}`).join(', ')} (sampled; a look lasts one HTTP call)`);
    console.log(`looks per request                p50 ${percentile(looks, 50)}, max ${Math.max(...looks)}; history p50 ${percentile(lengths, 50)} events (submit → link run → done)`);
    console.log(`history events per look          ${eventsPerLook.toFixed(1)} (timer + activity + workflow tasks)`);
    console.log(`history events per waiting day   production schedule: first day ${firstDay} looks ≈ ${Math.round(firstDay * eventsPerLook)} events, then ${laterDay} looks/day ≈ ${Math.round(laterDay * eventsPerLook)} events/day`);
    console.log(loadLine(loadBefore));
  } finally {
    await stack.stop();
  }
}

runBench(main);
