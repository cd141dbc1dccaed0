/**
 * The link run's throttled progress: a heartbeat on every change; the store and a signal to the run's own workflow
 * when domain/link-run.ts `progressDue` says so, so the workflow's `progress` query is live while its history stays a
 * few dozen events whatever the catalogue size.
 */
import { Context } from '@temporalio/activity';
import { heartbeatOrStop } from '../cancellation';
import { progressDue } from '../../domain/link-run';
import { linkRunProgressSignal, type LinkRunFetched, type LinkRunPhase, type LinkRunProgressReport } from '../../workflows/definitions';
import type { ActivityDeps } from '../context';

export type ProgressState = Omit<LinkRunProgressReport, 'attempt' | 'seq'>;
export type ProgressPatch = Partial<Omit<ProgressState, 'fetched'>> & { fetched?: Partial<LinkRunFetched> };

export interface ProgressReporter {
  readonly state: ProgressState;
  /** Record a change; reports when due. `force` (phase boundaries) waits until the report is out. */
  update(patch: ProgressPatch, force?: boolean): Promise<void>;
}

export function progressReporter({ store, temporal, logger }: Pick<ActivityDeps, 'store' | 'temporal' | 'logger'>, runId: string): ProgressReporter {
  const info = safeInfo();
  const startedAt = Date.now();
  let seq = 0;
  let storedAt = 0;
  let signalledAt = 0;
  let signalledPhase: LinkRunPhase | undefined;
  let inFlight: Promise<void> | null = null;
  const state: ProgressState = {
    phase: 'fetching',
    processed: 0,
    total: 0,
    linked: 0,
    errors: 0,
    warnings: 0,
    fetched: { haravanProducts: 0, haravanProductsTotal: null, tikiSkus: 0, tikiSkusTotal: null },
  };

  const send = async (toStore: boolean, toWorkflow: boolean): Promise<void> => {
    const report: LinkRunProgressReport = { ...state, fetched: { ...state.fetched! }, attempt: info?.attempt ?? 1, seq: ++seq };
    await Promise.all([
      toStore ? store.updateLinkRun(runId, { processed: report.processed, total: report.total, linked: report.linked, errors: report.errors, warnings: report.warnings }) : undefined,
      toWorkflow && info
        ? temporal.workflow
            .getHandle(info.workflowId)
            .signal(linkRunProgressSignal, report)
            .catch((err) => logger.debug({ err, runId }, 'link-run progress signal not delivered'))
        : undefined,
    ]);
  };

  return {
    state,
    async update(patch, force = false) {
      const { fetched, ...rest } = patch;
      Object.assign(state, rest);
      if (fetched) Object.assign(state.fetched!, fetched);
      if (info) heartbeatOrStop({ phase: state.phase, processed: state.processed, total: state.total });
      const now = Date.now();
      const due = progressDue({ now, startedAt, storedAt, signalledAt, phase: state.phase, signalledPhase, force });
      if (due.urgent) {
        if (inFlight) await inFlight;
        storedAt = now;
        if (due.signal) {
          signalledAt = now;
          signalledPhase = state.phase;
        }
        await send(true, due.signal);
        return;
      }
      if (inFlight || !(due.store || due.signal)) return;
      if (due.store) storedAt = now;
      if (due.signal) signalledAt = now;
      inFlight = send(due.store, due.signal)
        .catch((err) => logger.warn({ err, runId }, 'link-run progress not recorded'))
        .finally(() => {
          inFlight = null;
        });
    },
  };
}

function safeInfo(): { workflowId: string; attempt: number } | null {
  try {
    const info = Context.current().info;
    const workflowId = info.workflowExecution?.workflowId;
    return workflowId ? { workflowId, attempt: info.attempt } : null;
  } catch {
    return null; // called outside an activity (benchmarks of the function itself)
  }
}
