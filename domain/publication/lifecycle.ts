/**
 * The life of a Tiki product request as the merchant sees it (issue 17 item 3):
 *
 *  - Tiki's raw request states → our publication states (`queuing|processing|drafted` = submitted; the
 *    `*_awaiting_approve` family, also spelt `*_waiting_approve`, = in review; approved; rejected; deleted = failed);
 *  - when to look again: durable timers that back off from minutes to hours (`nextCheckDelayMs`);
 *  - when to stop waiting: a track id Tiki forgets after 30 days (`TRACK_ID_LIFETIME_MS`);
 *  - rejection reasons in both of Tiki's formats (a JSON string `{errors:[{code,msg,msg_eng,description}],message}`
 *    or a plain string), in the merchant's language (`parseRejectionReasons`).
 */
import { messageFor } from '../messages';
import { foldText } from './text';
import type { PublicationReason, PublicationState } from './types';

export const TERMINAL_PUBLICATION_STATES: readonly PublicationState[] = ['approved', 'rejected', 'failed', 'expired', 'cancelled'];
/** States a merchant may resubmit from (a new Tiki request, the history kept). */
export const RESUBMITTABLE_STATES: readonly PublicationState[] = ['rejected', 'expired', 'failed'];

export const TRACK_ID_LIFETIME_MS = 30 * 24 * 3600_000;

export interface FollowUpSchedule {
  /** First look after this long. */
  firstMs: number;
  /** Never wait longer than this between looks. */
  maxMs: number;
}

/** 2 min, 4, 8, … then every 2 h: ~30 looks for a request that waits 2 days, ~370 for 30 days. */
export const DEFAULT_FOLLOW_UP: FollowUpSchedule = { firstMs: 2 * 60_000, maxMs: 2 * 3600_000 };

export function nextCheckDelayMs(checksDone: number, schedule: FollowUpSchedule = DEFAULT_FOLLOW_UP): number {
  const first = Math.max(1, schedule.firstMs);
  return Math.min(Math.max(first, schedule.maxMs), first * 2 ** Math.min(Math.max(0, checksDone), 30));
}

export function isTrackIdExpired(submittedAtMs: number, nowMs: number): boolean {
  return nowMs - submittedAtMs >= TRACK_ID_LIFETIME_MS;
}

export function publicationStateOf(tikiState: string): PublicationState {
  const s = tikiState.trim().toLowerCase();
  if (s === 'approved' || s === 'update_product_approved') return 'approved';
  if (s === 'rejected') return 'rejected';
  if (s === 'deleted') return 'failed';
  if (s === 'queuing' || s === 'processing' || s === 'drafted') return 'submitted';
  return 'in_review'; // md_/bot_ awaiting|waiting_approve, awaiting_approve, update_product_awaiting_approve, new ones
}

/** Plain-string reasons Tiki is known to send, and what they really mean (tiki-product-requests.md §1). */
const KNOWN_PLAIN_REASONS: { pattern: RegExp; code: string }[] = [{ pattern: /product media is empty|media is empty/, code: 'PUBLISH_REASON_MEDIA' }];

export function parseRejectionReasons(raw: unknown): PublicationReason[] {
  if (raw == null) return [];
  if (Array.isArray(raw)) return raw.flatMap((r) => parseRejectionReasons(r));
  if (typeof raw === 'object') return fromObject(raw as Record<string, unknown>);
  const text = String(raw).trim();
  if (!text) return [];
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return parseRejectionReasons(JSON.parse(text));
    } catch {
      // not JSON after all: a plain reason
    }
  }
  return [plainReason(text)];
}

function fromObject(o: Record<string, unknown>): PublicationReason[] {
  if (Array.isArray(o.errors) && o.errors.length > 0) return o.errors.flatMap((e) => (typeof e === 'string' ? [plainReason(e)] : fromError(e as Record<string, unknown>)));
  if (typeof o.message === 'string' && o.message.trim()) return [plainReason(o.message)];
  return fromError(o);
}

function fromError(e: Record<string, unknown>): PublicationReason[] {
  const str = (k: string) => (typeof e[k] === 'string' && (e[k] as string).trim() ? (e[k] as string).trim() : undefined);
  const en = str('msg_eng') ?? str('description') ?? str('msg') ?? str('message');
  const vi = str('msg') ?? str('description') ?? en;
  if (!en && !vi) return [];
  const data = e.data === undefined || e.data === null ? '' : ` (${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)})`;
  const code = e.code === undefined || e.code === null ? undefined : String(e.code);
  return [{ ...(code ? { code } : {}), message: `${en}${data}`, messageVi: `${vi}${data}` }];
}

function plainReason(text: string): PublicationReason {
  const folded = foldText(text);
  const known = KNOWN_PLAIN_REASONS.find((k) => k.pattern.test(folded));
  if (known) {
    const m = messageFor(known.code);
    return { code: known.code, message: `${m.en} (Tiki: "${text}")`, messageVi: `${m.vi} (Tiki: "${text}")` };
  }
  const m = messageFor('PUBLISH_REJECTED_BY_TIKI');
  return { message: `${m.en}: ${text}`, messageVi: `${m.vi}: ${text}` };
}
