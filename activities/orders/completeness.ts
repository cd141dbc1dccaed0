/**
 * Completeness: Tiki's accepted orders of a window compared with what reached Haravan; the missing ones are
 * handed on and verified, and Haravan orders duplicated by a late create are repaired (duplicates.ts). Run periodically (the last `windowMs`) and as the backfill after `importOrdersSince`.
 */
import { heartbeat, sleep as activitySleep } from '@temporalio/activity';
import { TIKI_PRE_ACCEPTANCE_STATUSES } from '../../domain/order-status';
import { isImportable } from '../../domain/orders';
import { floorToSecond } from '../../domain/tiki-time';
import type { ActivityDeps } from '../context';
import type { Dispatcher, ShopConnection } from './dispatch';
import { repairDuplicatesSince } from './duplicates';
import { asInput, connectionOf, importStart } from './records';
import type { CompletenessFigures } from './types';

/** How long a completeness check waits for the orders it dispatched to reach Haravan. */
const REPAIR_WAIT_MS = 120_000;

export function createCompletenessActivities(deps: ActivityDeps, { dispatch, workflowRunning }: Dispatcher) {
  const { store, clients, logger } = deps;

  /** Tiki orders created in [from, now) in accepted statuses, compared with the store; missing ones are dispatched. */
  async function completeness(conn: ShopConnection, from: Date, reason: string): Promise<CompletenessFigures> {
    const { connectionId } = conn;
    const { tiki } = await clients.forConnection(connectionId);
    const codes: string[] = [];
    for await (const page of tiki.listAllOrders({ createdFrom: floorToSecond(from), status: { nin: [...TIKI_PRE_ACCEPTANCE_STATUSES] } })) {
      for (const o of page.items) if (isImportable(asInput(o), from)) codes.push(String(o.code));
      heartbeat({ seen: codes.length });
    }
    const known = await store.knownOrderCodes(connectionId, codes);
    const missing: string[] = [];
    let pending = 0;
    for (const code of codes) {
      if (known.has(code)) continue;
      if (await workflowRunning(conn, code)) {
        // In flight, or failed and waiting in the failure inbox: its order workflow owns it.
        pending++;
        continue;
      }
      missing.push(code);
    }
    for (const code of missing) await dispatch(conn, code, reason);
    // Verify: a repaired order is one that actually reached Haravan, not one that was merely handed on.
    let repaired = 0;
    const until = Date.now() + (missing.length > 0 ? REPAIR_WAIT_MS : 0);
    for (;;) {
      repaired = (await store.knownOrderCodes(connectionId, missing)).size;
      if (repaired === missing.length || Date.now() >= until) break;
      heartbeat({ seen: codes.length, missing: missing.length, repaired });
      await activitySleep(1_000);
    }
    return { seen: codes.length, imported: known.size, pending, missing: missing.length, repaired };
  }

  return {
    /**
     * Completeness: compare Tiki's orders created in a window (default the last `windowMs`, never before the
     * import start) with the imported set; dispatch the missing ones and verify they reached Haravan. The
     * figures (seen / imported / pending / missing / repaired) go to the connection status.
     */
    async checkCompleteness(connectionId: string, windowMs: number): Promise<CompletenessFigures> {
      const record = await connectionOf(store, connectionId);
      const from = new Date(Math.max(Date.now() - windowMs, importStart(record).getTime()));
      const figures = await completeness({ connectionId, shopId: record.shopId }, from, 'completeness');
      await store.setCounters(connectionId, {
        completenessCheckedAt: new Date().toISOString(),
        completenessFrom: from.toISOString(),
        completenessSeen: figures.seen,
        completenessImported: figures.imported,
        completenessPending: figures.pending,
        completenessMissing: figures.missing,
        completenessRepaired: figures.repaired,
      });
      if (figures.repaired > 0) await store.bumpCounters(connectionId, { completenessRepairedTotal: figures.repaired });
      // Each check's figures are kept: the overview draws the verdict per day (domain/overview-charts.ts).
      await store.audit(connectionId, 'order-completeness', { from: from.toISOString(), ...figures });
      // A create Haravan performed after every look-up had missed it leaves two orders for one Tiki code: repair them.
      const duplicatesCancelled = await repairDuplicatesSince(store, (await clients.forConnection(connectionId)).haravan, connectionId, from);
      logger.info({ connectionId, ...figures, duplicatesCancelled }, 'order completeness');
      return figures;
    },

    /** Backfill after `importOrdersSince` is set (at connect or later): import every accepted order created since. */
    async backfillOrders(connectionId: string): Promise<CompletenessFigures> {
      const record = await connectionOf(store, connectionId);
      const figures = await completeness({ connectionId, shopId: record.shopId }, importStart(record), 'backfill');
      if (figures.repaired > 0) await store.bumpCounters(connectionId, { backfilledOrders: figures.repaired });
      await store.audit(connectionId, 'orders-backfilled', { ...figures });
      return figures;
    },
  };
}
