/**
 * Benchmark (c): Tiki write calls per changed variant, counted by the Tiki sandbox (`PUT updateSku` +
 * `PUT updateSkus`), on a connection with ~1,000 linked variants, in four situations:
 *  1. single changes, one at a time (each waits until Tiki has it);
 *  2. bursts: ten edits in a row to each of 20 variants (coalescing: one write of the latest value);
 *  3. a mass change: 300 variants edited at once (batched after reading Tiki's warehouse rows back);
 *  4. a config change (safety stock) that moves every tracked variant (a full pass, batched).
 * Each situation waits until Tiki holds every expected value, then one more poll interval for stray writes.
 *
 * Run: `npx tsx bench/stock-writes.ts [variants=1000]`
 */
import { DEFAULT_CONFIG } from '../domain/config';
import { denyTarget, fmt, setupStockBench, StockBench } from './lib/stock-setup';
import { loadAverage, sleep, runBench, loadLine } from './lib/util';

async function waitFor(b: StockBench, expected: Map<string, number>, timeoutMs = 120_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const skus = await b.tikiSkus();
    let missing = 0;
    for (const [code, q] of expected) {
      if (skus.get(code)?.stocks.find((s) => s.warehouse_id === b.warehouseId)?.quantity_available !== q) missing++;
    }
    if (missing === 0) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${missing} of ${expected.size} values never reached Tiki`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  const variants = Number(process.argv[2] ?? 1000);
  const loadBefore = loadAverage();
  const b = await setupStockBench({ variants, seed: 3_000 });
  const settle = () => sleep(DEFAULT_CONFIG.pollIntervalSeconds * 1000 * 2);
  try {
    const deny = b.linked.filter((l) => l.tracked && l.policy === 'deny');
    const rows: string[] = [];
    const measure = async (name: string, changed: number, act: () => Promise<Map<string, number>>) => {
      await settle();
      await b.resetCalls();
      const t0 = Date.now();
      const expected = await act();
      await waitFor(b, expected);
      const ms = Date.now() - t0;
      await settle();
      const w = await b.tikiWrites();
      const calls = w.single + w.batch;
      if (w.single > changed) {
        // More single writes than changed variants: show each SKU written more than once, or not changed at all.
        const byProductId = new Map([...(await b.tikiSkus()).entries()].map(([code, x]) => [String(x.product_id), code]));
        const skuOf = (body: string) => {
          const id = /"product_id":"?(\d+)/.exec(body)?.[1];
          return (id && byProductId.get(id)) ?? /"original_sku":"([^"]+)"/.exec(body)?.[1] ?? body.slice(0, 80);
        };
        const bySku = new Map<string, string[]>();
        for (const body of w.bodies) bySku.set(skuOf(body), [...(bySku.get(skuOf(body)) ?? []), body]);
        const changedSkus = new Set([...expected.keys()]);
        for (const [sku, bodies] of bySku) {
          if (bodies.length > 1 || !changedSkus.has(sku)) rows.push(`   extra: ${sku} written ${bodies.length}× (${changedSkus.has(sku) ? 'changed' : 'NOT changed'}): ${bodies.map((x) => x.slice(0, 160)).join(' | ')}`);
        }
      }
      rows.push(
        `${name.padEnd(44)} changed ${String(changed).padStart(4)}  writes ${String(calls).padStart(4)} (${w.batch} batch, ${w.single} single, ${w.rejected} rejected)  ` +
          `writes/variant ${fmt(calls / changed, 3)}  Tiki list calls ${w.reads}  all on Tiki in ${fmt(ms / 1000, 2)} s`,
      );
    };

    // 1. single changes
    const singles = deny.slice(0, 20);
    await measure('1. single changes, one at a time', singles.length, async () => {
      const expected = new Map<string, number>();
      for (const v of singles) {
        v.onHand += 5;
        await b.setOnHand(v.variantId, v.onHand);
        const q = denyTarget(v.onHand, v.committed);
        await waitFor(b, new Map([[v.barcode, q]]));
        expected.set(v.barcode, q);
      }
      return expected;
    });

    // 2. bursts
    const bursty = deny.slice(20, 40);
    await measure('2. bursts: 10 edits in a row to each of 20', bursty.length, async () => {
      const expected = new Map<string, number>();
      for (const v of bursty) {
        for (let k = 1; k <= 10; k++) await b.setOnHand(v.variantId, v.onHand + k);
        v.onHand += 10;
        expected.set(v.barcode, denyTarget(v.onHand, v.committed));
      }
      return expected;
    });

    // 3. mass change
    const mass = deny.slice(40, 340);
    await measure(`3. mass change: ${mass.length} variants at once`, mass.length, async () => {
      const expected = new Map<string, number>();
      await Promise.all(
        mass.map(async (v) => {
          v.onHand += 3;
          await b.setOnHand(v.variantId, v.onHand);
          expected.set(v.barcode, denyTarget(v.onHand, v.committed));
        }),
      );
      return expected;
    });

    // 4. config change: safety stock 1 moves every tracked deny variant with stock > 0
    const moved = deny.filter((v) => denyTarget(v.onHand, v.committed) > 0);
    // Every tracked variant holding real stock moves (oversell and untracked big numbers do not).
    const movedAll = b.linked.filter((v) => v.tracked && v.onHand - v.committed > 0).length;
    await measure('4. config change (safetyStock 0 → 1)', movedAll, async () => {
      await b.api('PATCH', `/v1/connections/${b.connectionId}/config`, { safetyStock: 1 });
      return new Map(moved.map((v) => [v.barcode, denyTarget(v.onHand, v.committed) - 1]));
    });

    console.log(
      [
        `stock-writes benchmark (${new Date().toISOString()})`,
        `linked variants               ${b.linked.length} of ${variants} (setup ${fmt(b.setupSeconds, 1)} s); poll interval ${DEFAULT_CONFIG.pollIntervalSeconds} s`,
        ...rows,
        loadLine(loadBefore),
      ].join('\n'),
    );
  } finally {
    await b.stop();
  }
}

runBench(main);
