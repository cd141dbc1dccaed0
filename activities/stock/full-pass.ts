/**
 * The full pass (reconciliation, push now, config changes): Tiki's actual values vs Haravan's for every link;
 * writes whatever differs.
 *
 * Both sides are read at once; Haravan's linked products (bucket-bound) are the slow side, Tiki's catalogue
 * is in long before. So the pass is streamed: once Tiki's values are in, each Haravan answer is planned as it
 * arrives — its unchanged variants recorded as verified, its drifted ones queued and written in full batches
 * of TIKI_BATCH — and what is left when the last Haravan answer arrives is one answer's work and a last
 * partial batch. The queue is kept in priority order (decreases, increases, price), so a full batch takes the
 * most urgent drift known so far, and every write goes through the connection's write gate, so the poll's
 * writes still overtake the pass.
 */
import { sortByPriority } from '../../domain/stock';
import { heartbeatOrStop } from '../cancellation';
import { hasChange } from '../../domain/stock-writes';
import type { LinkRecord } from '../../store/types';
import { execute, TIKI_BATCH } from './execute-writes';
import { loadStockContext, plan } from './plan';
import { readHaravan } from './read-haravan';
import { readTiki } from './read-tiki';
import { emptySummary, merge, type PushSummary } from './summary';
import type { HaravanVariantState, PassTiming, PlannedPush, StockDeps } from './types';

/** Linked variants from which a full pass lists the chosen locations' rows instead of asking by variant ids. */
const FULL_ROW_LISTING_MIN = 250;

export async function fullPass(deps: StockDeps, connectionId: string): Promise<PushSummary & { drifted: number }> {
  const { store, clients } = deps;
  const ctx = await loadStockContext(store, connectionId);
  if (!ctx) return { ...emptySummary(), drifted: 0 };
  const c = await clients.forConnection(connectionId);
  const { config, targets } = ctx;
  const reads = emptySummary();
  let total = emptySummary();
  const t0 = Date.now();
  const timing: PassTiming = { tikiReadMs: 0, haravanReadMs: 0, planMs: 0, writeMs: 0 };
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
  const drifting = (p: PlannedPush) => hasChange(p.change);
  const write = async (planned: PlannedPush[]) => {
    total = merge(total, await execute(deps, connectionId, c, targets, planned, { verified: true, readBack: false }));
  };
  /** Plan some variants against Tiki's values; record the unchanged, write full batches of the drifted. */
  const settle = async (states: HaravanVariantState[], last: boolean) => {
    const actual = await tikiRead;
    const tPlan = Date.now();
    const links = states.flatMap((v) => linksByVariant.get(v.variantId) ?? []);
    const planned = plan(links, new Map(states.map((v) => [v.variantId, v])), config, targets, { actual, held: ctx.held });
    timing.planMs += Date.now() - tPlan;
    const changed = planned.filter(drifting);
    drifted += changed.length;
    pending.push(...changed);
    const unchanged = planned.filter((p) => !drifting(p));
    if (unchanged.length > 0) await write(unchanged);
    // The queue in the domain's priority order: a full batch takes the most urgent of what is known so far.
    pending.splice(0, pending.length, ...sortByPriority(pending.map((p) => ({ ...p, lastPushed: p.reference }))));
    while (pending.length >= TIKI_BATCH || (last && pending.length > 0)) await write(pending.splice(0, TIKI_BATCH));
    heartbeatOrStop({ phase: 'reconcile', drifted });
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
  deps.lastTiming.set(connectionId, timing);
  return { ...merge(reads, total), drifted };
}
