/**
 * The poll shards (`POLL_MODE=shards`, rules in `domain/poll-shards.ts`): one long heartbeating activity per shard
 * workflow polls every member of its shard — Haravan deltas, the Tiki event queue, and, when due, the order sweep
 * and the reconciliation — with bounded concurrency (`POLL_SHARD_CONCURRENCY` light tasks, `POLL_SHARD_HEAVY`
 * sweeps/reconciliations at once), each shop's own rate limiters (its clients), and the adaptive idle cadence.
 *
 * Work goes to a connection's workflows only when something changed, at least once:
 * - linked variants changed on Haravan: a `stockChanges` signal to its stock sync with the cursors; the push stores
 *   them (`pushPolledChanges`). Until then the shard keeps them in memory only, so a shard that dies re-reads the
 *   changes from the stored cursors and hands them on again (the push is idempotent).
 * - Tiki events: each order to its lifecycle workflow (signal-with-start, idempotent), then the ack id is stored.
 * - Credentials rejected: a `credentialsRejected` signal to the connection workflow (attention: it leaves the shard).
 *
 * Joining and leaving a shard is the connection workflow's (`poll-shard-membership.ts`).
 */
import { Context, heartbeat } from '@temporalio/activity';
import type { SignalDefinition } from '@temporalio/common';
import { ConnectorError } from '../connectors/errors';
import { reconcileDueAt, sweepDueAt, taskRetryDelayMs } from '../domain/poll-shards';
import { isCredentialFailureType } from '../domain/vendor-errors';
import type { PollShardMember } from '../store/types';
import { credentialsRejectedSignal, stockChangesSignal } from '../workflows/definitions';
import { connectionWorkflowId, stockSyncWorkflowId } from '../workflows/ids';
import { bulkReadActive } from './bulk-reads';
import { DueQueue } from './due-queue';
import { isNotLive, type ActivityDeps } from './context';
import { TikiEventQueue } from './orders/event-queue';
import type { Dispatcher } from './orders/dispatch';
import { pollCadence } from './poll-cadence';
import { HaravanDeltas } from './stock/deltas';

/** A shard re-reads its members this often (a join, a leave or a lost signal shows within it). */
export const SHARD_REFRESH_MS = 3_000;
/** A shard with no member for this long ends its activity; its workflow parks until a join wakes it. */
export const SHARD_PARK_AFTER_MS = 60_000;
const CLIENTS_MAX_AGE_MS = 60_000;
/**
 * The loop wakes at every task's end (hundreds of times a second on a full shard); it heartbeats at most this often.
 * Each SDK heartbeat encodes its details through the data converter and codec and crosses into Core, which
 * throttles what it sends to the server anyway — far below the shard's 30 s heartbeat timeout.
 */
export const SHARD_HEARTBEAT_EVERY_MS = 1_000;
const KINDS = ['haravan', 'tiki', 'sweep', 'reconcile'] as const;
type Kind = (typeof KINDS)[number];
const HEAVY: ReadonlySet<Kind> = new Set(['sweep', 'reconcile']);

export interface PollShardJobs {
  dispatcher: Dispatcher;
  sweepOrders(connectionId: string): Promise<unknown>;
  reconcile(connectionId: string): Promise<unknown>;
}

export interface PollShardResult {
  members: number;
  tasks: number;
  handedStock: number;
  events: number;
}

/** One task of a member. */
interface MemberTask {
  m: MemberState;
  kind: Kind;
}

interface MemberState {
  member: PollShardMember;
  deltas: HaravanDeltas;
  events: TikiEventQueue;
  due: Record<Kind, number>;
  failures: Record<Kind, number>;
  busy: Set<Kind>;
  reported: boolean;
}

const limit = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : fallback;
};

export function createPollShardActivities(deps: ActivityDeps, jobs: PollShardJobs) {
  const { store, temporal, logger, clients } = deps;

  async function signalOrThrow<T>(workflowId: string, signal: SignalDefinition<[T]>, arg: T): Promise<void> {
    await temporal.workflow.getHandle(workflowId).signal(signal, arg);
  }

  class ShardPoller {
    readonly members = new Map<string, MemberState>();
    /** The members' tasks by due time, light and heavy apart (each kind has its own slots). */
    private readonly queues = {
      light: new DueQueue<MemberTask>((t, at) => this.isCurrent(t, at)),
      heavy: new DueQueue<MemberTask>((t, at) => this.isCurrent(t, at)),
    };
    private light = 0;
    private heavy = 0;
    private ended: () => void = () => undefined;
    readonly result: PollShardResult = { members: 0, tasks: 0, handedStock: 0, events: 0 };
    private readonly maxLight = limit('POLL_SHARD_CONCURRENCY', 32);
    private readonly maxHeavy = limit('POLL_SHARD_HEAVY', 2);

    constructor(
      private readonly shard: number,
      private readonly shards: number,
    ) {}

    async refresh(now: number): Promise<void> {
      const rows = await store.listPollShardMembers(this.shard, this.shards);
      const ids = new Set(rows.map((r) => r.connectionId));
      for (const id of this.members.keys()) if (!ids.has(id)) this.members.delete(id);
      for (const member of rows) {
        const prev = this.members.get(member.connectionId);
        const m: MemberState = prev ?? {
          member,
          deltas: new HaravanDeltas(store, member.connectionId),
          events: new TikiEventQueue(store, jobs.dispatcher, { connectionId: member.connectionId, shopId: member.shopId }),
          due: { haravan: now, tiki: now, sweep: now, reconcile: now },
          failures: { haravan: 0, tiki: 0, sweep: 0, reconcile: 0 },
          busy: new Set(),
          reported: false,
        };
        m.member = member;
        // The periodic jobs are due from what the store holds (a new interval applies at once).
        const sweep = sweepDueAt(member.lastSweepAt, member.config.orderSweepIntervalSeconds, now);
        const reconcile = reconcileDueAt(member.lastReconcileAt, member.connectedAt, member.config.reconcileIntervalSeconds, now);
        if (!prev) {
          m.due.sweep = sweep;
          m.due.reconcile = reconcile;
          this.members.set(member.connectionId, m);
          for (const kind of KINDS) this.enqueue(m, kind);
          continue;
        }
        if (!m.busy.has('sweep') && m.failures.sweep === 0) this.setDue(m, 'sweep', sweep, now);
        if (!m.busy.has('reconcile') && m.failures.reconcile === 0) this.setDue(m, 'reconcile', reconcile, now);
      }
      this.result.members = Math.max(this.result.members, this.members.size);
    }

    /** Start every due task there is a slot for; returns when the next one falls due (a task's end wakes it sooner). */
    startDue(now: number, until: number): number {
      const start = (t: MemberTask) => this.start(t.m, t.kind);
      const light = this.queues.light.drain(now, () => this.light < this.maxLight, start);
      const heavy = this.queues.heavy.drain(now, () => this.heavy < this.maxHeavy, start);
      // A task waiting for a slot is started at the next task's end (it wakes the loop), or 50 ms from now.
      return Math.min(until, Math.max(Math.min(light, heavy), now + 50));
    }

    private isCurrent({ m, kind }: MemberTask, at: number): boolean {
      return this.members.get(m.member.connectionId) === m && !m.busy.has(kind) && m.due[kind] === at;
    }

    /** A task already due stays queued at its earlier time (waiting for a slot, it is not queued again each refresh). */
    private setDue(m: MemberState, kind: Kind, at: number, now: number): void {
      if (m.due[kind] === at || (m.due[kind] <= now && at <= now)) return;
      m.due[kind] = at;
      this.enqueue(m, kind);
    }

    private enqueue(m: MemberState, kind: Kind): void {
      const at = m.due[kind];
      (HEAVY.has(kind) ? this.queues.heavy : this.queues.light).push({ m, kind }, at);
    }

    /** Resolves when a task ended or after `ms`. */
    wait(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.ended = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }

    /** Ends the current wait at once. */
    wake(): void {
      this.ended();
    }

    get running(): number {
      return this.light + this.heavy;
    }

    private start(m: MemberState, kind: Kind): void {
      const heavy = HEAVY.has(kind);
      if (heavy) this.heavy++;
      else this.light++;
      m.busy.add(kind);
      this.result.tasks++;
      void this.run(m, kind).finally(() => {
        if (heavy) this.heavy--;
        else this.light--;
        m.busy.delete(kind);
        this.enqueue(m, kind);
        this.ended();
      });
    }

    private async run(m: MemberState, kind: Kind): Promise<void> {
      const { connectionId } = m.member;
      try {
        m.due[kind] = await this.task(m, kind);
        m.failures[kind] = 0;
      } catch (err) {
        if (isNotLive(err)) {
          this.members.delete(connectionId);
          return;
        }
        m.failures[kind]++;
        m.due[kind] = Date.now() + taskRetryDelayMs(m.failures[kind]);
        if (err instanceof ConnectorError && isCredentialFailureType(err.fullCode)) await this.reportCredentials(m, err);
        else logger.warn({ connectionId, task: kind, failures: m.failures[kind], err: String(err) }, 'poll shard task failed');
      }
    }

    /** One task of a member; returns when it is due again. */
    private async task(m: MemberState, kind: Kind): Promise<number> {
      const { connectionId, shopId, config } = m.member;
      const started = Date.now();
      if (kind === 'reconcile') {
        await jobs.reconcile(connectionId);
        return reconcileDueAt(new Date().toISOString(), null, config.reconcileIntervalSeconds, Date.now());
      }
      const c = await clients.whileConnected(connectionId, { maxAgeMs: CLIENTS_MAX_AGE_MS });
      if (!c) {
        this.members.delete(connectionId);
        return Infinity;
      }
      if (kind === 'sweep') {
        // The sweep lists Tiki's orders only once the event queue and its subscriptions exist (a new member's
        // first sweep runs beside its first pull, which creates them): an order placed between the listing and
        // the subscriptions would be in neither, and wait for the next sweep.
        // Should Tiki refuse the queue (its failure is the pull's to report), the sweep is all there is: it goes on.
        await m.events.ready(c.tiki, c.assertLive).catch((err) => {
          if (isNotLive(err)) throw err;
        });
        await jobs.sweepOrders(connectionId);
        return sweepDueAt(new Date(started).toISOString(), config.orderSweepIntervalSeconds, started);
      }
      if (kind === 'tiki') {
        const res = await m.events.pull(c.tiki, c.assertLive);
        this.result.events += res.events;
        if (res.events > 0 || res.requeued) {
          pollCadence.reset(`tiki:${connectionId}`);
          return Date.now();
        }
        return started + pollCadence.next(`tiki:${connectionId}`, config.orderPollIntervalSeconds * 1000, false);
      }
      const intervalMs = config.pollIntervalSeconds * 1000;
      // A link run or reconciliation of this process is reading the shop: leave it the budget (bulk-reads.ts).
      if (bulkReadActive(connectionId)) return started + intervalMs;
      const round = await m.deltas.read(c.haravan.withPriority('high'), started);
      const links = round.seen.size > 0 ? await store.getLinks(connectionId, [...round.seen.keys()]) : [];
      if (links.length > 0) {
        const linked = new Set(links.map((l) => l.haravanVariantId));
        const seen = [...round.seen].filter(([id]) => linked.has(id)).map(([id, s]): [number, number, number | null] => [id, s.seenAt, s.changedAt ?? null]);
        await signalOrThrow(stockSyncWorkflowId(shopId), stockChangesSignal, { seen, cursors: round.next });
        m.deltas.handedCursors(round);
        m.deltas.accept(round);
        this.result.handedStock++;
      } else {
        m.deltas.accept(round);
        await m.deltas.storeCursors();
      }
      return started + pollCadence.next(`haravan:${connectionId}`, intervalMs, round.seen.size > 0);
    }

    private async reportCredentials(m: MemberState, err: ConnectorError): Promise<void> {
      if (m.reported) return;
      m.reported = true;
      const failure = { system: err.system as 'haravan' | 'tiki', code: err.code, message: err.message };
      await signalOrThrow(connectionWorkflowId(m.member.shopId), credentialsRejectedSignal, failure).catch((e) =>
        logger.warn({ connectionId: m.member.connectionId, err: String(e) }, 'poll shard: connection workflow not reachable'),
      );
    }
  }

  return {
    /** Poll shard `shard` of `shards` for `durationMs`, or until it had no member for `parkAfterMs`. */
    async pollShard(shard: number, shards: number, opts: { durationMs: number; parkAfterMs?: number }): Promise<PollShardResult> {
      const ctx = Context.current();
      const poller = new ShardPoller(shard, shards);
      const deadline = Date.now() + opts.durationMs;
      const parkAfter = opts.parkAfterMs ?? SHARD_PARK_AFTER_MS;
      let refreshedAt = 0;
      let heartbeatAt = 0;
      let memberSeenAt = Date.now();
      const onCancel = () => poller.wake();
      ctx.cancellationSignal.addEventListener('abort', onCancel);
      try {
        while (Date.now() < deadline && !ctx.cancellationSignal.aborted) {
          const now = Date.now();
          if (now - refreshedAt >= SHARD_REFRESH_MS) {
            await poller.refresh(now);
            refreshedAt = now;
          }
          if (poller.members.size > 0 || poller.running > 0) memberSeenAt = now;
          else if (now - memberSeenAt >= parkAfter) break;
          const next = poller.startDue(now, Math.min(deadline, refreshedAt + SHARD_REFRESH_MS));
          if (now - heartbeatAt >= SHARD_HEARTBEAT_EVERY_MS) {
            heartbeat({ members: poller.members.size, running: poller.running });
            heartbeatAt = now;
          }
          await poller.wait(Math.max(1, Math.min(next - Date.now(), 1_000)));
        }
        // Wind down: the tasks in flight finish (a cancelled one stops at its next check), still heartbeating.
        while (poller.running > 0) {
          heartbeat({ members: poller.members.size, running: poller.running, windingDown: true });
          await poller.wait(1_000);
        }
        return poller.result;
      } finally {
        ctx.cancellationSignal.removeEventListener('abort', onCancel);
      }
    },
  };
}

export type PollShardActivities = ReturnType<typeof createPollShardActivities>;
