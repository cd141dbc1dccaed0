/**
 * Idempotence rules of the order side effects: which mirror steps a Haravan order still lacks, and whether a
 * merchant action already landed on Tiki. They let every order activity be retried without doing anything twice.
 */
import type { MirrorAction } from './order-mirror';
import type { OrderAction } from './terms';

/** What the Haravan order shows now, as far as the mirror steps care. */
export interface HaravanOrderState {
  cancelled: boolean;
  confirmed: boolean;
  fulfilled: boolean;
  closed: boolean;
  /** The Tiki status recorded in the order's `tiki_status` note attribute, if any. */
  notedTikiStatus: string | null;
}

/** Read the state from a Haravan order as the API returns it. */
export function haravanOrderState(o: {
  cancelled_status?: string | null;
  cancelled_at?: string | null;
  confirmed_status?: string | null;
  fulfillment_status?: string | null;
  closed_status?: string | null;
  note_attributes?: { name?: unknown; value?: unknown }[] | null;
}): HaravanOrderState {
  const noted = (o.note_attributes ?? []).find((x) => x.name === 'tiki_status')?.value;
  return {
    cancelled: o.cancelled_status === 'cancelled' || !!o.cancelled_at,
    confirmed: o.confirmed_status === 'confirmed',
    fulfilled: o.fulfillment_status === 'fulfilled',
    closed: o.closed_status === 'closed',
    notedTikiStatus: noted === undefined || noted === null ? null : String(noted),
  };
}

/**
 * The steps of `actions` the Haravan order does not show yet (in their order): a cancelled order gets no
 * confirm, fulfilment, close or second cancel; the status note only when it differs from `tikiStatus`.
 */
export function pendingMirrorSteps(actions: readonly MirrorAction[], h: HaravanOrderState, tikiStatus: string): MirrorAction[] {
  return actions.filter((a) => {
    switch (a) {
      case 'confirm':
        return !h.confirmed && !h.cancelled;
      case 'fulfill':
        return !h.cancelled && !h.fulfilled;
      case 'close':
        return !h.cancelled && !h.closed;
      case 'cancel':
      case 'restock-cancel':
        return !h.cancelled;
      case 'note':
        return h.notedTikiStatus !== tikiStatus;
    }
  });
}

/** After a timed-out attempt, did the merchant action's effect already land on Tiki (so it is not repeated)? */
export function alreadyApplied(action: OrderAction, tikiStatus: string, itemConfirmationStatuses: readonly (string | null)[]): boolean {
  if (action === 'cancel') return tikiStatus === 'canceled' || itemConfirmationStatuses.every((s) => s === 'seller_canceled');
  if (action === 'ready-to-ship') return itemConfirmationStatuses.some((s) => s === 'seller_confirmed' || s === 'ready_to_pick' || s === 'confirmed');
  return false;
}
