/**
 * Bulk order work (order batches): which selected orders a batch sends to their order workflow, how an answer
 * becomes the order's outcome, the batch's tally and state, and how each printed label joins the one PDF to print.
 *
 * The action itself is decided where a single action is decided (domain/order-actions.ts `allowedAction`, run by
 * the order's own workflow), so a batch and a single action cannot disagree: the rules here only say what is
 * known before asking (the order is unknown, not imported, finished, or worked on Tiki) and how to read the answer.
 */
import type { BatchAction, BatchItemOutcome, BatchState, OrderAction } from './terms';
import { isTerminal } from './terms';

/** Most orders one batch takes (a day of a busy shop; the dashboard selects at most one page of them at a time). */
export const MAX_BATCH_ORDERS = 500;
/** Orders of one batch worked at the same time: the seller's Tiki budget stays shared with intake and single actions. */
export const BATCH_CONCURRENCY = 4;

/** The merchant order action a batch action runs on each order. */
export function orderActionFor(action: BatchAction): OrderAction {
  return action === 'confirm' ? 'ready-to-ship' : action;
}

/** What the store knows of a selected order before it is sent to its workflow. */
export interface BatchCandidate {
  status: string;
  haravanOrderId?: number | null;
}

/** Codes meaning "this order cannot take the action" (an outcome of `skipped`), as opposed to a failure to do it. */
export const BATCH_SKIP_CODES = ['ORDER_NOT_FOUND', 'ORDER_NOT_IMPORTED', 'PROCESSED_ON_TIKI', 'INVALID_ORDER_STATE'] as const;
export type BatchSkipCode = (typeof BATCH_SKIP_CODES)[number];

/**
 * Why a selected order is skipped before anything is sent, or null when it goes to its order workflow (which checks
 * Tiki's live state with `allowedAction`). An order Tiki decides on is never skipped here from a stale stored status,
 * except a finished one: its workflow has ended and takes no action any more.
 */
export function precheckBatchOrder(order: BatchCandidate | null, processOrdersInHaravan: boolean): BatchSkipCode | null {
  if (!processOrdersInHaravan) return 'PROCESSED_ON_TIKI';
  if (!order) return 'ORDER_NOT_FOUND';
  if (!order.haravanOrderId) return 'ORDER_NOT_IMPORTED';
  if (isTerminal(order.status)) return 'INVALID_ORDER_STATE';
  return null;
}

/** The outcome of an order whose action answered with this failure code. */
export function outcomeOfFailure(code: string): Exclude<BatchItemOutcome, 'pending' | 'done'> {
  return (BATCH_SKIP_CODES as readonly string[]).includes(code) ? 'skipped' : 'failed';
}

/** The selection as sent: codes trimmed, empty ones dropped, each order once, in the order given. */
export function uniqueCodes(codes: readonly string[]): string[] {
  return [...new Set(codes.map((c) => c.trim()).filter((c) => c.length > 0))];
}

export interface BatchTally {
  total: number;
  done: number;
  skipped: number;
  failed: number;
  pending: number;
}

export function tallyBatch(outcomes: readonly BatchItemOutcome[]): BatchTally {
  const t: BatchTally = { total: outcomes.length, done: 0, skipped: 0, failed: 0, pending: 0 };
  for (const o of outcomes) t[o]++;
  return t;
}

/** `running` while an order has no outcome; then `failed` if orders were tried and none got through, else `completed`. */
export function batchState(t: BatchTally): BatchState {
  if (t.pending > 0) return 'running';
  return t.done === 0 && t.failed > 0 ? 'failed' : 'completed';
}

// ---------------------------------------------------------------------------------------------- labels

/** What a label file Tiki served is, by its first bytes (a content type is only a hint: a `.pdf` may be a web page). */
export type LabelKind = 'pdf' | 'png' | 'jpeg' | 'html' | 'unknown';

export function labelKind(contentType: string | null | undefined, head: Uint8Array): LabelKind {
  const starts = (...sig: number[]) => sig.every((b, i) => head[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'pdf'; // %PDF-
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  const text = new TextDecoder().decode(head.subarray(0, 256)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || text.startsWith('<')) return 'html';
  if ((contentType ?? '').toLowerCase().includes('text/html')) return 'html';
  return 'unknown';
}

/** How a label joins the merged PDF: its pages copied, converted (an image becomes a page), or listed apart with a code. */
export type LabelPlacement = { join: 'pages' } | { join: 'image'; format: 'png' | 'jpeg' } | { join: 'apart'; code: LabelApartCode };

export const LABEL_APART_CODES = ['LABEL_NOT_PRINTABLE', 'LABEL_FETCH_FAILED', 'LABEL_URL_REFUSED', 'LABEL_UNREADABLE', 'LABEL_MISSING'] as const;
export type LabelApartCode = (typeof LABEL_APART_CODES)[number];

/** A web page (or anything unknown) cannot be drawn without a browser: it is listed apart, with its link. */
export function labelPlacement(kind: LabelKind): LabelPlacement {
  switch (kind) {
    case 'pdf':
      return { join: 'pages' };
    case 'png':
    case 'jpeg':
      return { join: 'image', format: kind };
    default:
      return { join: 'apart', code: 'LABEL_NOT_PRINTABLE' };
  }
}

/** Hosts Tiki serves label files from (besides the connection's own Tiki base URL, e.g. a sandbox). */
const TIKI_LABEL_HOSTS = ['tiki.vn', 'tikicdn.com'];

/**
 * May the worker fetch this label URL (it comes in a Tiki answer, so it is vendor data)? Only over https from a Tiki
 * host, or from the very origin of the connection's Tiki base URL; never with user info, never another scheme.
 */
export function labelUrlAllowed(url: string, tikiBaseUrl: string): boolean {
  let u: URL;
  let base: URL;
  try {
    u = new URL(url);
    base = new URL(tikiBaseUrl);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.origin === base.origin) return true;
  const host = u.hostname.toLowerCase();
  return u.protocol === 'https:' && TIKI_LABEL_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}

/**
 * Where a done order's label stands: in the merged PDF (its file was kept as a PDF or an image), apart with its code,
 * or not known yet. Once the batch ended, a done order whose label was neither kept nor listed apart had a download
 * that came to nothing: LABEL_FETCH_FAILED.
 */
export function labelStanding(item: { outcome: BatchItemOutcome; labelKind: string | null; labelCode: string | null }, ended: boolean): { label: 'merged' } | { label: 'apart'; code: string } | null {
  if (item.outcome !== 'done') return null;
  if (item.labelCode) return { label: 'apart', code: item.labelCode };
  if (item.labelKind) return { label: 'merged' };
  return ended ? { label: 'apart', code: 'LABEL_FETCH_FAILED' } : null;
}
