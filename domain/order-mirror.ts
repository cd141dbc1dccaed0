/** What to do on the Haravan order when Tiki's status of the order moves (`mirrorActions`). */
import { stageOf, type Stage } from './order-status';

export type MirrorAction = 'confirm' | 'fulfill' | 'close' | 'cancel' | 'restock-cancel' | 'note';

export interface MirrorOptions {
  /** On: the merchant works the order in Haravan, only cancellations (and a status note) are mirrored. Default off. */
  processOrdersInHaravan?: boolean;
  /** Default on. */
  restockOnCancel?: boolean;
}

/** Forward progress of an order; cancelled and returned are handled separately. */
const PROGRESS_RANK = {
  open: 0,
  awaiting_confirmation: 0,
  confirmed: 1,
  ready_to_ship: 2,
  shipping: 3,
  delivered: 4,
  completed: 5,
} as const satisfies Partial<Record<Stage, number>>;

function progressOf(stage: Stage): number {
  return stage in PROGRESS_RANK ? PROGRESS_RANK[stage as keyof typeof PROGRESS_RANK] : 0;
}

/**
 * What to do on the Haravan order when Tiki's status moves from `prev` (null = just imported, as `queueing`)
 * to `next`:
 * - cancelled or returned on Tiki → cancel the Haravan order, with restock when `restockOnCancel` (a return
 *   brings the shipped goods back); done in both handling modes. Nothing more once already cancelled/returned.
 * - forward progress (process-in-Tiki mode only), every threshold crossed, in order: reaching confirmed →
 *   `confirm`; reaching shipping (handed to the carrier) → `fulfill` (deducts on-hand at the order location);
 *   reaching complete/closed → `close`.
 * - every status change ends with `note` (record Tiki's raw status on the Haravan order); same status → [].
 */
export function mirrorActions(prevTikiStatus: string | null | undefined, nextTikiStatus: string, options: MirrorOptions = {}): MirrorAction[] {
  const prev = prevTikiStatus ?? 'queueing';
  if (prev === nextTikiStatus) return [];
  const from = stageOf(prev);
  const to = stageOf(nextTikiStatus);
  const fromEnded = from === 'cancelled' || from === 'returned';

  if (to === 'cancelled' || to === 'returned') {
    if (fromEnded) return ['note'];
    return [options.restockOnCancel === false ? 'cancel' : 'restock-cancel', 'note'];
  }
  if (fromEnded || options.processOrdersInHaravan) return ['note'];

  const a = progressOf(from);
  const b = progressOf(to);
  const actions: MirrorAction[] = [];
  const crosses = (stage: 'confirmed' | 'shipping' | 'completed') => a < PROGRESS_RANK[stage] && b >= PROGRESS_RANK[stage];
  if (crosses('confirmed')) actions.push('confirm');
  if (crosses('shipping')) actions.push('fulfill');
  if (crosses('completed')) actions.push('close');
  actions.push('note');
  return actions;
}
