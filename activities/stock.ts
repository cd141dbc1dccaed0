/**
 * The stock engine's activities.
 *
 * - `pollHaravanChanges`: a long-running, heartbeating poll (cheap `updated_at_min` deltas on inventory rows
 *   and products every `pollIntervalSeconds`) that pushes what changed, so a Haravan change reaches Tiki in
 *   seconds. Its Haravan calls jump the shop's rate-limiter queue (they are few and latency-bound; bulk work
 *   such as link runs and reconciliation waits behind them).
 * - `pushProducts`: recompute and push for given products (webhooks, finished link runs); `'all'` (push now,
 *   config changes) is a full pass against Tiki's actual values, i.e. a reconciliation.
 * - `reconcile`: re-read both sides, including Tiki's actual stock and price, and correct any drift.
 *
 * Writes: absolute values, only those differing from the last confirmed push (or from Tiki's actual value when
 * it was read), one write per SKU with the latest value (coalesced), stock decreases first, then increases,
 * then price. Within a worker process the writes of one connection go one at a time through a priority gate,
 * so a stock decrease found by the poll overtakes the queued price writes of a running reconciliation, and a
 * value read from Haravan earlier never overwrites a fresher one already confirmed on Tiki.
 *
 * Warehouses: `updateSku` changes only the listed warehouses, so it never touches the others. The batch
 * endpoint zeroes every warehouse an item leaves out, so a batch is only sent for SKUs whose current
 * warehouse rows were just read from Tiki, and each item then carries all of them unchanged except ours.
 *
 * Latency (per connection, exposed by the API): `seen → confirmed` is measured from the moment the poll's
 * answer listing the change arrived to the moment Tiki approved the write; `change → confirmed` from Haravan's
 * own `updated_at` of the change (includes the polling delay; depends on Haravan's clock). Only changes found
 * by the poll count: pushes caused by config changes, push now or reconciliation are not propagation.
 */
import { Context, heartbeat, sleep as activitySleep } from '@temporalio/activity';
import { bulkReadActive, withBulkRead } from './bulk-reads';
import { ConnectorError } from '../connectors/errors';
import type { HaravanClient } from '../connectors/haravan/client';
import type { HaravanProduct } from '../connectors/haravan/schemas';
import type { TikiClient } from '../connectors/tiki/client';
import type { Config } from '../domain/config';
import { messageFor } from '../domain/messages';
import {
  classifyPriority,
  computeTarget,
  diffPush,
  PushPriority,
  PushValues,
  resolveTargetWarehouses,
  sortByPriority,
  warehouseQuantities,
  WarehouseQuantity,
} from '../domain/stock';
import type { LinkRecord } from '../store/types';
import type { ActivityDeps, ConnectionClients } from './context';
import { toFailure } from './errors';
import { tikiStocks, toInt } from './mappers';
import { LatencyTracker, skuWritesCounter, stockPropagationHistogram } from './metrics';
import { pollCadence } from './poll-cadence';
import { chunk, pool } from './concurrency';

const TIKI_BATCH = 50;
const TIKI_PAGE = 50;
const HARAVAN_IDS_PER_CALL = 50;
const LINK_PAGE = 500;
const CURSOR_OVERLAP_MS = 2_000;
/** How long a delta poll reuses the connection row and its clients before reading them again. */
const POLL_STATE_MAX_AGE_MS = 60_000;
/** Parallel page reads; the shared rate limiters pace them. */
const READ_CONCURRENCY = 4;
/** Outside a full pass, read Tiki back to batch once this many SKUs change. */
const BATCH_READBACK_MIN = 50;
/** Linked variants from which a full pass lists the chosen locations' rows instead of asking by variant ids. */
const FULL_ROW_LISTING_MIN = 250;
const LATENCY_WINDOW_MS = 3_600_000;
/** Per connection, entries kept by the in-process write guards before they are dropped. */
const GUARD_MAX_ENTRIES = 20_000;

export interface HaravanVariantState {
  productId: number;
  variantId: number;
  tracked: boolean;
  policy: 'deny' | 'continue';
  inventoryQuantity: number;
  price: number;
  locations: { locationId: number; onHand: number; committed: number }[];
  /** When the Haravan values were read (epoch ms, our clock). */
  readAt: number;
}

/** What the poll saw for a variant: when its answer arrived, and Haravan's `updated_at` of the change. */
interface Seen {
  seenAt: number;
  changedAt?: number;
}

export interface TikiActual {
  stocks: WarehouseQuantity[];
  price: number;
  marketPrice: number;
}

interface PlannedPush {
  link: LinkRecord;
  target: PushValues;
  change: PushValues;
  reference: PushValues;
  readAt: number;
  seen?: Seen;
  /** Tiki's current warehouse rows when they were just read (required for the batch endpoint). */
  current?: WarehouseQuantity[];
}

export interface PushSummary {
  considered: number;
  pushed: number;
  skipped: number;
  failed: number;
  /** Dropped because a fresher value for the same SKU was already confirmed. */
  superseded: number;
  tikiWriteCalls: number;
  tikiReadCalls: number;
  priceBlocked: number;
  latenciesMs: number[];
}

const emptySummary = (): PushSummary => ({
  considered: 0,
  pushed: 0,
  skipped: 0,
  failed: 0,
  superseded: 0,
  tikiWriteCalls: 0,
  tikiReadCalls: 0,
  priceBlocked: 0,
  latenciesMs: [],
});

// ---------------------------------------------------------------------------------------------
// Process-wide per-connection write ordering
// ---------------------------------------------------------------------------------------------

const RANK: Record<PushPriority, number> = { decrease: 0, increase: 1, price: 2 };

/** One Tiki write at a time per connection; waiting writes go by priority, then arrival. */
class WriteGate {
  private busy = false;
  private seq = 0;
  private readonly waiting: { rank: number; seq: number; go: () => void }[] = [];

  async run<T>(priority: PushPriority, fn: () => Promise<T>): Promise<T> {
    if (this.busy) {
      await new Promise<void>((go) => {
        this.waiting.push({ rank: RANK[priority], seq: this.seq++, go });
        this.waiting.sort((a, b) => a.rank - b.rank || a.seq - b.seq);
      });
    }
    this.busy = true;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next.go();
      else this.busy = false;
    }
  }
}

/** A process-wide value per connection, made on first use. */
function perConnection<T>(make: () => T): (connectionId: string) => T {
  const byConnection = new Map<string, T>();
  return (connectionId) => {
    let v = byConnection.get(connectionId);
    if (v === undefined) byConnection.set(connectionId, (v = make()));
    return v;
  };
}

const gateFor = perConnection(() => new WriteGate());

/** Per connection and variant: the Haravan read time of the newest value confirmed on Tiki. */
const freshnessFor = perConnection(() => new Map<number, number>());

/** Per connection and variant: the values last confirmed on Tiki by this process. */
const writtenFor = perConnection(() => new Map<number, PushValues>());

/**
 * Per connection and variant: the change Tiki last refused for good (a 422 / unknown product), until a write of
 * the variant is confirmed. The poll does not send the very same change again on its own — its cursor overlap
 * re-reads the newest change every round, which would resend a refused value every few seconds. A retry from the
 * failure inbox, a reconciliation, or a different value from Haravan still send it.
 */
const refusedFor = perConnection(() => new Map<number, PushValues>());

// ---------------------------------------------------------------------------------------------

export function createStockActivities(deps: ActivityDeps) {
  const { store, clients, logger } = deps;
  const seenLatency = new LatencyTracker();
  /** Phase durations of the last full pass per connection (kept with the reconcile counters). */
  const lastTiming = new Map<string, { tikiReadMs: number; haravanReadMs: number; planMs: number; writeMs: number }>();
  const changeLatency = new LatencyTracker();

  /**
   * Haravan's state of the given linked variants: products by ids (≤ 50 per call, in parallel), and, when the
   * config names locations, their per-location rows (by variant ids, or the whole listing of those locations
   * when `fullRows`). With all locations the variant total `inventory_quantity` is all the rule needs.
   */
  async function readHaravan(
    haravan: HaravanClient,
    config: Config,
    productIds: number[],
    variantIds: Set<number>,
    opts: {
      preloaded?: Map<number, ProductLike>;
      fullRows?: boolean;
      /**
       * Called with each call's variants as soon as their state is complete — only when the config needs no
       * per-location rows (with chosen locations a variant is complete once the row listing is in, at the end).
       */
      onVariants?: (states: HaravanVariantState[]) => void;
    } = {},
  ): Promise<Map<number, HaravanVariantState>> {
    const out = new Map<number, HaravanVariantState>();
    const chosen = config.inventoryLocationIds;
    const stream = chosen.length === 0 ? opts.onVariants : undefined;
    const take = (p: ProductLike, readAt: number, batch?: HaravanVariantState[]) => {
      for (const v of p.variants ?? []) {
        const id = Number(v.id);
        if (!variantIds.has(id)) continue;
        const state: HaravanVariantState = {
          productId: Number(p.id),
          variantId: id,
          tracked: v.inventory_management === 'haravan',
          policy: v.inventory_policy === 'continue' ? 'continue' : 'deny',
          inventoryQuantity: toInt(v.inventory_quantity),
          price: toInt(v.price),
          locations: [],
          readAt,
        };
        out.set(id, state);
        batch?.push(state);
      }
    };
    const missing: number[] = [];
    const preloaded: HaravanVariantState[] = [];
    for (const id of new Set(productIds)) {
      const pre = opts.preloaded?.get(id);
      if (pre) take(pre, pre.readAt ?? Date.now(), preloaded);
      else missing.push(id);
    }
    if (stream && preloaded.length > 0) stream(preloaded);
    await pool(chunk(missing, HARAVAN_IDS_PER_CALL), READ_CONCURRENCY, async (ids) => {
      const sentAt = Date.now();
      const products = await haravan.listProducts({ ids, limit: HARAVAN_IDS_PER_CALL });
      const batch: HaravanVariantState[] = [];
      for (const p of products) take(p, sentAt, batch);
      if (stream && batch.length > 0) stream(batch);
    });

    if (chosen.length > 0 && out.size > 0) {
      const addRows = (rows: { variant_id: unknown; loc_id: unknown; qty_onhand: unknown; qty_commited: unknown }[]) => {
        for (const r of rows) {
          const s = out.get(Number(r.variant_id));
          if (s) s.locations.push({ locationId: Number(r.loc_id), onHand: toInt(r.qty_onhand), committed: toInt(r.qty_commited) });
        }
      };
      if (opts.fullRows) {
        addRows(await haravan.listAllInventoryLocations({ locationIds: chosen }));
      } else {
        await pool(chunk([...out.keys()], HARAVAN_IDS_PER_CALL), READ_CONCURRENCY, async (ids) => {
          addRows(await haravan.listAllInventoryLocations({ variantIds: ids, locationIds: chosen }));
        });
      }
    }
    return out;
  }

  /** Tiki's whole catalogue with stock rows and prices: page 1, then the other pages in parallel. */
  async function readTiki(tiki: TikiClient, summary: PushSummary): Promise<Map<number, TikiActual>> {
    const actual = new Map<number, TikiActual>();
    const add = (items: Parameters<typeof tikiStocks>[0][]) => {
      for (const p of items) {
        actual.set(Number(p.product_id ?? p.id), { stocks: tikiStocks(p), price: toInt(p.price), marketPrice: toInt(p.market_price) });
      }
    };
    const first = await tiki.listProducts({ page: 1, limit: TIKI_PAGE });
    summary.tikiReadCalls++;
    add(first.items);
    const pages: number[] = [];
    for (let p = 2; p <= first.paging.last_page; p++) pages.push(p);
    await pool(pages, READ_CONCURRENCY, async (page) => {
      const res = await tiki.listProducts({ page, limit: TIKI_PAGE });
      summary.tikiReadCalls++;
      add(res.items);
      heartbeat({ phase: 'tiki', page });
    });
    return actual;
  }

  function plan(
    links: LinkRecord[],
    state: Map<number, HaravanVariantState>,
    config: Config,
    targets: number[],
    opts: { actual?: Map<number, TikiActual>; seen?: Map<number, Seen> } = {},
  ): PlannedPush[] {
    const planned: PlannedPush[] = [];
    for (const link of links) {
      const v = state.get(link.haravanVariantId);
      if (!v) continue;
      const actual = opts.actual?.get(link.tikiProductId);
      const target = computeTarget({
        variant: { tracked: v.tracked, policy: v.policy, inventoryQuantity: v.inventoryQuantity, price: v.price, locations: v.locations },
        // Tiki's list price as just read beats the one recorded at link time.
        tiki: { marketPrice: actual ? actual.marketPrice : (link.tikiMarketPrice ?? 0) },
        config,
      });
      const values: PushValues = { quantity: target.quantity, price: target.price };
      const reference: PushValues = actual
        ? { quantity: actual.stocks.filter((s) => targets.includes(s.warehouseId)).reduce((a, s) => a + s.qtyAvailable, 0), price: actual.price }
        : { quantity: link.lastPushedQuantity ?? undefined, price: link.lastPushedPrice ?? undefined };
      // Several target warehouses: the whole quantity belongs in the first, the others at 0.
      if (actual && values.quantity !== undefined && targets.length > 1) {
        const first = actual.stocks.find((s) => s.warehouseId === targets[0])?.qtyAvailable ?? 0;
        if (first !== reference.quantity) reference.quantity = undefined;
      }
      const change = diffPush(values, reference) ?? {};
      planned.push({ link, target: values, change, reference, readAt: v.readAt, seen: opts.seen?.get(link.haravanVariantId), current: actual?.stocks });
    }
    return planned;
  }

  /** Write the planned changes to Tiki and record what was confirmed. */
  async function execute(
    connectionId: string,
    c: ConnectionClients,
    targets: number[],
    planned: PlannedPush[],
    opts: { verified: boolean; readBack?: boolean; skipRefused?: boolean },
  ): Promise<PushSummary> {
    const summary = emptySummary();
    summary.considered = planned.length;
    const refused = refusedFor(connectionId);
    const refusedAgain = (p: PlannedPush) => {
      const r = opts.skipRefused ? refused.get(p.link.haravanVariantId) : undefined;
      return !!r && r.quantity === p.change.quantity && r.price === p.change.price;
    };
    const changes = sortByPriority(
      planned
        .map((p) => ({ ...p, lastPushed: p.reference }))
        .filter((p) => (p.change.quantity !== undefined || p.change.price !== undefined) && !refusedAgain(p)),
    );
    const unchanged = planned.filter((p) => p.change.quantity === undefined && p.change.price === undefined);
    summary.skipped = planned.length - changes.length;
    // Verified = Tiki's actual value was read and matches (a SKU missing from Tiki's listing is not verified).
    const verifiedSame = opts.verified ? unchanged.filter((p) => p.current !== undefined) : [];
    if (verifiedSame.length > 0) {
      await store.recordPushes(connectionId, verifiedSame.map((p) => ({ haravanVariantId: p.link.haravanVariantId, ...p.target, converged: true, verified: true })));
    }
    if (changes.length === 0) return summary;
    if (targets.length === 0) throw new Error('the Tiki seller has no warehouse to write stock to');
    // Not converged until Tiki confirms (written alongside the first Tiki call, awaited before any confirmation).
    const markedPending = store.recordPushes(connectionId, changes.map((p) => ({ haravanVariantId: p.link.haravanVariantId, converged: false })));
    markedPending.catch(() => undefined);

    // Batching needs every SKU's current warehouse rows; read them back when it saves calls.
    if (opts.readBack !== false && changes.length >= BATCH_READBACK_MIN && changes.some((p) => !p.current)) {
      const pages = await c.tiki.listProducts({ page: 1, limit: TIKI_PAGE });
      summary.tikiReadCalls++;
      if (pages.paging.last_page + Math.ceil(changes.length / TIKI_BATCH) < changes.length) {
        const actual = await readTiki(c.tiki, summary);
        for (const p of changes) p.current ??= actual.get(p.link.tikiProductId)?.stocks;
      }
    }

    const gate = gateFor(connectionId);
    const fresh = freshnessFor(connectionId);
    const written = writtenFor(connectionId);
    // Skip a write when a fresher Haravan read was already confirmed, or (incremental runs, whose reference is
    // the last confirmed push) when another job of this process has just confirmed the very same values.
    const stale = (p: PlannedPush) => {
      if ((fresh.get(p.link.haravanVariantId) ?? 0) > p.readAt) return true;
      if (opts.verified) return false;
      const w = written.get(p.link.haravanVariantId);
      return !!w && (p.change.quantity === undefined || p.change.quantity === w.quantity) && (p.change.price === undefined || p.change.price === w.price);
    };

    /**
     * What Tiki holds of our values once a write is confirmed: the written fields, and — when Tiki's actual
     * values were just read — the target's other fields too, which the read found already in place (recorded,
     * or the next incremental push would write a price Tiki already has).
     */
    const held = (p: PlannedPush): PushValues =>
      opts.verified && p.current !== undefined
        ? { quantity: p.change.quantity ?? p.target.quantity, price: p.change.price ?? p.target.price }
        : { quantity: p.change.quantity, price: p.change.price };

    const confirm = async (batch: PlannedPush[]) => {
      const now = Date.now();
      await markedPending;
      // The guards only matter while jobs overlap; bound their memory (many connections × many SKUs per worker).
      if (fresh.size > GUARD_MAX_ENTRIES) fresh.clear();
      if (written.size > GUARD_MAX_ENTRIES) written.clear();
      const values = batch.map(held);
      await store.recordPushes(
        connectionId,
        batch.map((p, i) => ({ haravanVariantId: p.link.haravanVariantId, ...values[i], converged: true, verified: opts.verified && p.current !== undefined })),
      );
      for (const [i, p] of batch.entries()) {
        refused.delete(p.link.haravanVariantId);
        fresh.set(p.link.haravanVariantId, Math.max(fresh.get(p.link.haravanVariantId) ?? 0, p.readAt));
        const w = written.get(p.link.haravanVariantId) ?? {};
        const h = values[i];
        written.set(p.link.haravanVariantId, { quantity: h.quantity ?? w.quantity, price: h.price ?? w.price });
        if (!p.seen) continue;
        const ms = Math.max(0, now - p.seen.seenAt);
        summary.latenciesMs.push(ms);
        seenLatency.record(connectionId, ms);
        stockPropagationHistogram.observe(ms / 1000);
        if (p.seen.changedAt && now - p.seen.changedAt < LATENCY_WINDOW_MS) changeLatency.record(connectionId, Math.max(0, now - p.seen.changedAt));
      }
      summary.pushed += batch.length;
    };

    const item = (p: PlannedPush, batch: boolean) => ({
      productId: p.link.tikiProductId,
      price: p.change.price,
      // The single endpoint changes only the listed warehouses; the batch one needs every current row.
      warehouseQuantities: p.change.quantity !== undefined ? warehouseQuantities(p.change.quantity, targets, batch ? (p.current ?? []) : []) : undefined,
    });

    const single = async (p: PlannedPush) => {
      const priority = classifyPriority(p.change, p.reference);
      try {
        const wrote = await gate.run(priority, async () => {
          if (stale(p)) return false;
          summary.tikiWriteCalls++;
          await c.tiki.updateSku(item(p, false));
          await confirm([p]);
          return true;
        });
        if (!wrote) summary.superseded++;
        else skuWritesCounter.inc({ outcome: 'ok' });
        await store.resolveFailures(connectionId, 'sku-write', String(p.link.tikiProductId));
      } catch (err) {
        if (err instanceof ConnectorError && !err.retryable && (err.code === 'VALIDATION' || err.code === 'NOT_FOUND')) {
          summary.failed++;
          if (refused.size > GUARD_MAX_ENTRIES) refused.clear();
          refused.set(p.link.haravanVariantId, { quantity: p.change.quantity, price: p.change.price });
          skuWritesCounter.inc({ outcome: 'rejected' });
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
          return;
        }
        skuWritesCounter.inc({ outcome: 'error' });
        throw err;
      }
    };

    // Keep the priority order across both paths: walk the sorted list, cutting batches of batchable items.
    const queue = changes;
    let i = 0;
    while (i < queue.length) {
      Context.current().heartbeat({ pushed: summary.pushed });
      if (queue[i].current === undefined) {
        await single(queue[i++]);
        continue;
      }
      const batch: PlannedPush[] = [];
      while (i < queue.length && batch.length < TIKI_BATCH && queue[i].current !== undefined) batch.push(queue[i++]);
      if (batch.length === 1) {
        await single(batch[0]);
        continue;
      }
      const priority = classifyPriority(batch[0].change, batch[0].reference);
      try {
        await gate.run(priority, async () => {
          const live = batch.filter((b) => !stale(b));
          summary.superseded += batch.length - live.length;
          if (live.length === 0) return;
          summary.tikiWriteCalls++;
          await c.tiki.updateSkus(live.map((b) => ({ ...item(b, true), currentWarehouseIds: b.change.quantity !== undefined ? b.current!.map((s) => s.warehouseId) : undefined })));
          await confirm(live);
          skuWritesCounter.inc({ outcome: 'ok' }, 1);
        });
      } catch (err) {
        // A rejected batch (all-or-nothing): isolate the offending SKU(s) one by one.
        if (err instanceof ConnectorError && err.code === 'VALIDATION') {
          for (const b of batch) await single(b);
        } else throw err;
      }
    }
    await markedPending;
    return summary;
  }

  async function finish(connectionId: string, s: PushSummary): Promise<PushSummary> {
    if (s.pushed + s.failed > 0) {
      await store.setLastStockPush(connectionId, { at: new Date().toISOString(), pushed: s.pushed, skipped: s.skipped, failed: s.failed });
    }
    if (s.latenciesMs.length > 0) {
      const seen = seenLatency.percentiles(connectionId);
      const change = changeLatency.percentiles(connectionId);
      const values: Record<string, number> = {};
      if (seen) Object.assign(values, { stockLatencyP50Ms: seen.p50, stockLatencyP95Ms: seen.p95, stockLatencySamples: seen.n });
      if (change) Object.assign(values, { stockChangeLatencyP50Ms: change.p50, stockChangeLatencyP95Ms: change.p95 });
      await store.setCounters(connectionId, values);
    }
    return s;
  }

  async function context(connectionId: string) {
    const connection = await store.getConnection(connectionId);
    if (!connection) return null;
    const sellerWarehouses = (connection.tikiSeller?.warehouseIds ?? []).map((id, i) => ({ id, isPrimary: i === 0 }));
    const targets = resolveTargetWarehouses(connection.config.tikiWarehouseIds, sellerWarehouses);
    return { connection, config: connection.config, targets };
  }

  /** Incremental push for some linked variants (compared with the last confirmed push). */
  async function pushLinks(
    connectionId: string,
    c: ConnectionClients,
    links: LinkRecord[],
    opts: { haravan?: HaravanClient; preloaded?: Map<number, ProductLike>; seen?: Map<number, Seen>; skipRefused?: boolean } = {},
  ): Promise<PushSummary> {
    const ctx = await context(connectionId);
    if (!ctx || links.length === 0) return emptySummary();
    const state = await readHaravan(
      opts.haravan ?? c.haravan,
      ctx.config,
      links.map((l) => l.haravanProductId),
      new Set(links.map((l) => l.haravanVariantId)),
      { preloaded: opts.preloaded },
    );
    return execute(connectionId, c, ctx.targets, plan(links, state, ctx.config, ctx.targets, { seen: opts.seen }), { verified: false, skipRefused: opts.skipRefused });
  }

  /**
   * Full pass: Tiki's actual values vs Haravan's for every link; writes whatever differs.
   *
   * Both sides are read at once; Haravan's linked products (bucket-bound) are the slow side, Tiki's catalogue
   * is in long before. So the pass is streamed: once Tiki's values are in, each Haravan answer is planned as it
   * arrives — its unchanged variants recorded as verified, its drifted ones queued and written in full batches
   * of TIKI_BATCH — and what is left when the last Haravan answer arrives is one answer's work and a last
   * partial batch. The queue is kept in priority order (decreases, increases, price), so a full batch takes the
   * most urgent drift known so far, and every write goes through the connection's write gate, so the poll's
   * writes still overtake the pass.
   */
  async function fullPass(connectionId: string): Promise<PushSummary & { drifted: number }> {
    const ctx = await context(connectionId);
    if (!ctx) return { ...emptySummary(), drifted: 0 };
    const c = await clients.forConnection(connectionId);
    const { config, targets } = ctx;
    const reads = emptySummary();
    let total = emptySummary();
    const t0 = Date.now();
    const timing = { tikiReadMs: 0, haravanReadMs: 0, planMs: 0, writeMs: 0 };
    const tikiRead = readTiki(c.tiki, reads).then((m) => ((timing.tikiReadMs = Date.now() - t0), m));
    tikiRead.catch(() => undefined);
    const allLinks = await store.getLinks(connectionId);
    const linksByVariant = new Map<number, LinkRecord[]>();
    for (const l of allLinks) {
      const list = linksByVariant.get(l.haravanVariantId);
      if (list) list.push(l);
      else linksByVariant.set(l.haravanVariantId, [l]);
    }

    let drifted = 0;
    const pending: PlannedPush[] = [];
    const drifting = (p: PlannedPush) => p.change.quantity !== undefined || p.change.price !== undefined;
    const write = async (planned: PlannedPush[]) => {
      total = merge(total, await execute(connectionId, c, targets, planned, { verified: true, readBack: false }));
    };
    /** Plan some variants against Tiki's values; record the unchanged, write full batches of the drifted. */
    const settle = async (states: HaravanVariantState[], last: boolean) => {
      const actual = await tikiRead;
      const tPlan = Date.now();
      const links = states.flatMap((v) => linksByVariant.get(v.variantId) ?? []);
      const planned = plan(links, new Map(states.map((v) => [v.variantId, v])), config, targets, { actual });
      timing.planMs += Date.now() - tPlan;
      const changed = planned.filter(drifting);
      drifted += changed.length;
      pending.push(...changed);
      const unchanged = planned.filter((p) => !drifting(p));
      if (unchanged.length > 0) await write(unchanged);
      // The queue in the domain's priority order: a full batch takes the most urgent of what is known so far.
      pending.splice(0, pending.length, ...sortByPriority(pending.map((p) => ({ ...p, lastPushed: p.reference }))));
      while (pending.length >= TIKI_BATCH || (last && pending.length > 0)) await write(pending.splice(0, TIKI_BATCH));
      heartbeat({ phase: 'reconcile', drifted });
    };
    // One settle at a time, in arrival order; the reads never wait for it.
    let settling: Promise<void> = Promise.resolve();
    let streamed = false;
    let settleFailed: { error: unknown } | undefined;
    const enqueue = (states: HaravanVariantState[], last: boolean) => {
      settling = settling.then(() => settle(states, last));
      // Observed below, after the read; meanwhile it stops the read (no budget spent on a pass that failed).
      settling.catch((error: unknown) => void (settleFailed ??= { error }));
      return settling;
    };
    let haravanState: Map<number, HaravanVariantState>;
    try {
      haravanState = await readHaravan(c.haravan, config, allLinks.map((l) => l.haravanProductId), new Set(linksByVariant.keys()), {
        fullRows: allLinks.length >= FULL_ROW_LISTING_MIN,
        onVariants: (states) => {
          if (settleFailed) throw settleFailed.error;
          streamed = true;
          void enqueue(states, false);
        },
      });
    } catch (err) {
      await settling.catch(() => undefined); // no write left running behind a failed pass
      throw err;
    }
    timing.haravanReadMs = Date.now() - t0;
    const tTail = Date.now();
    // Nothing was streamed when per-location rows were needed: everything is settled now.
    await enqueue(streamed ? [] : [...haravanState.values()], true);
    timing.writeMs = Date.now() - tTail;
    lastTiming.set(connectionId, timing);
    return { ...merge(reads, total), drifted };
  }

  return {
    /** Recompute and push for some products; `'all'` is a full pass against Tiki's actual values. */
    async pushProducts(connectionId: string, productIds: number[] | 'all'): Promise<PushSummary> {
      pollCadence.reset(`haravan:${connectionId}`);
      try {
        if (productIds === 'all') {
          const { drifted: _drifted, ...s } = await fullPass(connectionId);
          return finish(connectionId, s);
        }
        const c = await clients.forConnection(connectionId);
        let total = emptySummary();
        for (let i = 0; i < productIds.length; i += LINK_PAGE) {
          const links = await store.getLinksByProducts(connectionId, productIds.slice(i, i + LINK_PAGE));
          total = merge(total, await pushLinks(connectionId, c, links));
          heartbeat({ i });
        }
        return finish(connectionId, total);
      } catch (err) {
        throw toFailure(err);
      }
    },

    /**
     * Poll Haravan for changes every `pollIntervalSeconds` (re-read each cycle, so a config change applies at
     * once) until `durationMs` has passed or the activity is cancelled, pushing affected linked variants.
     * Cursors live in the store, so a crashed poll resumes where it was.
     */
    async pollHaravanChanges(connectionId: string, opts: { durationMs: number; intervalMs: number }): Promise<PushSummary> {
      const deadline = Date.now() + opts.durationMs;
      let total = emptySummary();
      let cycle = emptySummary();
      // An idle round costs the two Haravan calls and nothing else: the connection and the clients are re-read
      // every POLL_STATE_MAX_AGE_MS, the cursors once per activity (this poll is their only writer) and written
      // only when they move.
      let connection: Awaited<ReturnType<typeof store.getConnection>> = null;
      let connectionReadAt = 0;
      let invCursor: string | undefined;
      let prodCursor: string | undefined;
      let storedInv: string | null = null;
      let storedProd: string | null = null;
      /**
       * What the last round handled, per inventory row and product variant: its `updated_at` and the fields the
       * push depends on. The cursor never passes the newest change seen (robust to Haravan's clock), so with the
       * overlap every round reads that change again; unchanged, it is not handled again (no link reads, no plan,
       * and the idle cadence can back off). A new change differs in one or the other, even within one second.
       */
      let handledRows = new Map<string, string>();
      try {
        while (Date.now() < deadline) {
          const cycleStart = Date.now();
          if (bulkReadActive(connectionId)) {
            // A link run or reconciliation is reading the shop: leave it the budget (see activities/bulk-reads.ts).
            heartbeat({ polls: 'paused-for-bulk-read' });
            await activitySleep(Math.max(1, Math.min(opts.intervalMs, deadline - Date.now())));
            continue;
          }
          if (!connection || cycleStart - connectionReadAt >= POLL_STATE_MAX_AGE_MS) {
            connection = await store.getConnection(connectionId);
            connectionReadAt = cycleStart;
            if (!connection) break;
          }
          const intervalMs = (connection.config.pollIntervalSeconds ?? opts.intervalMs / 1000) * 1000;
          const c = await clients.forConnection(connectionId, { maxAgeMs: POLL_STATE_MAX_AGE_MS });
          const haravan = c.haravan.withPriority('high');
          if (invCursor === undefined || prodCursor === undefined) {
            storedInv = await store.getCursor(connectionId, 'haravan-inventory');
            storedProd = await store.getCursor(connectionId, 'haravan-products');
            invCursor = storedInv ?? new Date(Date.now() - 60_000).toISOString();
            prodCursor = storedProd ?? invCursor;
          }
          const since = (iso: string) => new Date(Date.parse(iso) - CURSOR_OVERLAP_MS).toISOString();
          const pollStarted = new Date().toISOString();

          const seen = new Map<number, Seen>();
          const note = (variantId: number, at: number, changedAt: number | undefined) => {
            const prev = seen.get(variantId);
            if (!prev) seen.set(variantId, { seenAt: at, changedAt });
            else {
              prev.seenAt = Math.min(prev.seenAt, at);
              if (changedAt && (!prev.changedAt || changedAt > prev.changedAt)) prev.changedAt = changedAt;
            }
          };
          const [rows, products] = await Promise.all([
            haravan.listAllInventoryLocations({ updatedAtMin: since(invCursor) }).then((r) => ({ r, at: Date.now() })),
            (async () => {
              const out: (ProductLike & { readAt: number })[] = [];
              for await (const page of haravan.listAllProducts({ updatedAtMin: since(prodCursor) })) {
                for (const p of page) out.push({ ...p, readAt: cycleStart });
              }
              return out;
            })(),
          ]);
          const roundRows = new Map<string, string>();
          const isNew = (key: string, fingerprint: string) => {
            roundRows.set(key, fingerprint);
            return handledRows.get(key) !== fingerprint;
          };
          for (const r of rows.r) {
            if (!isNew(`i:${r.variant_id}:${r.loc_id}`, `${r.updated_at}|${r.qty_onhand}|${r.qty_commited}|${r.qty_available}`)) continue;
            note(Number(r.variant_id), rows.at, Date.parse(String(r.updated_at ?? '')) || undefined);
          }
          const preloaded = new Map<number, ProductLike>();
          for (const p of products) {
            preloaded.set(Number(p.id), p);
            for (const v of p.variants ?? []) {
              const updatedAt = (v as { updated_at?: unknown }).updated_at ?? p.updated_at ?? '';
              const fingerprint = `${updatedAt}|${v.inventory_quantity}|${v.price}|${v.inventory_management}|${v.inventory_policy}`;
              if (!isNew(`p:${v.id}`, fingerprint)) continue;
              note(Number(v.id), p.readAt, Date.parse(String(updatedAt)) || undefined);
            }
          }
          if (seen.size > 0) {
            const links = await store.getLinks(connectionId, [...seen.keys()]);
            if (links.length > 0) cycle = merge(cycle, await pushLinks(connectionId, c, links, { haravan, preloaded, seen, skipRefused: true }));
          }
          // Handled (a failed push throws: the retried activity starts with nothing handled and reads them again).
          handledRows = roundRows;
          const maxInv = maxIso(rows.r.map((r) => String(r.updated_at ?? '')), invCursor);
          const maxProd = maxIso(products.map((p) => String(p.updated_at ?? '')), prodCursor);
          // Never move a cursor past the moment this poll started (late writes are caught next time).
          const nextInv = minIso(maxInv, pollStarted);
          const nextProd = minIso(maxProd, pollStarted);
          // Written when they differ from the stored value (the first round stores the starting point too).
          invCursor = nextInv;
          prodCursor = nextProd;
          if (nextInv !== storedInv) await store.setCursor(connectionId, 'haravan-inventory', (storedInv = nextInv));
          if (nextProd !== storedProd) await store.setCursor(connectionId, 'haravan-products', (storedProd = nextProd));
          if (cycle.considered > 0) total = merge(total, await finish(connectionId, cycle));
          cycle = emptySummary();
          heartbeat({ polls: true });
          // The interval is cycle to cycle: a slow cycle does not add its own duration to the next wait.
          // Adaptive when idle (activities/poll-cadence.ts): the configured interval after a round with changes.
          const wait = Math.min(pollCadence.next(`haravan:${connectionId}`, intervalMs, seen.size > 0) - (Date.now() - cycleStart), deadline - Date.now());
          if (wait > 0) await activitySleep(wait);
        }
        return total;
      } catch (err) {
        if (Context.current().cancellationSignal.aborted) return merge(total, await finish(connectionId, cycle));
        throw toFailure(err);
      }
    },

    /**
     * Full reconciliation: read Tiki's actual stock and price for every linked SKU and Haravan's state, and
     * correct whatever differs (a hand edit on Tiki, a lost write). Marks each link converged and verified.
     */
    async reconcile(connectionId: string): Promise<PushSummary & { drifted: number }> {
      try {
        const started = Date.now();
        const result = await withBulkRead(connectionId, () => fullPass(connectionId));
        const t = lastTiming.get(connectionId);
        await store.setCounters(connectionId, {
          lastReconcileAt: new Date().toISOString(),
          lastReconcileDrifted: result.drifted,
          lastReconcileMs: Date.now() - started,
          ...(t && { lastReconcileTikiReadMs: t.tikiReadMs, lastReconcileHaravanReadMs: t.haravanReadMs, lastReconcilePlanMs: t.planMs, lastReconcileWriteMs: t.writeMs }),
        });
        logger.info({ connectionId, drifted: result.drifted, pushed: result.pushed, ms: Date.now() - started }, 'reconciled');
        const { drifted, ...s } = result;
        return { ...(await finish(connectionId, s)), drifted };
      } catch (err) {
        throw toFailure(err);
      }
    },
  };
}

type ProductLike = HaravanProduct & { readAt?: number };

function merge(a: PushSummary, b: PushSummary): PushSummary {
  return {
    considered: a.considered + b.considered,
    pushed: a.pushed + b.pushed,
    skipped: a.skipped + b.skipped,
    failed: a.failed + b.failed,
    superseded: a.superseded + b.superseded,
    tikiWriteCalls: a.tikiWriteCalls + b.tikiWriteCalls,
    tikiReadCalls: a.tikiReadCalls + b.tikiReadCalls,
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
