/**
 * One Tiki order's life in Haravan (`order-<shopId>-<tikiCode>`, started by signal-with-start so a second
 * start is impossible): import exactly once, then mirror Tiki's status changes and run the merchant's
 * actions until the order reaches a terminal state. It watches Tiki's confirmation deadline and flags the
 * order at risk before it; it never acts on the merchant's behalf.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { OrderActivities } from '../activities/orders';
import { historyFull } from './long-lived';
import { OrderActionResult, orderActionUpdate, orderStatusQuery, stopSignal, tikiOrderEventSignal } from './definitions';

export interface OrderInput {
  connectionId: string;
  shopId: number;
  tikiCode: string;
  carried?: { haravanOrderId?: number; status: string; tikiStatus: string; deadlineAt?: string | null; atRisk: boolean };
}

/** POST .../failures/:id/retry: try a permanently failed import again. */
export const retryImportSignal = defineSignal('retryImport');

const ACTIONS = ['print-label', 'ready-to-ship', 'cancel'];
const NOT_ACCEPTED_RECHECK = '5 minutes';

const acts = proxyActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
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
  let atRisk = input.carried?.atRisk ?? false;
  let refresh = false;
  let stopping = false;
  let retryRequested = false;
  let terminal = false;

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
      const res = await actions.runOrderAction(connectionId, tikiCode, action, reason);
      status = res.status;
      tikiStatus = res.tikiStatus;
      return res;
    },
    {
      validator: ({ action }) => {
        if (!ACTIONS.includes(action)) throw ApplicationFailure.nonRetryable(`unknown action ${action}`, 'VALIDATION_FAILED');
        if (!haravanOrderId) throw ApplicationFailure.nonRetryable('the order is not imported yet', 'INVALID_ORDER_STATE');
      },
    },
  );

  // ---------------------------------------------------------------- 1. import exactly once
  while (!haravanOrderId && !stopping) {
    try {
      const res = await acts.importOrder(connectionId, tikiCode);
      status = res.status;
      tikiStatus = res.tikiStatus;
      if (res.state === 'skipped-old') return { status: 'skipped', tikiStatus };
      if (res.state === 'not-accepted') {
        // Not accepted by Tiki yet (payment pending): wait for its event, re-check now and then.
        refresh = false;
        await condition(() => refresh || stopping, NOT_ACCEPTED_RECHECK);
        continue;
      }
      haravanOrderId = res.haravanOrderId;
      deadlineAt = res.deadlineAt ?? null;
      terminal = res.terminal;
    } catch (err) {
      // Failed permanently (already in the failure inbox): wait for a retry request, never drop the order.
      const cause = err instanceof ActivityFailure ? err.cause : err;
      if (cause instanceof ApplicationFailure && cause.type === 'CONNECTION_NOT_ACTIVE') return { status, tikiStatus };
      retryRequested = false;
      await condition(() => retryRequested || stopping);
    }
  }

  // ---------------------------------------------------------------- 2. follow the order to its end
  while (!terminal && !stopping) {
    const untilRisk = deadlineAt && !atRisk ? Math.max(1_000, Date.parse(deadlineAt) - Date.now() - 2 * 3600_000) : undefined;
    const woke = await condition(() => refresh || stopping || historyFull(), untilRisk ?? '1 day');
    if (stopping) break;
    if (historyFull() && !refresh) {
      await condition(allHandlersFinished);
      // A status event is not carried: handle it first, switch on the next turn.
      if (!refresh && !stopping) await continueAsNew<typeof orderWorkflow>({ ...input, carried: { haravanOrderId, status, tikiStatus, deadlineAt, atRisk } });
    }
    if (refresh || !woke) {
      refresh = false;
      const res = await acts.syncOrderStatus(connectionId, tikiCode);
      status = res.status;
      tikiStatus = res.tikiStatus;
      terminal = res.terminal;
      deadlineAt = res.deadlineAt ?? null;
      if (res.atRisk !== atRisk) {
        atRisk = res.atRisk;
        await acts.markAtRisk(connectionId, tikiCode, atRisk);
      }
    }
  }
  await condition(allHandlersFinished);
  return { status, tikiStatus };
}
