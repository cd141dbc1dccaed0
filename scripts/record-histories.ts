/**
 * Records real workflow histories for the replay test (`test/replay/replay.test.ts`):
 *
 *   npx tsx scripts/record-histories.ts            # writes test/replay/histories/*.json
 *
 * It starts the embedded test stack (Temporal dev server, PGlite, both sandboxes, a worker, the API), drives
 * one demo shop through a realistic life — connect, link run, stock edit pushed to Tiki, config update, push
 * now, a Tiki order imported, mirrored and shipped, an order action, enough nudges to make order intake
 * continue-as-new — then disconnects, and saves the history of every workflow type (plus the closed,
 * continued-as-new run of order intake, and in POLL_MODE=shards the shop's poll shard) as JSON files holding the protobuf-encoded history in base64 (protojson
 * does not work across the SDK's two protobufjs copies; the binary form is exact). Payloads are encrypted with the stack's test key
 * (`REPLAY_ENCRYPTION_KEY`, test/replay/key.ts), which the replay test uses to decode them.
 *
 * Re-record after an intentional, patched change to workflow code (see docs/versioning.md); keep the old
 * files next to the new ones while the patch is in force so both code paths stay covered.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { pauseSignal } from '../workflows/definitions';
import {
  connectionWorkflowId,
  linkRunWorkflowId,
  orderIntakeWorkflowId,
  orderWorkflowId,
  pollShardWorkflowId,
  stockSyncWorkflowId,
} from '../workflows/ids';
import { pollModeFrom, shardCountFrom, shardKey, shardOf } from '../domain/poll-shards';
import { HISTORY_EVENT_LIMIT } from '../workflows/long-lived';
import { connectBody, post, seedDemoShop } from '../test/helpers/seed';
import { eventually, startStack } from '../test/helpers/stack';
import { REPLAY_ENCRYPTION_KEY } from '../test/replay/key';

const OUT = path.resolve(__dirname, '../test/replay/histories');
const PREFIX = process.env.HISTORY_PREFIX ?? '';

async function main() {
  const stack = await startStack({ encryptionKey: REPLAY_ENCRYPTION_KEY });
  const log = (m: string) => console.log(`[record] ${m}`);
  try {
    const shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 8, seed: 11 });
    const id = `conn-${shop.shopId}`;
    const must = async (p: Promise<{ status: number; body: any }>, what: string) => {
      const r = await p;
      if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };

    await must(stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url)), 'connect');
    log(`connected ${id}`);
    const run = await must(stack.api('POST', `/v1/connections/${id}/link-runs`, { all: true }), 'link run');
    await eventually(
      async () => (await stack.api('GET', `/v1/connections/${id}/link-runs/${run.runId}`)).body.state === 'completed',
      120_000,
    );
    const links = await stack.store.getLinks(id);
    log(`link run ${run.runId}: ${links.length} links`);

    // A stock edit reaches Tiki through the delta poll.
    const variants = shop.haravanSeed.products.flatMap((p: { variants: any[] }) => p.variants);
    const link = links.find((l) =>
      variants.some(
        (v: any) =>
          v.id === l.haravanVariantId && v.inventory_management === 'haravan' && v.inventory_policy === 'deny',
      ),
    )!;
    const location = shop.haravanSeed.locations[0].id;
    const before = await stack.store.getLinks(id, [link.haravanVariantId]);
    await post(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/inventory`, {
      variantId: link.haravanVariantId,
      locationId: location,
      delta: 11,
    });
    await eventually(
      async () => (await stack.store.getLinks(id, [link.haravanVariantId]))[0].lastPushedAt !== before[0].lastPushedAt,
      60_000,
    );
    log('stock edit pushed');

    await must(stack.api('PATCH', `/v1/connections/${id}/config`, { safetyStock: 1 }), 'config');
    await must(stack.api('POST', `/v1/connections/${id}/stock-pushes`, {}), 'push now');

    // A Tiki order: imported into Haravan, then followed through its status changes to delivery.
    const order = await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders`, {
      items: [{ original_sku: link.barcode, qty: 1 }],
      customer: { full_name: 'Nguyễn Văn A', phone: '0901234567' },
    });
    const code = String(order.code);
    await eventually(
      async () => (await stack.api('GET', `/v1/connections/${id}/orders/${code}`)).body?.haravanOrderId,
      120_000,
    );
    log(`order ${code} imported`);
    const action = await stack.api('POST', `/v1/connections/${id}/orders/${code}/actions/print-label`, {});
    log(`print-label → ${action.status}`);
    await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders/${code}/status`, {
      status: 'successful_delivery',
    });
    const terminal = await eventually(async () => {
      const d = await stack.client.workflow.getHandle(orderWorkflowId(shop.shopId, code)).describe();
      return d.status.name !== 'RUNNING' ? d.status.name : undefined;
    }, 120_000).catch(() => 'RUNNING');
    log(`order workflow ${terminal}`);

    // Order intake past the history bound: its first run closes with continue-as-new.
    const intake = stack.client.workflow.getHandle(orderIntakeWorkflowId(shop.shopId));
    const firstIntakeRun = (await intake.describe()).runId;
    for (let i = 0; i < HISTORY_EVENT_LIMIT + 100; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => intake.signal(pauseSignal, { paused: false })));
    }
    await eventually(
      async () =>
        (await stack.client.workflow.getHandle(orderIntakeWorkflowId(shop.shopId), firstIntakeRun).describe()).status
          .name === 'CONTINUED_AS_NEW',
      120_000,
    );
    log('order intake continued as new');

    await must(stack.api('DELETE', `/v1/connections/${id}`), 'disconnect');
    await eventually(
      async () =>
        (await stack.client.workflow.getHandle(connectionWorkflowId(shop.shopId)).describe()).status.name ===
        'COMPLETED',
      120_000,
    );
    log('disconnected');

    const targets: [string, string, string | undefined][] = [
      ['connection', connectionWorkflowId(shop.shopId), undefined],
      ['stock-sync', stockSyncWorkflowId(shop.shopId), undefined],
      ['order-intake', orderIntakeWorkflowId(shop.shopId), undefined],
      ['order-intake-continued', orderIntakeWorkflowId(shop.shopId), firstIntakeRun],
      ['order', orderWorkflowId(shop.shopId, code), undefined],
      ['link-run', linkRunWorkflowId(shop.shopId, run.runId), undefined],
      // The shop's poll shard (still running: it parks a minute after its last member left).
      ...(pollModeFrom(process.env.POLL_MODE) === 'shards'
        ? [['poll-shard', pollShardWorkflowId(stack.taskQueue, shardOf(shardKey(id), shardCountFrom(process.env.POLL_SHARDS))), undefined] as [string, string, undefined]]
        : []),
    ];
    fs.mkdirSync(OUT, { recursive: true });
    for (const [name, workflowId, runId] of targets) {
      const history = await stack.client.workflow.getHandle(workflowId, runId).fetchHistory();
      const file = path.join(OUT, `${PREFIX}${name}.json`);
      const encoded = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('base64');
      const record = {
        workflowId,
        runId: runId ?? null,
        events: history.events?.length ?? 0,
        encoding: 'protobuf-base64',
        history: encoded,
      };
      fs.writeFileSync(file, JSON.stringify(record, null, 1) + '\n');
      log(`${path.relative(process.cwd(), file)}: ${history.events?.length} events`);
    }
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
