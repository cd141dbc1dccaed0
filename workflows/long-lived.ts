/**
 * The shape shared by the connection's long-lived children (stock sync, order intake):
 *
 *  - a background poll activity (heartbeating, bounded duration) that is restarted when it ends,
 *  - periodic jobs on durable timers (reconcile, sweeps),
 *  - on-demand jobs queued by signals (push now, webhooks, config changes),
 *  - pause/resume by the parent (credentials rejected → attention), stop on disconnect (the running job and the
 *    poll cancelled, and waited for until their activities ended),
 *  - credentials rejected by Haravan/Tiki are reported to the parent, and the child pauses itself,
 *  - continue-as-new at a fixed history bound (`HISTORY_EVENT_LIMIT` events, or earlier when Temporal
 *    suggests it), after in-flight work and handlers finished; pending on-demand work is carried, never waited for.
 *
 * Jobs run one at a time besides the poll, so the history grows by a handful of events per job.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { isCredentialFailureType } from '../domain/vendor-errors';
import { childStoppedSignal, credentialsRejectedSignal, pauseSignal, stopSignal } from './definitions';
import { backoffMs, type Backoff } from './lib/backoff';

/**
 * Every long-lived workflow continues-as-new once its history passes this many events (or when Temporal
 * suggests it, at 4,096 events / 4 MB, whichever comes first). A run therefore replays at most ~1,000 events
 * when a worker picks it up cold, which keeps the cost of cache evictions flat at 1,000+ connections.
 * `HISTORY_EVENT_CEILING` is the bound a run does not exceed: the margin covers the events that land between
 * the decision and the continue-as-new command (the poll's cancellation reaches it at its next heartbeat,
 * up to ~24 s; update handlers in flight must finish). Measured under a continuous signal + update storm on a
 * loaded 2-core machine (test/workflow/history-bounds.test.ts): up to ~1,900 events. Temporal's own
 * suggestion comes at 4,096 events and its hard limit at 51,200.
 */
export const HISTORY_EVENT_LIMIT = 1_000;
export const HISTORY_EVENT_CEILING = 2_500;

/** True when this run should continue-as-new (fixed bound or Temporal's suggestion). */
export function historyFull(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > HISTORY_EVENT_LIMIT;
}

/** A poll that fails (other than by rejected credentials) restarts after 1 s, 2 s, 4 s… up to a minute, never in a hot loop that floods the history. */
export const POLL_RESTART_BACKOFF: Backoff = { firstMs: 1_000, maxMs: 60_000 };

export interface PeriodicJob {
  name: string;
  intervalMs: () => number;
  /** Epoch ms of the next run (carried across continue-as-new). */
  nextAt: number;
  run: () => Promise<unknown>;
  /** Run at once when the parent resumes the child after a pause (catch up on what the pause held back). */
  runOnResume?: boolean;
}

export interface SupervisorOptions {
  parentWorkflowId: string;
  /** Restarted whenever it returns; cancelled on pause, stop and continue-as-new. */
  poll?: () => Promise<unknown>;
  periodic: PeriodicJob[];
  /** Next on-demand job, or undefined when there is none (called after every wake-up). */
  nextJob: () => (() => Promise<unknown>) | undefined;
  hasJob: () => boolean;
  paused: boolean;
  /** Called when the parent resumes the child after a pause (e.g. queue a catch-up job). */
  onResume?: () => void;
  /** Builds the continue-as-new call with the carried state. */
  continueAsNew: (state: { paused: boolean; nextAt: Record<string, number> }) => Promise<never>;
}

export async function supervise(opts: SupervisorOptions): Promise<void> {
  let paused = opts.paused;
  let stopping = false;
  /** The on-demand or periodic job running now: a stop cancels it (its activity ends at its next heartbeat). */
  let jobScope: CancellationScope | undefined;
  setHandler(stopSignal, () => {
    stopping = true;
    // patched(): workflows that ran before this behaviour replay with the job left to finish.
    if (jobScope && patched('stop-cancels-running-job')) jobScope.cancel();
  });
  // Failed polls in a row, and when the next may start (POLL_RESTART_BACKOFF).
  let pollFailures = 0;
  let pollRetryAt = 0;
  setHandler(pauseSignal, ({ paused: p }) => {
    if (paused && !p) {
      opts.onResume?.();
      for (const job of opts.periodic) if (job.runOnResume) job.nextAt = Date.now();
      pollRetryAt = 0;
      pollFailures = 0;
    }
    paused = p;
  });

  let pollScope: CancellationScope | undefined;
  let pollRunning = false;
  let pollDone = false;
  // A poll failed while the loop waited on a timer set before: wake it, so it sets the back-off timer.
  let pollFailedMeanwhile = false;
  const startPoll = () => {
    if (!opts.poll || pollRunning || Date.now() < pollRetryAt) return;
    pollRunning = true;
    pollDone = false;
    pollScope = new CancellationScope();
    pollScope
      .run(() => opts.poll!())
      .then(() => {
        pollFailures = 0;
      })
      .catch(async (err) => {
        if (isCancellation(err)) return;
        pollFailures++;
        pollRetryAt = Date.now() + backoffMs(POLL_RESTART_BACKOFF, pollFailures - 1);
        await reportIfCredentials(err);
        // patched(): runs started before restarted the poll only at their next wake-up (a periodic job, a signal),
        // up to the reconcile interval later instead of after the back-off.
        if (patched('supervisor-poll-restart-timer')) pollFailedMeanwhile = true;
      })
      .finally(() => {
        pollRunning = false;
        pollDone = true;
      });
  };
  /**
   * Cancel the poll. A stop waits until its activity has ended (nothing of it writes after "stopped"); a pause or a
   * continue-as-new does not wait for that: the cancellation reaches the activity at its next heartbeat (up to
   * ~24 s), and after a pause the next poll starts once it ended.
   */
  const stopPoll = async (untilEnded: boolean) => {
    if (pollRunning) {
      pollScope?.cancel();
      if (untilEnded) await condition(() => !pollRunning);
    }
  };

  const reportIfCredentials = async (err: unknown): Promise<boolean> => {
    const failure = credentialFailure(err);
    if (!failure) {
      log.warn('job failed', { error: String(err) });
      return false;
    }
    paused = true;
    await getExternalWorkflowHandle(opts.parentWorkflowId)
      .signal(credentialsRejectedSignal, failure)
      .catch(() => undefined);
    return true;
  };

  const runJob = async (job: () => Promise<unknown>) => {
    jobScope = new CancellationScope();
    try {
      await jobScope.run(job);
    } catch (err) {
      if (stopping && isCancellation(err)) return;
      await reportIfCredentials(err);
    } finally {
      jobScope = undefined;
    }
  };

  for (;;) {
    if (stopping) break;
    if (paused) {
      await stopPoll(false);
      await condition(() => !paused || stopping);
      continue;
    }
    pollFailedMeanwhile = false;
    startPoll();
    const now = Date.now();
    const nextPeriodic = Math.min(...opts.periodic.map((p) => p.nextAt), now + 86_400_000);
    await condition(
      () => stopping || paused || opts.hasJob() || pollFailedMeanwhile || (pollDone && Date.now() >= pollRetryAt) || historyFull() || Date.now() >= nextPeriodic,
      Math.max(1, (pollDone && pollRetryAt > now ? Math.min(nextPeriodic, pollRetryAt) : nextPeriodic) - now),
    );
    if (stopping || paused) continue;

    // Pending on-demand work and the periodic schedule are part of the carried state, so a full history
    // switches first (a long job or a stream of signals cannot postpone it); the new run does the work.
    if (historyFull()) {
      await stopPoll(false);
      await condition(allHandlersFinished);
      // A stop that arrived while the poll wound down wins (it is not carried): the loop ends instead.
      if (!stopping) await opts.continueAsNew({ paused, nextAt: Object.fromEntries(opts.periodic.map((p) => [p.name, p.nextAt])) });
      continue;
    }

    const job = opts.nextJob();
    if (job) await runJob(job);

    for (const p of opts.periodic) {
      if (Date.now() >= p.nextAt && !stopping && !paused) {
        await runJob(p.run);
        p.nextAt = Date.now() + p.intervalMs();
      }
    }
  }

  // Stop: the running job was cancelled; let the poll finish its current step (cancellation reaches it at its next
  // heartbeat), then report.
  await stopPoll(true);
  await getExternalWorkflowHandle(opts.parentWorkflowId)
    .signal(childStoppedSignal, { workflowId: workflowInfo().workflowId })
    .catch(() => undefined);
  await condition(allHandlersFinished);
}

function credentialFailure(err: unknown): { system: 'haravan' | 'tiki'; code: string; message: string } | null {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    if (e instanceof ApplicationFailure && isCredentialFailureType(e.type)) {
      const [system, ...rest] = e.type.split('_');
      return { system: system.toLowerCase() as 'haravan' | 'tiki', code: rest.join('_'), message: e.message };
    }
    e = e instanceof ActivityFailure ? e.cause : (e as { cause?: unknown }).cause;
  }
  return null;
}
