/**
 * One Tiki order's create call into Haravan, run by the import (import.ts) under the rules of
 * domain/order-create.ts: an earlier create whose outcome is unknown (its "ambiguous at" marker is in the store)
 * is waited out — the settle window, then several look-ups by the Tiki reference — before a new create may go
 * out. The marker is written right before the request leaves (after the rate-limit wait), cleared when the call
 * is known not to have committed, and cleared by the import once the mapping is recorded; so a worker that dies
 * anywhere in between leaves the marker behind and the next attempt waits rather than creates.
 *
 * The waiting is an activity sleep (the attempt keeps heartbeating); a wait longer than the attempt may still
 * take becomes a retry with that delay. Either way the time waited for is the marker's, not the attempt's, so a
 * restart anywhere resumes the same window.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context, sleep as activitySleep } from '@temporalio/activity';
import { ConnectorError } from '../../connectors/errors';
import type { HaravanClient } from '../../connectors/haravan/client';
import type { HaravanOrder, HaravanOrderInput } from '../../connectors/haravan/index';
import { classifyCreateOutcome, lookupGap, nextCreateStep, type CreateCallEnd, type CreateSettings } from '../../domain/order-create';
import type { Store } from '../../store/store';
import { LOOKUP_SLACK_MS } from './duplicates';

export interface CreateCall {
  store: Store;
  haravan: HaravanClient;
  connectionId: string;
  tikiCode: string;
  body: HaravanOrderInput;
  /** When this order's first create attempt was recorded (lower bound of the look-ups). */
  attemptedAt: string;
  /** An earlier attempt exists (it may have created the order). */
  earlierAttempt: boolean;
  /** Last moment the create may be sent in this activity attempt (domain/order-import.ts). */
  sendBy: number;
  settings: CreateSettings;
}

export interface CreateResult {
  order: HaravanOrder;
  createdNow: boolean;
  /** An earlier create's outcome was unknown when this attempt started: the duplicate repair runs after it. */
  ambiguous: boolean;
}

/** What the end of a failed create call says about whether Haravan may have performed it. */
export function callEndOf(err: unknown): CreateCallEnd {
  if (!(err instanceof ConnectorError)) return { kind: 'timeout' }; // unknown failure: assume the worst
  if (err.code === 'NOT_SENT') return { kind: 'not-sent' };
  if (err.code === 'TIMEOUT') return { kind: 'timeout' };
  if (err.code === 'NETWORK') return { kind: 'network', bodySent: err.bodySent ?? true };
  if (err.status !== undefined) return { kind: 'answered', status: err.status };
  return { kind: 'timeout' };
}

export async function createExactlyOnce(call: CreateCall): Promise<CreateResult> {
  const { store, haravan, connectionId, tikiCode, settings, sendBy } = call;
  const rec = await store.getOrder(connectionId, tikiCode);
  const sentAt = rec?.createSentAt ? Date.parse(rec.createSentAt) : null;
  const ambiguous = sentAt !== null;
  const createdAtMin = new Date(Math.min(sentAt ?? Infinity, Date.parse(call.attemptedAt)) - LOOKUP_SLACK_MS).toISOString();
  const lookUp = () => haravan.findOrderByReference({ tikiCode, createdAtMin });

  if (!ambiguous && call.earlierAttempt) {
    // The earlier create was refused or never sent (its marker was cleared): one look-up covers the rest.
    const found = await lookUp();
    if (found) return { order: found, createdNow: false, ambiguous };
  }
  let lookups = 0;
  for (;;) {
    const step = nextCreateStep({ sentAt, now: Date.now(), lookupsDone: lookups }, settings);
    if (step.kind === 'create') break;
    const waitMs = step.kind === 'wait' ? step.ms : lookupGap(lookups, settings);
    if (Date.now() + waitMs > sendBy) {
      throw ApplicationFailure.create({
        message: `an earlier create of Tiki order ${tikiCode} went unanswered; waiting ${Math.ceil(waitMs / 1000)} s before looking it up`,
        type: 'ORDER_CREATE_SETTLING',
        nextRetryDelay: waitMs,
      });
    }
    if (waitMs > 0) await activitySleep(waitMs);
    if (step.kind === 'look-up') {
      const found = await lookUp();
      lookups++;
      if (found) {
        await store.recordOrderStep(connectionId, tikiCode, 'order-create-settled', { found: true, haravanOrderId: found.id, lookups, sentAt: rec?.createSentAt });
        return { order: found, createdNow: false, ambiguous };
      }
    }
  }
  // Settled and looked up: the earlier create did not commit.
  if (ambiguous) {
    await store.recordOrderStep(connectionId, tikiCode, 'order-create-settled', { found: false, lookups, sentAt: rec?.createSentAt });
    await store.markCreateSent(connectionId, tikiCode, null);
  }
  if (Date.now() >= sendBy || Context.current().cancellationSignal.aborted) {
    throw ApplicationFailure.retryable('the create call would start too late in this attempt; the next attempt looks the order up first', 'ORDER_CREATE_DEFERRED');
  }
  try {
    const order = await haravan.createOrder(call.body, { sendBy, beforeSend: () => store.markCreateSent(connectionId, tikiCode, new Date().toISOString()) });
    return { order, createdNow: true, ambiguous };
  } catch (err) {
    const outcome = classifyCreateOutcome(callEndOf(err));
    if (outcome === 'not-committed') await store.markCreateSent(connectionId, tikiCode, null);
    else await store.recordOrderStep(connectionId, tikiCode, 'order-create-unknown', { code: err instanceof ConnectorError ? err.code : 'UNKNOWN', status: err instanceof ConnectorError ? err.status : undefined });
    throw err;
  }
}
