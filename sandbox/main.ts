/**
 * Start both sandboxes with a demo shop (used by `npm start`, or alone with `npm run sandbox`).
 * State persists under DATA_DIR so a second start keeps it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateDemoShop } from './demo-data';
import { publishDemoProducts } from './publish-demo';
import { startHaravanSandbox } from './haravan/app';
import { startTikiSandbox } from './tiki/app';

export const DEMO = {
  shopId: 200000244883,
  haravanToken: 'demo-haravan-private-token',
  tiki: { sellerId: 188954, clientId: 'demo-tiki-client', clientSecret: 'demo-tiki-secret' },
  products: 40,
  /** Products on Haravan that are not on Tiki yet (the "Publish to Tiki" tab). */
  unpublished: 7,
};

export interface RunningSandboxes {
  haravanUrl: string;
  tikiUrl: string;
  demo: typeof DEMO;
  close(): Promise<void>;
}

export async function startSandboxes(opts: { dataDir: string; haravanPort: number; tikiPort: number; log?: (m: string) => void }): Promise<RunningSandboxes> {
  const dir = path.join(opts.dataDir, 'sandbox');
  fs.mkdirSync(dir, { recursive: true });
  const haravan = await startHaravanSandbox(opts.haravanPort, { snapshotFile: path.join(dir, 'haravan.json') });
  const tiki = await startTikiSandbox(opts.tikiPort, { snapshotFile: path.join(dir, 'tiki.v8') });

  const hasDemo = await fetch(`${haravan.url}/_sandbox/shops/${DEMO.shopId}/orders`).then((r) => r.ok);
  if (!hasDemo) {
    const demo = generateDemoShop({ seed: 2026, shopId: DEMO.shopId, products: DEMO.products, accessToken: DEMO.haravanToken, tiki: DEMO.tiki });
    for (const [url, body] of [
      [`${haravan.url}/_sandbox/shops`, demo.haravan],
      [`${tiki.url}/_sandbox/sellers`, demo.tiki],
    ] as const) {
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`seeding ${url} failed: ${res.status} ${await res.text()}`);
    }
    const locationId = demo.haravan.locations[0]!.id;
    for (const product of publishDemoProducts(DEMO.unpublished, { shopSlot: DEMO.shopId % 100_000, locationId })) {
      const res = await fetch(`${haravan.url}/_sandbox/shops/${DEMO.shopId}/products`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(product) });
      if (!res.ok) throw new Error(`seeding an unpublished product failed: ${res.status} ${await res.text()}`);
    }
    opts.log?.(`seeded demo shop ${DEMO.shopId} (${DEMO.products} products, plus ${DEMO.unpublished} not on Tiki yet) in both sandboxes`);
  }
  return {
    haravanUrl: haravan.url,
    tikiUrl: tiki.url,
    demo: DEMO,
    async close() {
      await Promise.all([haravan.close(), tiki.close()]);
    },
  };
}

if (require.main === module) {
  const dataDir = path.resolve(process.env.DATA_DIR ?? './.data');
  startSandboxes({ dataDir, haravanPort: Number(process.env.SANDBOX_HARAVAN_PORT ?? 8091), tikiPort: Number(process.env.SANDBOX_TIKI_PORT ?? 8092), log: console.log })
    .then((s) => {
      console.log(`Haravan sandbox: ${s.haravanUrl}\nTiki sandbox:    ${s.tikiUrl}`);
      const stop = () => void s.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
