/**
 * The long-running delta poll: cheap `updated_at_min` deltas on inventory rows and products every
 * `pollIntervalSeconds`, pushing what changed, so a Haravan change reaches Tiki in seconds. Its Haravan calls
 * jump the shop's rate-limiter queue (they are few and latency-bound; bulk work such as link runs and
 * reconciliation waits behind them). Its rules (cursor, what counts as a new change, when it was seen) are `domain/stock-poll.ts`.
 */
import { Context, heartbeat, sleep as activitySleep } from '@temporalio/activity';
import { bulkReadActive } from '../bulk-reads';
import { isNotLive } from '../context';
import { pollCadence } from '../poll-cadence';
import { HaravanDeltas } from './deltas';
import { pushLinks } from './push-links';
import { emptySummary, finish, merge, type PushSummary } from './summary';
import type { StockDeps } from './types';

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
  const deltas = new HaravanDeltas(store, connectionId);
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
      const round = await deltas.read(haravan, cycleStart);
      const { seen, preloaded } = round;
      if (seen.size > 0) {
        const links = await store.getLinks(connectionId, [...seen.keys()]);
        if (links.length > 0) cycle = merge(cycle, await pushLinks(deps, connectionId, c, links, { haravan, preloaded, seen, skipRefused: true }));
      }
      // Handled (a failed push throws: the retried activity starts with nothing handled and reads them again).
      deltas.accept(round);
      await deltas.storeCursors();
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
