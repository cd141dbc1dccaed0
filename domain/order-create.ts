/**
 * The create protocol of a Tiki order in Haravan, as rules (activities/orders/import.ts runs it):
 *
 * 1. Every create call's outcome is classified: `committed` (Haravan answered 2xx), `not-committed` (the request
 *    never reached Haravan whole, or Haravan refused it with a 4xx), or `unknown` (a timeout, a connection that broke
 *    after the body was sent, a 5xx of a gateway or of Haravan itself: Haravan may still perform it).
 * 2. While the outcome of a create sent at `sentAt` is unknown, nothing is created again: first the settle window
 *    (longer than Haravan's own request deadline, so a create that was going to commit has committed), then the
 *    order is looked up by its Tiki reference `lookups` times `lookupGapMs` apart (a fresh order may show in the
 *    listing late). Only when none of those finds it is it created again.
 * 3. If two Haravan orders still carry one Tiki code (a listing that lagged past every look-up), the oldest is kept
 *    and the others are cancelled.
 */

/** What is known about one create call once it has ended. */
export type CreateCallEnd =
  | { kind: 'answered'; status: number }
  | { kind: 'timeout' }
  /** The connection failed; `bodySent` = the whole request had been handed to the socket. */
  | { kind: 'network'; bodySent: boolean }
  /** Never sent (e.g. its send deadline passed while it waited for the rate limit). */
  | { kind: 'not-sent' };

export type CreateOutcome = 'committed' | 'not-committed' | 'unknown';

export function classifyCreateOutcome(end: CreateCallEnd): CreateOutcome {
  switch (end.kind) {
    case 'answered':
      if (end.status >= 200 && end.status < 300) return 'committed';
      // 5xx: a gateway gave up on Haravan (502/503/504) or Haravan failed mid-way (500): it may have committed.
      if (end.status >= 500) return 'unknown';
      return 'not-committed';
    case 'timeout':
      return 'unknown';
    case 'network':
      return end.bodySent ? 'unknown' : 'not-committed';
    case 'not-sent':
      return 'not-committed';
  }
}

export interface CreateSettings {
  /** How long after sending an unanswered create the service waits before looking for it. */
  settleMs: number;
  /** Look-ups by Tiki reference after the settle window before a new create may go out (≥ 2). */
  lookups: number;
  /** Gap between two look-ups. */
  lookupGapMs: number;
}

/** Haravan documents no request deadline; 60 s is the usual gateway/load-balancer default (nginx, cloud LBs). */
export const ASSUMED_HARAVAN_REQUEST_DEADLINE_MS = 60_000;
/** Defaults (docs/architecture.md, "Creating a Haravan order exactly once", says why). */
export const DEFAULT_CREATE_SETTINGS: CreateSettings = { settleMs: 90_000, lookups: 3, lookupGapMs: 5_000 };

/** The state of an import with respect to an earlier create whose outcome is unknown. */
export interface AmbiguityState {
  /** When the unanswered create was sent (the store's "ambiguous at" marker); null when none is pending. */
  sentAt: number | null;
  now: number;
  /** Look-ups done since the settle window ended, none of which found the order. */
  lookupsDone: number;
}

export type CreateStep =
  /** Nothing pending: the create may go out. */
  | { kind: 'create' }
  /** Inside the settle window, or between look-ups: wait this long, then decide again. */
  | { kind: 'wait'; ms: number }
  | { kind: 'look-up' };

/** The next step of an import that has not found its order (yet). */
export function nextCreateStep(s: AmbiguityState, settings: CreateSettings): CreateStep {
  if (s.sentAt === null) return { kind: 'create' };
  const settledAt = s.sentAt + settings.settleMs;
  if (s.now < settledAt) return { kind: 'wait', ms: settledAt - s.now };
  if (s.lookupsDone < Math.max(2, settings.lookups)) return { kind: 'look-up' };
  return { kind: 'create' };
}

/** Wait before look-up number `done + 1` (the first follows the settle window at once). */
export function lookupGap(done: number, settings: CreateSettings): number {
  return done === 0 ? 0 : settings.lookupGapMs;
}

/** Read the settings from the environment (`HARAVAN_CREATE_SETTLE_SECONDS`, `..._LOOKUPS`, `..._LOOKUP_GAP_SECONDS`). */
export function createSettingsFrom(env: Record<string, string | undefined>): CreateSettings {
  const num = (v: string | undefined, min: number): number | undefined => {
    const n = Number(v);
    return v !== undefined && v.trim() !== '' && Number.isFinite(n) && n >= min ? n : undefined;
  };
  const d = DEFAULT_CREATE_SETTINGS;
  return {
    settleMs: (num(env.HARAVAN_CREATE_SETTLE_SECONDS, 0) ?? d.settleMs / 1000) * 1000,
    lookups: Math.floor(num(env.HARAVAN_CREATE_LOOKUPS, 2) ?? d.lookups),
    lookupGapMs: (num(env.HARAVAN_CREATE_LOOKUP_GAP_SECONDS, 0) ?? d.lookupGapMs / 1000) * 1000,
  };
}

/** One Haravan order carrying a Tiki code, as far as the duplicate rule needs it. */
export interface TaggedOrder {
  id: number;
  createdAt: string | null;
  cancelled: boolean;
}

/** Keep the oldest order (created first, then lowest id); cancel every other one still live. */
export function duplicatesToCancel(orders: readonly TaggedOrder[]): { keep: TaggedOrder | null; cancel: TaggedOrder[] } {
  if (orders.length === 0) return { keep: null, cancel: [] };
  const at = (o: TaggedOrder) => (o.createdAt ? Date.parse(o.createdAt) : Number.POSITIVE_INFINITY);
  const sorted = [...orders].sort((a, b) => at(a) - at(b) || a.id - b.id);
  const [keep, ...rest] = sorted;
  return { keep, cancel: rest.filter((o) => !o.cancelled) };
}
