/**
 * One Tiki order's life in Haravan (`order-<shopId>-<tikiCode>`, started by signal-with-start, so at most one
 * run is open per order): import exactly once, then mirror Tiki's status changes and run the merchant's actions
 * until the order reaches a terminal state. The store mapping (not this workflow's retention) is what dedupes,
 * so a later run for the same order — after this one closed, or a reset — finds the Haravan order and never
 * creates it again.
 *
 * Deadline: it wakes at Tiki's confirmation deadline minus `atRiskHoursBeforeDeadline` and flags the order at
 * risk (visible in the API). It acts on the merchant's behalf only when `autoConfirmBeforeDeadline` is on (and
 * orders are worked in Haravan): then it confirms availability (ready-to-ship) at that moment.
 *
 * History stays bounded: each wake-up adds a handful of events, and the run continues as new when Temporal
 * suggests it (in every phase), carrying only the small state below.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { OrderActivities } from '../activities/orders';
import { isOrderAction, isTerminal } from '../domain/terms';
import { isCredentialFailureType } from '../domain/vendor-errors';
import { OrderActionResult, orderActionUpdate, orderStatusQuery, retryImportSignal, stopSignal, tikiOrderEventSignal } from './definitions';
import { patchedLock } from './lib/mutex';

export interface OrderInput {
  connectionId: string;
  shopId: number;
  tikiCode: string;
  carried?: {
    haravanOrderId?: number;
    status: string;
    tikiStatus: string;
    deadlineAt?: string | null;
    riskAt?: string | null;
    atRisk: boolean;
    refresh?: boolean;
    autoConfirmed?: boolean;
  };
}

const NOT_ACCEPTED_RECHECK = '5 minutes';
/** A failed import (already in the failure inbox) is tried again by itself this often, besides on request. */
const FAILED_IMPORT_RECHECK = '30 minutes';
const CREDENTIAL_RECHECK = '30 seconds';
/** How long an action waits for the import activity's answer once the API saw the order imported. */
const IMPORT_ANSWER_WAIT = '2 minutes';
/** Without any event, the order is re-read this often (safety net besides the intake's sweep). */
const IDLE_RECHECK_MS = 86_400_000;

const acts = proxyActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30 },
});
/**
 * The import: a long start-to-close timeout (a create call is only started while 3 minutes of it remain, see
 * activities/orders/import.ts) and a heartbeat on a timer, so a dead worker is noticed in 30 s while a live but slow
 * attempt (e.g. queued behind Haravan's rate limit) is never overlapped by the next one.
 */
const importing = proxyActivities<OrderActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30 },
});
const actions = proxyActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
});

export async function orderWorkflow(input: OrderInput): Promise<{ status: string; tikiStatus: string }> {
  const { connectionId, tikiCode } = input;
  let status = input.carried?.status ?? 'awaiting_confirmation';
  let tikiStatus = input.carried?.tikiStatus ?? 'queueing';
  let haravanOrderId = input.carried?.haravanOrderId;
  let deadlineAt = input.carried?.deadlineAt ?? null;
  let riskAt = input.carried?.riskAt ?? null;
  let atRisk = input.carried?.atRisk ?? false;
  let autoConfirmed = input.carried?.autoConfirmed ?? false;
  let refresh = input.carried?.refresh ?? false;
  let stopping = false;
  let retryRequested = false;
  let terminal = false;
  // Status syncs and merchant actions touch the same order: one at a time. patched(): runs started before kept the
  // flag lock that let two callers of one activation both in (e.g. two actions sent at once).
  const order = patchedLock('order-lock-async-mutex');

  setHandler(tikiOrderEventSignal, () => {
    refresh = true;
  });
  setHandler(stopSignal, () => {
    stopping = true;
  });
  setHandler(retryImportSignal, () => {
    retryRequested = true;
  });
  setHandler(orderStatusQuery, () => ({ tikiCode, status, tikiStatus, haravanOrderId, atRisk }));
  setHandler(
    orderActionUpdate,
    async ({ action, reason }): Promise<OrderActionResult> => {
      // The import activity records the Haravan order before it answers (its last steps still run), so an action the
      // API let through on that record can arrive first: it waits for the answer rather than being refused.
      if (!haravanOrderId) await condition(() => !!haravanOrderId || terminal || stopping, IMPORT_ANSWER_WAIT);
      if (!haravanOrderId) throw ApplicationFailure.nonRetryable('the order is not imported yet', 'INVALID_ORDER_STATE');
      const res = await order.runExclusive(() => actions.runOrderAction(connectionId, tikiCode, action, reason));
      status = res.status;
      tikiStatus = res.tikiStatus;
      if (isTerminal(res.status)) terminal = true;
      return res;
    },
    {
      validator: ({ action }) => {
        if (!isOrderAction(action)) throw ApplicationFailure.nonRetryable(`unknown action ${action}`, 'VALIDATION_FAILED');
        if (terminal) throw ApplicationFailure.nonRetryable(`the order is ${status}`, 'INVALID_ORDER_STATE');
      },
    },
  );

  const carry = (): Promise<never> =>
    continueAsNew<typeof orderWorkflow>({
      ...input,
      carried: { haravanOrderId, status, tikiStatus, deadlineAt, riskAt, atRisk, refresh, autoConfirmed },
    });

  // ---------------------------------------------------------------- 1. import exactly once
  while (!haravanOrderId && !stopping) {
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await carry();
    }
    try {
      refresh = false;
      const res = await importing.importOrder(connectionId, tikiCode);
      status = res.status;
      tikiStatus = res.tikiStatus;
      if (res.state === 'skipped-old') {
        await condition(allHandlersFinished);
        return { status: 'skipped', tikiStatus };
      }
      if (res.state === 'not-accepted') {
        // Not accepted by Tiki yet (payment pending): wait for its event, re-check now and then.
        await condition(() => refresh || stopping || workflowInfo().continueAsNewSuggested, NOT_ACCEPTED_RECHECK);
        continue;
      }
      haravanOrderId = res.haravanOrderId;
      deadlineAt = res.deadlineAt ?? null;
      riskAt = res.riskAt ?? null;
      terminal = res.terminal;
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err;
      if (cause instanceof ApplicationFailure && cause.type === 'CONNECTION_NOT_ACTIVE') return { status, tikiStatus };
      // Failed for good (non-retryable, or retries exhausted): make sure it is in the failure inbox, then wait
      // for a retry request, a new Tiki event, or the periodic re-check — an order is never dropped.
      const code = cause instanceof ApplicationFailure ? (cause.type ?? 'ORDER_IMPORT_FAILED') : 'ORDER_IMPORT_FAILED';
      const detail = (cause as Error | undefined)?.message ?? String(cause);
      // The inbox shows the failure once it is recorded, so a retry (or a Tiki event) can arrive before the record's
      // activity has answered: what arrives from here on counts. patched(): runs started before forgot it, and waited.
      const keepEarlyWake = patched('order-retry-while-recording');
      if (keepEarlyWake) retryRequested = refresh = false;
      // The status and the vendor's error code the worker's interceptor put in the details (activities/errors.ts).
      const facts = cause instanceof ApplicationFailure ? (cause.details?.[0] as { status?: number; vendorCode?: string } | undefined) : undefined;
      await acts.recordImportFailure(connectionId, tikiCode, code, detail, { status: facts?.status ?? undefined, vendorCode: facts?.vendorCode ?? undefined }).catch((e) => log.warn('could not record the failure', { error: String(e) }));
      if (!keepEarlyWake) retryRequested = refresh = false;
      // Rejected credentials are not the order's fault: the connection goes to attention and resumes by itself, so
      // re-check soon rather than in half an hour (the sweep after a resume leaves records without a status change).
      await condition(() => retryRequested || refresh || stopping || workflowInfo().continueAsNewSuggested, isCredentialFailureType(code) ? CREDENTIAL_RECHECK : FAILED_IMPORT_RECHECK);
    }
  }

  // ---------------------------------------------------------------- 2. follow the order to its end
  while (haravanOrderId && !terminal && !stopping) {
    // Wake on a Tiki event, at the at-risk moment (at once when it has already come), or daily as a safety net.
    const untilRisk = riskAt && !atRisk ? Math.max(1, Date.parse(riskAt) - Date.now()) : undefined;
    const woke = await condition(() => refresh || stopping || terminal || workflowInfo().continueAsNewSuggested, Math.min(untilRisk ?? IDLE_RECHECK_MS, IDLE_RECHECK_MS));
    if (stopping || terminal) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await carry();
    }
    const dueForRisk = untilRisk !== undefined && Date.now() >= Date.parse(riskAt!);
    if (refresh || !woke || dueForRisk) {
      refresh = false;
      const res = await order.runExclusive(() => acts.syncOrderStatus(connectionId, tikiCode));
      status = res.status;
      tikiStatus = res.tikiStatus;
      terminal = terminal || res.terminal;
      deadlineAt = res.deadlineAt ?? null;
      riskAt = res.riskAt ?? null;
      if (res.atRisk !== atRisk) {
        atRisk = res.atRisk;
        await acts.markAtRisk(connectionId, tikiCode, atRisk);
      }
      if (atRisk && res.autoConfirm && !autoConfirmed && status === 'awaiting_confirmation' && !terminal) {
        // Opted in: confirm availability before Tiki cancels the order. Tried once; a failure stays visible.
        autoConfirmed = true;
        try {
          const r = await order.runExclusive(() => actions.runOrderAction(connectionId, tikiCode, 'ready-to-ship', 'auto-confirm before the Tiki deadline'));
          status = r.status;
          tikiStatus = r.tikiStatus;
        } catch (err) {
          log.warn('auto-confirm failed', { tikiCode, error: String(err) });
        }
      }
    }
  }
  await condition(allHandlersFinished);
  return { status, tikiStatus };
}
