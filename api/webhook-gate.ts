/**
 * What a verified Haravan delivery may cost: a replayed delivery (the same signed bytes again within
 * REPLAY_WINDOW_MS) does nothing, and per shop at most one nudge per COALESCE_MS reaches the connection — the
 * product ids of the deliveries in between are merged into the next one (at most MAX_NUDGE_PRODUCTS; beyond
 * that the stock poll, which reads every change anyway, finds the rest). So a flood of valid deliveries costs a
 * shop's Haravan budget a bounded amount. Process-local: with several API replicas each applies its own bound.
 */
import crypto from 'node:crypto';

export const REPLAY_WINDOW_MS = 10 * 60_000;
const MAX_REMEMBERED = 50_000;
export const COALESCE_MS = 5_000;
export const MAX_NUDGE_PRODUCTS = 100;

type Send = (shopId: number, productIds: number[]) => Promise<void>;

export class WebhookGate {
  private readonly seen = new Map<string, number>();
  private readonly shops = new Map<number, { pending: Set<number>; timer: NodeJS.Timeout }>();

  constructor(
    private readonly send: Send,
    private readonly opts: { coalesceMs?: number; replayWindowMs?: number; now?: () => number } = {},
  ) {}

  /** True the first time these exact bytes arrive within the window (then the delivery is acted on). */
  firstDelivery(raw: Buffer): boolean {
    const now = (this.opts.now ?? Date.now)();
    const window = this.opts.replayWindowMs ?? REPLAY_WINDOW_MS;
    const key = crypto.createHash('sha256').update(raw).digest('base64');
    const at = this.seen.get(key);
    if (at !== undefined && now - at < window) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    // Forget the oldest (insertion order = arrival order): expired ones, and any beyond the bound.
    for (const [k, t] of this.seen) {
      if (this.seen.size <= MAX_REMEMBERED && now - t < window) break;
      this.seen.delete(k);
    }
    return true;
  }

  /** Nudge the shop now, or merge into the nudge at the end of its current window. */
  nudge(shopId: number, productIds: number[]): void {
    const state = this.shops.get(shopId);
    if (state) {
      for (const id of productIds) if (state.pending.size < MAX_NUDGE_PRODUCTS) state.pending.add(id);
      return;
    }
    void this.send(shopId, productIds.slice(0, MAX_NUDGE_PRODUCTS));
    this.startWindow(shopId);
  }

  private startWindow(shopId: number): void {
    const timer = setTimeout(() => {
      const s = this.shops.get(shopId);
      this.shops.delete(shopId);
      if (s && s.pending.size > 0) {
        void this.send(shopId, [...s.pending]);
        this.startWindow(shopId);
      }
    }, this.opts.coalesceMs ?? COALESCE_MS);
    timer.unref();
    this.shops.set(shopId, { pending: new Set(), timer });
  }

  close(): void {
    for (const s of this.shops.values()) clearTimeout(s.timer);
    this.shops.clear();
  }
}

/** The shop a delivery is for: the signed body's `org_id` / `orgid` when it has one, else the (unsigned) header. */
export function deliveryShopId(payload: Record<string, unknown>, headerOrgId: string | undefined): number | undefined {
  const signed = payload.org_id ?? payload.orgid;
  const id = Number(signed !== undefined && signed !== null ? signed : headerOrgId);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}
