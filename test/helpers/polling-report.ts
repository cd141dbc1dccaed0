/**
 * What a test prints when a connection's change did not arrive in time: where the polling of that connection stood.
 * Its poll shard workflow (status, the pollShard activity's attempt, state, last heartbeat and failure), the
 * connection's own workflows, its stored cursors, its Tiki event queue, and the worker's log lines about it. Every read has its own bound,
 * so a stuck server makes the report shorter, never the test longer.
 */
import { shardCountFrom, shardKey, shardOf } from '../../domain/poll-shards';
import {
  connectionWorkflowId,
  orderIntakeWorkflowId,
  pollShardWorkflowId,
  stockSyncWorkflowId,
} from '../../workflows/ids';
import { get } from './seed';
import type { TestStack } from './stack';

const READ_BOUND_MS = 10_000;
/** temporal.api.enums.v1.PendingActivityState, by number. */
const PENDING_STATE = ['UNSPECIFIED', 'SCHEDULED', 'STARTED', 'CANCEL_REQUESTED', 'PAUSED', 'PAUSE_REQUESTED'];

async function bounded<T>(what: string, p: Promise<T>): Promise<T | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`${what}: no answer in ${READ_BOUND_MS} ms`), READ_BOUND_MS);
  });
  try {
    return await Promise.race([p, late]);
  } catch (err) {
    return `${what}: ${String(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

const iso = (t: unknown): string | undefined => {
  const ts = t as { seconds?: { toNumber(): number } | number; nanos?: number } | null | undefined;
  if (!ts?.seconds) return undefined;
  const s = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(s * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
};

async function describeWorkflow(stack: TestStack, workflowId: string): Promise<unknown> {
  const d = await stack.client.workflow.getHandle(workflowId).describe();
  return {
    status: d.status.name,
    runId: d.runId,
    started: d.startTime.toISOString(),
    historyLength: d.historyLength,
    pending: (d.raw.pendingActivities ?? []).map((a) => ({
      type: a.activityType?.name,
      state: a.state == null ? undefined : PENDING_STATE[a.state],
      attempt: a.attempt,
      lastStarted: iso(a.lastStartedTime),
      lastHeartbeat: iso(a.lastHeartbeatTime),
      scheduled: iso(a.scheduledTime),
      lastFailure: a.lastFailure?.message,
      worker: a.lastWorkerIdentity,
    })),
  };
}

/**
 * The report, one JSON object per line; `logs` is the stack's log sink, if it has one; `workflowIds`, more workflows
 * to describe (an order's lifecycle workflow, say).
 */
export async function pollingReport(
  stack: TestStack,
  connectionId: string,
  shopId: number,
  logs: string[] = [],
  workflowIds: string[] = [],
): Promise<string> {
  const shards = shardCountFrom(process.env.POLL_SHARDS);
  const shard = shardOf(shardKey(connectionId), shards);
  const lines: string[] = [`now ${new Date().toISOString()}, ${connectionId} in shard ${shard} of ${shards}`];
  const ids = [
    pollShardWorkflowId(stack.taskQueue, shard),
    connectionWorkflowId(shopId),
    orderIntakeWorkflowId(shopId),
    stockSyncWorkflowId(shopId),
    ...workflowIds,
  ];
  for (const id of ids) lines.push(`${id}: ${JSON.stringify(await bounded(id, describeWorkflow(stack, id)))}`);
  const cursors = await bounded(
    'cursors',
    stack.store.db.query(`SELECT name, value, updated_at FROM cursors WHERE connection_id = $1`, [connectionId]),
  );
  lines.push(`cursors: ${JSON.stringify(cursors)}`);
  // What Tiki holds for the shop: its event queue(s), how many events each has and how far they are acknowledged.
  const queues = await bounded(
    'tiki queues',
    get(`${stack.tiki.url}/_sandbox/queues`).then((r: { queues: { name: string }[] }) =>
      r.queues.filter((q) => q.name === `haravan-sync-${shopId}`),
    ),
  );
  lines.push(`tiki queues: ${JSON.stringify(queues)}`);
  const mine = logs.filter((l) => l.includes(connectionId) || /poll shard/i.test(l)).slice(-20);
  lines.push(...mine.map((l) => `log: ${l.trim()}`));
  return lines.join('\n');
}
