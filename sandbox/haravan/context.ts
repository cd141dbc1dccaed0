/** What the simulator's routers share: state, per-shop buckets, webhooks and switches. */
import type { Response } from 'express';
import { IdRegistry } from './catalog';
import { ServerBucket } from './rate-limit';
import { SandboxState } from './state';
import { RateLimitConfig, ShopData } from './types';
import { WebhookDispatcher } from './webhooks';

export interface SandboxSwitches {
  /** Default bucket (per shop unless the shop's seed overrides it). */
  rateLimit: RateLimitConfig;
  /** Refuse orders for out-of-stock `deny` variants (Haravan's behaviour is unknown; default off). */
  rejectOutOfStock: boolean;
}

export class SandboxContext {
  private readonly buckets = new Map<number, ServerBucket>();

  constructor(
    readonly state: SandboxState,
    readonly webhooks: WebhookDispatcher,
    readonly switches: SandboxSwitches,
  ) {}

  bucketFor(shop: ShopData): ServerBucket {
    let bucket = this.buckets.get(shop.shop.id);
    if (!bucket) {
      bucket = new ServerBucket({
        bucketSize: shop.rateLimit?.bucketSize ?? this.switches.rateLimit.bucketSize,
        leakPerSecond: shop.rateLimit?.leakPerSecond ?? this.switches.rateLimit.leakPerSecond,
      });
      this.buckets.set(shop.shop.id, bucket);
    }
    return bucket;
  }

  resetBuckets(): void {
    this.buckets.clear();
  }

  resetBucket(shopId: number): void {
    this.buckets.delete(shopId);
  }

  /**
   * Id helpers for building `shop`'s catalogue: seeded product/variant ids must be unused in every
   * other shop and in `shop` itself (a shop being replaced no longer holds its old ids).
   */
  ids(shop: ShopData): IdRegistry {
    const state = this.state;
    const holds = (s: ShopData, id: number) => s.products.some((p) => p.id === id || p.variants.some((v) => v.id === id));
    return {
      now: () => state.now(),
      newId: () => state.newId(),
      reserveId: (id) => state.reserveId(id),
      isIdTaken: (id) => holds(shop, id) || state.shops().some((s) => s.shop.id !== shop.shop.id && holds(s, id)),
    };
  }
}

/** The shop authenticated for this request (set by the API's auth middleware). */
export function shopOf(res: Response): ShopData {
  return res.locals.shop as ShopData;
}
