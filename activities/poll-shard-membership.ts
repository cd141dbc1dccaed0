/**
 * Poll shard membership (`POLL_MODE=shards`, rules in `domain/poll-shards.ts`): the connection workflow joins its
 * shard on connect and on resume and leaves it on disconnect. Membership is derived: a shard reads its members from
 * the store (the `poll-shard` marker of each connected connection), so the wake signal is only a shortcut.
 */
import { pollModeFrom, shardCountFrom, shardKey, shardOf, type PollMode } from '../domain/poll-shards';
import { shardWakeSignal } from '../workflows/definitions';
import { pollShardWorkflowId } from '../workflows/ids';
import type { ActivityDeps } from './context';

export function createPollShardMembershipActivities({
  store,
  temporal,
  taskQueue,
}: Pick<ActivityDeps, 'store' | 'temporal' | 'taskQueue'>) {
  return {
    /**
     * A connection joins its poll shard (the connection workflow, on connect and on resume): its join marker is
     * stored and the shard workflow started or woken. Per-connection mode: nothing, the children poll themselves.
     */
    async joinPollShard(connectionId: string): Promise<PollMode> {
      const mode = pollModeFrom(process.env.POLL_MODE);
      if (mode !== 'shards') return mode;
      const key = shardKey(connectionId);
      const shards = shardCountFrom(process.env.POLL_SHARDS);
      const shard = shardOf(key, shards);
      await store.setCursor(connectionId, 'poll-shard', String(key));
      await temporal.workflow.signalWithStart('pollShardWorkflow', {
        taskQueue,
        workflowId: pollShardWorkflowId(taskQueue, shard),
        args: [{ shard, shards }],
        signal: shardWakeSignal,
        signalArgs: [],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        staticSummary: `Poll shard ${shard} of ${shards}`,
      } as never);
      return mode;
    },

    /** A connection leaves its shard (disconnect): the marker goes, the shard drops it at its next refresh. */
    async leavePollShard(connectionId: string): Promise<void> {
      await store.deleteCursor(connectionId, 'poll-shard');
    },
  };
}

export type PollShardMembershipActivities = ReturnType<typeof createPollShardMembershipActivities>;
