/**
 * Executing planned pushes: absolute values, only the changed ones, in the domain's priority order (stock
 * decreases first, then increases, then price), each write through the connection's write gate, and what Tiki
 * confirmed recorded on the links.
 *
 * Warehouses: `updateSku` changes only the listed warehouses, so it never touches the others. The batch
 * endpoint zeroes every warehouse an item leaves out, so a batch is only sent for SKUs whose current
 * warehouse rows were just read from Tiki, and each item then carries all of them unchanged except ours.
 */
import { ConnectorError } from '../../connectors/errors';
import { messageWithFacts } from '../../domain/messages';
import { stockLatencyMs } from '../../domain/overview-charts';
import { redactVendorText } from '../../domain/redact';
import { classifyPriority, sortByPriority, warehouseQuantities } from '../../domain/stock';
import { hasChange, heldAfterWrite, isSuperseded, mergeConfirmed, readBackPays, sameChange } from '../../domain/stock-writes';
import { heartbeatOrStop } from '../cancellation';
import { refusalFacts } from '../errors';
import type { LiveClients } from '../context';
import { skuWritesCounter, stockPropagationHistogram } from '../metrics';
import { stockAudit, type StockAudit } from './audit';
import { capByReadBack } from './plan';
import { readTiki, TIKI_PAGE } from './read-tiki';
import { emptySummary, type PushSummary } from './summary';
import type { PlannedPush, StockDeps } from './types';
import { freshnessFor, gateFor, GUARD_MAX_ENTRIES, refusedFor, writtenFor } from './write-gate';

export const TIKI_BATCH = 50;
/** Outside a full pass, read Tiki back to batch once this many SKUs change. */
const BATCH_READBACK_MIN = 50;
const LATENCY_WINDOW_MS = 3_600_000;

export interface ExecuteOptions {
  /** The plan was compared with Tiki's actual values (a full pass). */
  verified: boolean;
  /** May read Tiki's listing back to batch many changes (default true). */
  readBack?: boolean;
  /** Leave out a change Tiki refused for good the last time (the poll). */
  skipRefused?: boolean;
}

/** Tiki refused the values themselves (validation, unknown product): sending them again cannot help. */
function isRefusal(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError && !err.retryable && (err.code === 'VALIDATION' || err.code === 'NOT_FOUND');
}

/** Write the planned changes to Tiki, record what was confirmed, and each planned push's outcome in the audit trail. */
export async function execute(
  deps: Pick<StockDeps, 'store' | 'latency' | 'logger'>,
  connectionId: string,
  c: LiveClients,
  targets: number[],
  planned: PlannedPush[],
  opts: ExecuteOptions,
): Promise<PushSummary> {
  const audit = stockAudit(planned);
  try {
    const summary = await writePlanned(deps, connectionId, c, targets, planned, opts, audit);
    await audit.flush(deps.store, deps.logger, connectionId);
    return summary;
  } catch (err) {
    await audit.flush(deps.store, deps.logger, connectionId, err);
    throw err;
  }
}

async function writePlanned(
  deps: Pick<StockDeps, 'store' | 'latency' | 'logger'>,
  connectionId: string,
  c: LiveClients,
  targets: number[],
  planned: PlannedPush[],
  opts: ExecuteOptions,
  audit: StockAudit,
): Promise<PushSummary> {
  const { store, latency, logger } = deps;
  const summary = emptySummary();
  summary.considered = planned.length;
  const refused = refusedFor(connectionId);
  const refusedAgain = (p: PlannedPush) => {
    const r = opts.skipRefused ? refused.get(p.link.haravanVariantId) : undefined;
    return !!r && sameChange(r, p.change);
  };
  const hasChangeOf = (p: PlannedPush) => hasChange(p.change);
  const changes = sortByPriority(planned.map((p) => ({ ...p, lastPushed: p.reference })).filter((p) => hasChange(p.change) && !refusedAgain(p)));
  const unchanged = planned.filter((p) => !hasChange(p.change));
  for (const p of unchanged) audit.mark(p, 'stock-unchanged');
  for (const p of planned) if (hasChange(p.change) && refusedAgain(p)) audit.mark(p, 'stock-skipped-refused', { code: 'TIKI_SKU_REJECTED' });
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
    if (readBackPays(changes.length, pages.paging.last_page, TIKI_BATCH)) {
      const actual = await readTiki(c.tiki, summary);
      for (const p of changes) {
        const read = p.current ? undefined : actual.get(p.link.tikiProductId);
        if (read) capByReadBack(p, targets, read);
      }
      // A change the cap emptied: Tiki already holds what the last confirmed push holds.
      const settled = changes.filter((p) => !hasChange(p.change));
      if (settled.length > 0) {
        for (const p of settled) audit.mark(p, 'stock-unchanged');
        await markedPending;
        await store.recordPushes(connectionId, settled.map((p) => ({ haravanVariantId: p.link.haravanVariantId, ...p.target, converged: true, verified: false })));
        summary.skipped += settled.length;
        changes.splice(0, changes.length, ...sortByPriority(changes.filter(hasChangeOf)));
      }
    }
  }

  const gate = gateFor(connectionId);
  const fresh = freshnessFor(connectionId);
  const written = writtenFor(connectionId);
  const stale = (p: PlannedPush) =>
    isSuperseded({
      change: p.change,
      readAt: p.readAt,
      confirmedReadAt: fresh.get(p.link.haravanVariantId),
      verified: opts.verified,
      lastConfirmed: written.get(p.link.haravanVariantId),
    });

  // The overview charts' write log (store/repos/charts.ts): best effort, a failed insert never fails the write.
  const logWrites = (entry: { written?: number; rejected?: number; latenciesMs?: number[] }) =>
    store.logStockWrites(connectionId, entry).catch((err: unknown) => logger.warn({ connectionId, err: String(err) }, 'stock write log not recorded'));

  const confirm = async (batch: PlannedPush[]) => {
    const now = Date.now();
    await markedPending;
    // The guards only matter while jobs overlap; bound their memory (many connections × many SKUs per worker).
    if (fresh.size > GUARD_MAX_ENTRIES) fresh.clear();
    if (written.size > GUARD_MAX_ENTRIES) written.clear();
    const values = batch.map((p) => heldAfterWrite(p.change, p.target, opts.verified && p.current !== undefined));
    await store.recordPushes(
      connectionId,
      batch.map((p, i) => ({ haravanVariantId: p.link.haravanVariantId, ...values[i], converged: true, verified: opts.verified && p.current !== undefined })),
    );
    const latenciesMs: number[] = [];
    for (const [i, p] of batch.entries()) {
      refused.delete(p.link.haravanVariantId);
      fresh.set(p.link.haravanVariantId, Math.max(fresh.get(p.link.haravanVariantId) ?? 0, p.readAt));
      written.set(p.link.haravanVariantId, mergeConfirmed(written.get(p.link.haravanVariantId), values[i]));
      if (!p.seen) continue;
      const ms = stockLatencyMs(p.seen.seenAt, now);
      summary.latenciesMs.push(ms);
      latenciesMs.push(ms);
      latency.seen.record(connectionId, ms);
      stockPropagationHistogram.observe(ms / 1000);
      if (p.seen.changedAt && now - p.seen.changedAt < LATENCY_WINDOW_MS) latency.change.record(connectionId, Math.max(0, now - p.seen.changedAt));
    }
    for (const p of batch) audit.confirmed(p);
    summary.pushed += batch.length;
    await logWrites({ written: batch.length, latenciesMs });
  };

  const item = (p: PlannedPush, batch: boolean) => {
    // The single endpoint changes only the listed warehouses; the batch one needs every current row.
    const rows = p.change.quantity !== undefined ? warehouseQuantities(p.change.quantity, targets, batch ? (p.current ?? []) : [], p.addBack, p.change.split) : undefined;
    audit.sending(p, rows);
    return { productId: p.link.tikiProductId, price: p.change.price, warehouseQuantities: rows };
  };

  const single = async (p: PlannedPush) => {
    const priority = classifyPriority(p.change, p.reference);
    try {
      const wrote = await gate.run(priority, async () => {
        if (stale(p)) return false;
        await c.assertLive();
        summary.tikiWriteCalls++;
        await c.tiki.updateSku(item(p, false));
        await confirm([p]);
        return true;
      });
      if (!wrote) {
        summary.superseded++;
        audit.mark(p, 'stock-superseded');
      }
      else skuWritesCounter.inc({ outcome: 'ok' });
      await store.resolveFailures(connectionId, 'sku-write', String(p.link.tikiProductId));
    } catch (err) {
      if (isRefusal(err)) {
        summary.failed++;
        audit.mark(p, 'stock-failed', { code: 'TIKI_SKU_REJECTED' });
        if (refused.size > GUARD_MAX_ENTRIES) refused.clear();
        refused.set(p.link.haravanVariantId, { quantity: p.change.quantity, price: p.change.price });
        skuWritesCounter.inc({ outcome: 'rejected' });
        await logWrites({ rejected: 1 });
        // The inbox gets our words and the status; Tiki's text goes to the log, redacted.
        logger.warn({ connectionId, tikiProductId: p.link.tikiProductId, detail: redactVendorText(err.message) }, 'Tiki refused a SKU write');
        await store.recordFailure({
          connectionId,
          kind: 'sku-write',
          ref: String(p.link.tikiProductId),
          code: 'TIKI_SKU_REJECTED',
          ...messageWithFacts('TIKI_SKU_REJECTED', refusalFacts(err)),
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
    heartbeatOrStop({ pushed: summary.pushed });
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
        for (const b of batch) if (!live.includes(b)) audit.mark(b, 'stock-superseded');
        summary.superseded += batch.length - live.length;
        if (live.length === 0) return;
        await c.assertLive();
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
