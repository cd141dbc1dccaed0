/**
 * The shared terms of the product, each listed once: connection states, order statuses and actions, link run
 * states, link issue and sync error codes, severities. Every other place (workflow definitions, the API's zod
 * schemas, the store's types, the dashboard) takes its type from here (`typeof X[number]`) and its checks from
 * the predicates below. No I/O: the dashboard bundles this file.
 */

// ---- connections

/**
 * The states of a connection: `connecting` while the credentials are verified, `connected` while it works,
 * `attention` while a vendor rejects the credentials (work pauses, resumes by itself), `disconnecting` while
 * disconnect stops its children, `disconnected` after, `failed` when connecting did not succeed.
 */
export const CONNECTION_STATES = ['connecting', 'connected', 'attention', 'disconnecting', 'disconnected', 'failed'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** States in which the connection takes merchant requests (config, link runs, pushes, order actions). */
export const ACTIVE_CONNECTION_STATES = ['connected', 'attention'] as const satisfies readonly ConnectionState[];
/** States after which the connection does nothing more; the shop may connect again. */
export const ENDED_CONNECTION_STATES = ['disconnected', 'failed'] as const satisfies readonly ConnectionState[];

export function isActiveConnection(state: string): boolean {
  return (ACTIVE_CONNECTION_STATES as readonly string[]).includes(state);
}

export function isEndedConnection(state: string): boolean {
  return (ENDED_CONNECTION_STATES as readonly string[]).includes(state);
}

// ---- orders

/** Our status of an imported Tiki order, in the order an order moves through them (domain/order-status.ts `ourStatus`). */
export const ORDER_STATUSES = ['awaiting_confirmation', 'confirmed', 'ready_to_ship', 'shipping', 'delivered', 'completed', 'cancelled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses after which nothing more happens to the order. `delivered` is not terminal: a return may follow. */
export const TERMINAL_ORDER_STATUSES = ['completed', 'cancelled', 'returned'] as const satisfies readonly OrderStatus[];

/** Whether an order status (ours; also as read back from the store) is terminal. */
export function isTerminal(status: string): boolean {
  return (TERMINAL_ORDER_STATUSES as readonly string[]).includes(status);
}

/** What the merchant can ask of a Tiki order (domain/order-actions.ts `allowedAction` says when). */
export const ORDER_ACTIONS = ['print-label', 'ready-to-ship', 'cancel'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export function isOrderAction(value: string): value is OrderAction {
  return (ORDER_ACTIONS as readonly string[]).includes(value);
}

/**
 * What a bulk order job (an order batch) can do to many orders at once, as Tiki Seller Center offers it. Each is one
 * merchant order action per order (domain/order-batch.ts `orderActionFor`): `confirm` is Tiki's confirmation of
 * availability, which Tiki's v2 API also treats as "ready to ship", so it runs the `ready-to-ship` action.
 */
export const BATCH_ACTIONS = ['confirm', 'ready-to-ship', 'print-label', 'cancel'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

export function isBatchAction(value: string): value is BatchAction {
  return (BATCH_ACTIONS as readonly string[]).includes(value);
}

/** Outcome of one order in a batch: still to do, done, skipped (the order cannot take the action) or failed. */
export const BATCH_ITEM_OUTCOMES = ['pending', 'done', 'skipped', 'failed'] as const;
export type BatchItemOutcome = (typeof BATCH_ITEM_OUTCOMES)[number];

/** A batch is `running` until every order has an outcome, then `completed` (or `failed` when none got through). */
export const BATCH_STATES = ['running', 'completed', 'failed'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

// ---- link runs and sync errors

export const LINK_RUN_STATES = ['running', 'completed', 'failed'] as const;
export type LinkRunState = (typeof LINK_RUN_STATES)[number];
/** The states a link run ends in. */
export type LinkRunEnd = Exclude<LinkRunState, 'running'>;

/**
 * What a link run reports per variant, in the order the rules are evaluated (domain/linking.ts). A re-run replaces
 * these codes of the products it read; the informational notes come last.
 */
export const LINK_ISSUE_CODES = [
  'MISSING_BARCODE',
  'DUPLICATE_BARCODE_IN_PRODUCT',
  'SUPERSEDED_BY_LATER_PRODUCT',
  'NOT_FOUND_ON_TIKI',
  'PRICE_ABOVE_LIST_PRICE',
  'INVENTORY_NOT_TRACKED',
  'OVERSELL_UNLIMITED',
] as const;
export type LinkIssueCode = (typeof LINK_ISSUE_CODES)[number];

/** Sync errors set while pushing, one variant at a time (not owned by link runs). */
export const PUSH_ISSUE_CODES = ['PRICE_BELOW_TIKI_MINIMUM', 'TIKI_SKU_REJECTED'] as const;
export type PushIssueCode = (typeof PUSH_ISSUE_CODES)[number];

/** Every code a variant's sync error can have. */
export const SYNC_ERROR_CODES = [...LINK_ISSUE_CODES, ...PUSH_ISSUE_CODES] as const;
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

/** A variant's link run result: linked cleanly, or the worst severity among its issues. */
export const LINK_STATUSES = ['linked', 'error', 'warning'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

// ---- publications (issue 17: Haravan products published to Tiki as product requests)

/**
 * The states of a publication: `draft` (pre-checked, not sent yet), `submitted` (Tiki received it: queuing or
 * processing), `in_review` (Tiki's bot, legal or content review), then `approved`, `rejected` (Tiki's reasons;
 * it can be sent again), `failed` (refused when sent, or deleted on Tiki), `expired` (Tiki forgot the track id) or
 * `cancelled` (the connection was disconnected).
 */
export const PUBLICATION_STATES = ['draft', 'submitted', 'in_review', 'approved', 'rejected', 'failed', 'expired', 'cancelled'] as const;
export type PublicationState = (typeof PUBLICATION_STATES)[number];
