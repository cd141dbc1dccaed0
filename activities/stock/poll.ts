/**
 * The long-running delta poll: cheap `updated_at_min` deltas on inventory rows and products every
 * `pollIntervalSeconds`, pushing what changed, so a Haravan change reaches Tiki in seconds. Its Haravan calls
 * jump the shop's rate-limiter queue (they are few and latency-bound; bulk work such as link runs and
 * reconciliation waits behind them). Its rules (cursor, what counts as a new change, when it was seen) are `domain/stock-poll.ts`.
 */
import { Context, heartbeat, sleep as activitySleep } from '@temporalio/activity';
import { inventoryRowFingerprint, nextCursor, noteSeen, pollSince, variantFingerprint, type Seen } from '../../domain/stock-poll';
import { bulkReadActive } from '../bulk-reads';
import { isNotLive } from '../context';
import { pollCadence } from '../poll-cadence';
import { pushLinks } from './push-links';
import { emptySummary, finish, merge, type PushSummary } from './summary';
import type { ProductLike, StockDeps } from './types';

/** How long a delta poll reuses the connection row and its clients before reading them again. */
export const POLL_STATE_MAX_AGE_MS = 60_000;

export interface PollOptions {
  durationMs: number;
  intervalMs: number;
}

/**
 * Poll Haravan for changes every `pollIntervalSeconds` (re-read each cycle, so a config change applies at
 * once) until `durationMs` has passed or the activity is cancelled, pushing affected linked variants.
 * Cursors live in the store, so a crashed poll resumes where it was.
 */
export async function pollHaravanChanges(deps: StockDeps, connectionId: string, opts: PollOptions): Promise<PushSummary> {
  const { store, clients, logger } = deps;
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
      const c = await clients.whileConnected(connectionId, { maxAgeMs: POLL_STATE_MAX_AGE_MS });
      if (!c) {
        logger.info({ connectionId }, 'stock poll ends: the connection was disconnected');
        break;
      }
      const haravan = c.haravan.withPriority('high');
      if (invCursor === undefined || prodCursor === undefined) {
        storedInv = await store.getCursor(connectionId, 'haravan-inventory');
        storedProd = await store.getCursor(connectionId, 'haravan-products');
        invCursor = storedInv ?? new Date(Date.now() - 60_000).toISOString();
        prodCursor = storedProd ?? invCursor;
      }
      const pollStarted = new Date().toISOString();
      const productsSince = pollSince(prodCursor);

      const seen = new Map<number, Seen>();
      const [rows, products] = await Promise.all([
        haravan.listAllInventoryLocations({ updatedAtMin: pollSince(invCursor) }).then((r) => ({ r, at: Date.now() })),
        (async () => {
          const out: (ProductLike & { readAt: number })[] = [];
          for await (const page of haravan.listAllProducts({ updatedAtMin: productsSince })) {
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
        if (!isNew(`i:${r.variant_id}:${r.loc_id}`, inventoryRowFingerprint(r))) continue;
        noteSeen(seen, Number(r.variant_id), rows.at, Date.parse(String(r.updated_at ?? '')) || undefined);
      }
      const preloaded = new Map<number, ProductLike>();
      for (const p of products) {
        preloaded.set(Number(p.id), p);
        for (const v of p.variants ?? []) {
          const updatedAt = (v as { updated_at?: unknown }).updated_at ?? p.updated_at ?? '';
          if (!isNew(`p:${v.id}`, variantFingerprint(updatedAt, v))) continue;
          noteSeen(seen, Number(v.id), p.readAt, Date.parse(String(updatedAt)) || undefined);
        }
      }
      if (seen.size > 0) {
        const links = await store.getLinks(connectionId, [...seen.keys()]);
        if (links.length > 0) cycle = merge(cycle, await pushLinks(deps, connectionId, c, links, { haravan, preloaded, seen, skipRefused: true }));
      }
      // Handled (a failed push throws: the retried activity starts with nothing handled and reads them again).
      handledRows = roundRows;
      const nextInv = nextCursor(rows.r.map((r) => String(r.updated_at ?? '')), invCursor, pollStarted);
      const nextProd = nextCursor(products.map((p) => String(p.updated_at ?? '')), prodCursor, pollStarted);
      // Written when they differ from the stored value (the first round stores the starting point too).
      invCursor = nextInv;
      prodCursor = nextProd;
      if (nextInv !== storedInv) await store.setCursor(connectionId, 'haravan-inventory', (storedInv = nextInv));
      if (nextProd !== storedProd) await store.setCursor(connectionId, 'haravan-products', (storedProd = nextProd));
      if (cycle.considered > 0) total = merge(total, await finish(deps, connectionId, cycle));
      cycle = emptySummary();
      heartbeat({ polls: true });
      // The interval is cycle to cycle: a slow cycle does not add its own duration to the next wait.
      // Adaptive when idle (activities/poll-cadence.ts): the configured interval after a round with changes.
      const wait = Math.min(pollCadence.next(`haravan:${connectionId}`, intervalMs, seen.size > 0) - (Date.now() - cycleStart), deadline - Date.now());
      if (wait > 0) await activitySleep(wait);
    }
    return total;
  } catch (err) {
    if (Context.current().cancellationSignal.aborted) return merge(total, await finish(deps, connectionId, cycle));
    if (isNotLive(err)) {
      logger.info({ connectionId }, 'stock poll ends: the connection is no longer live');
      return total;
    }
    throw err;
  }
}
