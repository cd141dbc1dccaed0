/**
 * A poll shard (`poll-shard-<task queue>-<k>`, `POLL_MODE=shards`): runs one long heartbeating activity that polls the shard's
 * members (`activities/poll-shard.ts`; membership and schedule rules in `domain/poll-shards.ts`), restarted when
 * it ends. A dead worker is noticed at the missed heartbeat and the activity resumes on another worker from the
 * stored cursors. With no member the activity ends and the shard parks: a join wakes it, and it looks again every
 * `PARKED_RECHECK` in case a wake signal was lost.
 */
import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { PollShardActivities } from '../activities/poll-shard';
import { shardWakeSignal } from './definitions';
import { historyFull } from './long-lived';

export interface PollShardInput {
  shard: number;
  shards: number;
}

/** One shard activity runs this long (a start and a few events each), then the next starts. */
export const SHARD_ACTIVITY_MS = 30 * 60_000;
const PARKED_RECHECK = '10 minutes';

const shardActs = proxyActivities<PollShardActivities>({
  // Above the activity's own duration: it finishes the sweeps and reconciliations in flight before it returns.
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export async function pollShardWorkflow(input: PollShardInput): Promise<void> {
  let woken = false;
  setHandler(shardWakeSignal, () => {
    woken = true;
  });
  for (;;) {
    woken = false;
    const res = await shardActs.pollShard(input.shard, input.shards, { durationMs: SHARD_ACTIVITY_MS });
    if (res.members === 0) await condition(() => woken, PARKED_RECHECK);
    if (historyFull()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof pollShardWorkflow>(input);
    }
  }
}
