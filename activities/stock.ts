/**
 * The stock engine's activities.
 *
 * - `pollHaravanChanges`: a long-running, heartbeating poll (cheap `updated_at_min` deltas on inventory rows
 *   and products every few seconds) that pushes what changed, so a Haravan change reaches Tiki in seconds.
 * - `pushProducts`: recompute and push for given products (webhooks, config changes, link runs, push now).
 * - `reconcile`: re-read both sides, including Tiki's actual stock and price, and correct any drift.
 *
 * Pushes are absolute values, only those differing from the last confirmed push (or from Tiki's actual
 * value when reconciling), coalesced per SKU, stock decreases first, batched when safe.
 */
import { Context, heartbeat, sleep as activitySleep } from '@temporalio/activity';
import { ConnectorError } from '../connectors/errors';
import type { Config } from '../domain/config';
import { messageFor } from '../domain/messages';
import { computeTarget, diffPush, resolveTargetWarehouses, sortByPriority, warehouseQuantities, PushValues } from '../domain/stock';
import type { LinkRecord } from '../store/types';
import type { ActivityDeps, ConnectionClients } from './context';
import { toFailure } from './errors';
import { tikiStocks, toInt } from './mappers';
import { LatencyTracker, stockPropagationHistogram } from './metrics';

const TIKI_BATCH = 50;
const LINK_PAGE = 500;
const CURSOR_OVERLAP_MS = 2_000;

interface HaravanVariantState {
  productId: number;
  variantId: number;
  tracked: boolean;
  policy: 'deny' | 'continue';
  inventoryQuantity: number;
  price: number;
  locations: { locationId: number; onHand: number; committed: number }[];
  /** When Haravan last changed this variant's stock or price (for latency). */
  changedAt?: number;
}

interface PlannedPush {
  link: LinkRecord;
  target: PushValues;
  change: PushValues;
  lastPushed: PushValues;
  changedAt?: number;
}

export interface PushSummary {
  considered: number;
  pushed: number;
  skipped: number;
  failed: number;
  tikiWriteCalls: number;
  priceBlocked: number;
  latenciesMs: number[];
}

const emptySummary = (): PushSummary => ({ considered: 0, pushed: 0, skipped: 0, failed: 0, tikiWriteCalls: 0, priceBlocked: 0, latenciesMs: [] });

export function createStockActivities(deps: ActivityDeps) {
  const { store, clients, logger } = deps;
  const latency = new LatencyTracker();

  async function loadHaravanState(c: ConnectionClients, productIds: number[], variantIds?: Set<number>): Promise<Map<number, HaravanVariantState>> {
    const out = new Map<number, HaravanVariantState>();
    if (productIds.length === 0) return out;
    for await (const page of c.haravan.listAllProducts({ ids: productIds })) {
      for (const p of page) {
        for (const v of p.variants ?? []) {
          if (variantIds && !variantIds.has(Number(v.id))) continue;
          out.set(Number(v.id), {
            productId: Number(p.id),
            variantId: Number(v.id),
            tracked: v.inventory_management === 'haravan',
            policy: v.inventory_policy === 'continue' ? 'continue' : 'deny',
            inventoryQuantity: toInt(v.inventory_quantity),
            price: toInt(v.price),
            locations: [],
            changedAt: Date.parse(String(v.updated_at ?? p.updated_at ?? '')) || undefined,
          });
        }
      }
    }
    const rows = await c.haravan.listAllInventoryLocations({ variantIds: [...out.keys()] });
    for (const r of rows) {
      const s = out.get(Number(r.variant_id));
      if (!s) continue;
      s.locations.push({ locationId: Number(r.loc_id), onHand: toInt(r.qty_onhand), committed: toInt(r.qty_commited) });
      const at = Date.parse(String(r.updated_at ?? ''));
      if (at && (!s.changedAt || at > s.changedAt)) s.changedAt = at;
    }
    return out;
  }

  function plan(links: LinkRecord[], state: Map<number, HaravanVariantState>, config: Config, actual?: Map<number, PushValues>): PlannedPush[] {
    const planned: PlannedPush[] = [];
    for (const link of links) {
      const v = state.get(link.haravanVariantId);
      if (!v) continue;
      const target = computeTarget({
        variant: { tracked: v.tracked, policy: v.policy, inventoryQuantity: v.inventoryQuantity, price: v.price, locations: v.locations },
        tiki: { marketPrice: link.tikiMarketPrice ?? 0 },
        config,
      });
      const values: PushValues = { quantity: target.quantity, price: target.price };
      const reference: PushValues = actual?.get(link.tikiProductId) ?? {
        quantity: link.lastPushedQuantity ?? undefined,
        price: link.lastPushedPrice ?? undefined,
      };
      const change = diffPush(values, reference) ?? {};
      planned.push({ link, target: values, change, lastPushed: reference, changedAt: v.changedAt });
    }
    return planned;
  }

  /** Write the planned changes to Tiki and record what was confirmed. */
  async function execute(connectionId: string, c: ConnectionClients, config: Config, planned: PlannedPush[], opts: { verified: boolean }): Promise<PushSummary> {
    const summary = emptySummary();
    summary.considered = planned.length;
    const connection = await store.getConnection(connectionId);
    const sellerWarehouses = (connection?.tikiSeller?.warehouseIds ?? []).map((id, i) => ({ id, isPrimary: i === 0 }));
    const targets = resolveTargetWarehouses(config.tikiWarehouseIds, sellerWarehouses);
    // Batch only when we write every warehouse the seller has: the batch endpoint zeroes omitted warehouses.
    const canBatch = sellerWarehouses.length > 0 && sellerWarehouses.every((w) => targets.includes(w.id));

    const changes = sortByPriority(planned.filter((p) => p.change.quantity !== undefined || p.change.price !== undefined));
    const unchanged = planned.filter((p) => p.change.quantity === undefined && p.change.price === undefined);
    summary.skipped = unchanged.length;
    if (opts.verified && unchanged.length > 0) {
      await store.recordPushes(connectionId, unchanged.map((p) => ({ haravanVariantId: p.link.haravanVariantId, ...p.target, converged: true, verified: true })));
    }

    const confirm = async (batch: PlannedPush[]) => {
      const now = Date.now();
      await store.recordPushes(
        connectionId,
        batch.map((p) => ({ haravanVariantId: p.link.haravanVariantId, quantity: p.change.quantity, price: p.change.price, converged: true, verified: opts.verified })),
      );
      for (const p of batch) {
        if (p.change.quantity !== undefined && p.changedAt && now - p.changedAt < 3_600_000) {
          const ms = Math.max(0, now - p.changedAt);
          summary.latenciesMs.push(ms);
          latency.record(connectionId, ms);
          stockPropagationHistogram.observe(ms / 1000);
        }
      }
      summary.pushed += batch.length;
    };

    const item = (p: PlannedPush) => ({
      productId: p.link.tikiProductId,
      price: p.change.price,
      warehouseQuantities: p.change.quantity !== undefined ? warehouseQuantities(p.change.quantity, targets, []) : undefined,
    });

    const single = async (p: PlannedPush) => {
      try {
        summary.tikiWriteCalls++;
        await c.tiki.updateSku(item(p));
        await confirm([p]);
        await store.resolveFailures(connectionId, 'sku-write', String(p.link.tikiProductId));
      } catch (err) {
        if (err instanceof ConnectorError && !err.retryable && err.code === 'VALIDATION') {
          summary.failed++;
          const m = messageFor('TIKI_SKU_REJECTED');
          await store.recordFailure({
            connectionId,
            kind: 'sku-write',
            ref: String(p.link.tikiProductId),
            code: 'TIKI_SKU_REJECTED',
            message: `${m.en}: ${err.message}`,
            messageVi: `${m.vi}: ${err.message}`,
            details: { tikiSku: p.link.tikiSku, barcode: p.link.barcode, change: p.change },
          });
          await store.recordPushes(connectionId, [{ haravanVariantId: p.link.haravanVariantId, converged: false }]);
          return;
        }
        throw err;
      }
    };

    if (targets.length === 0) throw new Error('the Tiki seller has no warehouse to write stock to');
    for (let i = 0; i < changes.length; i += canBatch ? TIKI_BATCH : 1) {
      Context.current().heartbeat({ pushed: summary.pushed });
      if (!canBatch || changes.length === 1) {
        await single(changes[i]);
        continue;
      }
      const batch = changes.slice(i, i + TIKI_BATCH);
      try {
        summary.tikiWriteCalls++;
        await c.tiki.updateSkus(batch.map((p) => ({ ...item(p), currentWarehouseIds: p.change.quantity !== undefined ? targets : undefined })));
        await confirm(batch);
      } catch (err) {
        // A rejected batch: isolate the offending SKU(s) one by one.
        if (err instanceof ConnectorError && err.code === 'VALIDATION') {
          for (const p of batch) await single(p);
        } else throw err;
      }
    }
    return summary;
  }

  async function finish(connectionId: string, s: PushSummary): Promise<PushSummary> {
    if (s.pushed + s.failed > 0) {
      await store.setLastStockPush(connectionId, { at: new Date().toISOString(), pushed: s.pushed, skipped: s.skipped, failed: s.failed });
      const p = latency.percentiles(connectionId);
      if (p) await store.setCounters(connectionId, { stockLatencyP50Ms: p.p50, stockLatencyP95Ms: p.p95, stockLatencySamples: p.n });
    }
    return s;
  }

  async function pushForVariants(connectionId: string, links: LinkRecord[], verifiedRead = false): Promise<PushSummary> {
    const connection = await store.getConnection(connectionId);
    if (!connection || links.length === 0) return emptySummary();
    const c = await clients.forConnection(connectionId);
    const productIds = [...new Set(links.map((l) => l.haravanProductId))];
    const state = await loadHaravanState(c, productIds, new Set(links.map((l) => l.haravanVariantId)));
    return execute(connectionId, c, connection.config, plan(links, state, connection.config), { verified: verifiedRead });
  }

  return {
    /** Recompute and push for some products, or every linked one. */
    async pushProducts(connectionId: string, productIds: number[] | 'all'): Promise<PushSummary> {
      try {
        let total = emptySummary();
        if (productIds === 'all') {
          for (let after = 0; ; ) {
            const ids = await store.getLinkedVariantIdsPage(connectionId, after, LINK_PAGE);
            if (ids.length === 0) break;
            after = ids[ids.length - 1];
            total = merge(total, await pushForVariants(connectionId, await store.getLinks(connectionId, ids)));
            heartbeat({ after });
          }
        } else {
          for (let i = 0; i < productIds.length; i += LINK_PAGE) {
            const links = await store.getLinksByProducts(connectionId, productIds.slice(i, i + LINK_PAGE));
            total = merge(total, await pushForVariants(connectionId, links));
          }
        }
        return finish(connectionId, total);
      } catch (err) {
        throw toFailure(err);
      }
    },

    /**
     * Poll Haravan for changes every `intervalMs` until `durationMs` has passed (or the activity is
     * cancelled), pushing affected linked variants. Cursors live in the store, so a crashed poll resumes.
     */
    async pollHaravanChanges(connectionId: string, opts: { durationMs: number; intervalMs: number }): Promise<PushSummary> {
      const deadline = Date.now() + opts.durationMs;
      let total = emptySummary();
      try {
        while (Date.now() < deadline) {
          const c = await clients.forConnection(connectionId);
          const invCursor = (await store.getCursor(connectionId, 'haravan-inventory')) ?? new Date(Date.now() - 60_000).toISOString();
          const prodCursor = (await store.getCursor(connectionId, 'haravan-products')) ?? invCursor;
          const since = (iso: string) => new Date(Date.parse(iso) - CURSOR_OVERLAP_MS).toISOString();
          const pollStarted = new Date().toISOString();

          const rows = await c.haravan.listAllInventoryLocations({ updatedAtMin: since(invCursor) });
          const products: { id: number; variants: number[]; updatedAt: string }[] = [];
          for await (const page of c.haravan.listAllProducts({ updatedAtMin: since(prodCursor) })) {
            for (const p of page) products.push({ id: Number(p.id), variants: (p.variants ?? []).map((v) => Number(v.id)), updatedAt: String(p.updated_at ?? '') });
          }
          const variantIds = new Set<number>(rows.map((r) => Number(r.variant_id)));
          for (const p of products) for (const v of p.variants) variantIds.add(v);
          if (variantIds.size > 0) {
            const links = await store.getLinks(connectionId, [...variantIds]);
            if (links.length > 0) total = merge(total, await pushForVariants(connectionId, links));
          }
          const maxInv = maxIso(rows.map((r) => String(r.updated_at ?? '')), invCursor);
          const maxProd = maxIso(products.map((p) => p.updatedAt), prodCursor);
          // Never move a cursor past the moment this poll started (late writes are caught next time).
          await store.setCursor(connectionId, 'haravan-inventory', minIso(maxInv, pollStarted));
          await store.setCursor(connectionId, 'haravan-products', minIso(maxProd, pollStarted));
          heartbeat({ polls: true });
          const wait = Math.min(opts.intervalMs, deadline - Date.now());
          if (wait > 0) await activitySleep(wait);
        }
        return finish(connectionId, total);
      } catch (err) {
        if (Context.current().cancellationSignal.aborted) return finish(connectionId, total);
        throw toFailure(err);
      }
    },

    /**
     * Full reconciliation: read Tiki's actual stock and price for every linked SKU and Haravan's state, and
     * correct whatever differs (a hand edit on Tiki, a lost write). Marks each link converged/verified.
     */
    async reconcile(connectionId: string): Promise<PushSummary & { drifted: number }> {
      try {
        const connection = await store.getConnection(connectionId);
        if (!connection) return { ...emptySummary(), drifted: 0 };
        const c = await clients.forConnection(connectionId);
        const config = connection.config;
        const sellerWarehouses = (connection.tikiSeller?.warehouseIds ?? []).map((id, i) => ({ id, isPrimary: i === 0 }));
        const targets = resolveTargetWarehouses(config.tikiWarehouseIds, sellerWarehouses);
        const actual = new Map<number, PushValues>();
        for await (const page of c.tiki.listAllProducts({})) {
          for (const p of page.items) {
            const stocks = tikiStocks(p);
            const inTargets = stocks.filter((s) => targets.includes(s.warehouseId)).reduce((a, s) => a + s.qtyAvailable, 0);
            actual.set(Number(p.product_id ?? p.id), { quantity: inTargets, price: toInt(p.price) });
          }
          heartbeat({ phase: 'tiki' });
        }
        let total = emptySummary();
        let drifted = 0;
        for (let after = 0; ; ) {
          const ids = await store.getLinkedVariantIdsPage(connectionId, after, LINK_PAGE);
          if (ids.length === 0) break;
          after = ids[ids.length - 1];
          const links = await store.getLinks(connectionId, ids);
          const state = await loadHaravanState(c, [...new Set(links.map((l) => l.haravanProductId))], new Set(ids));
          const planned = plan(links, state, config, actual);
          drifted += planned.filter((p) => p.change.quantity !== undefined || p.change.price !== undefined).length;
          total = merge(total, await execute(connectionId, c, config, planned, { verified: true }));
          heartbeat({ phase: 'reconcile', after });
        }
        await store.setCounters(connectionId, { lastReconcileAt: new Date().toISOString(), lastReconcileDrifted: drifted });
        logger.info({ connectionId, drifted, pushed: total.pushed }, 'reconciled');
        return { ...(await finish(connectionId, total)), drifted };
      } catch (err) {
        throw toFailure(err);
      }
    },
  };
}

function merge(a: PushSummary, b: PushSummary): PushSummary {
  return {
    considered: a.considered + b.considered,
    pushed: a.pushed + b.pushed,
    skipped: a.skipped + b.skipped,
    failed: a.failed + b.failed,
    tikiWriteCalls: a.tikiWriteCalls + b.tikiWriteCalls,
    priceBlocked: a.priceBlocked + b.priceBlocked,
    latenciesMs: [...a.latenciesMs, ...b.latenciesMs].slice(-1000),
  };
}

function maxIso(values: string[], fallback: string): string {
  let best = Date.parse(fallback) || 0;
  for (const v of values) {
    const t = Date.parse(v);
    if (t > best) best = t;
  }
  return new Date(best).toISOString();
}

function minIso(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

export type StockActivities = ReturnType<typeof createStockActivities>;
