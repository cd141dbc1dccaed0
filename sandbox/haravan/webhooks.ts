/**
 * Outbound webhook deliveries: POST the resource JSON with `X-Haravan-Topic`, `X-Haravan-Org-Id`
 * and `X-Haravan-Hmac-Sha256` = base64 HMAC-SHA256(secret, raw body); retried on non-2xx.
 * The simulator signs by itself (it imports nothing from the service it plays against).
 */
import { createHmac } from 'crypto';
import { ShopData } from './types';

export interface WebhookDelivery {
  id: number;
  shopId: number;
  subscriptionId: number;
  topic: string;
  url: string;
  attempts: number;
  status: 'pending' | 'delivered' | 'failed';
  lastStatus?: number;
  lastError?: string;
  at: string;
}

export interface WebhookOptions {
  /** Attempts per delivery (default 3). */
  maxAttempts?: number;
  /** Delay before retry n is n × this (default 500 ms). */
  retryDelayMs?: number;
  timeoutMs?: number;
}

const MAX_LOG = 1000;

export class WebhookDispatcher {
  private readonly log: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly controller = new AbortController();
  private nextId = 1;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;

  constructor(options: WebhookOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Queue `payload` for every subscription of the shop that listens to `topic`. */
  emit(shop: ShopData, topic: string, payload: unknown): void {
    if (this.controller.signal.aborted) return;
    const body = JSON.stringify(payload);
    for (const sub of shop.webhooks) {
      if (!sub.topics.includes(topic) && !sub.topics.includes('*')) continue;
      const delivery: WebhookDelivery = {
        id: this.nextId++,
        shopId: shop.shop.id,
        subscriptionId: sub.id,
        topic,
        url: sub.url,
        attempts: 0,
        status: 'pending',
        at: new Date().toISOString(),
      };
      this.log.push(delivery);
      if (this.log.length > MAX_LOG) this.log.shift();
      const headers = {
        'Content-Type': 'application/json; charset=utf-8',
        'X-Haravan-Topic': topic,
        'X-Haravan-Org-Id': String(shop.shop.id),
        'X-Haravan-Hmac-Sha256': createHmac('sha256', sub.secret).update(body).digest('base64'),
      };
      const task = this.deliver(delivery, body, headers).finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
    }
  }

  deliveries(shopId?: number): WebhookDelivery[] {
    return this.log.filter((d) => shopId === undefined || d.shopId === shopId).map((d) => ({ ...d }));
  }

  /** Resolve once every queued delivery has finished (delivered or given up). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Abort pending deliveries and retries. */
  async close(): Promise<void> {
    this.controller.abort();
    await this.flush();
  }

  private async deliver(delivery: WebhookDelivery, body: string, headers: Record<string, string>): Promise<void> {
    const signal = this.controller.signal;
    while (delivery.attempts < this.maxAttempts && !signal.aborted) {
      if (delivery.attempts > 0) await abortableDelay(this.retryDelayMs * delivery.attempts, signal);
      if (signal.aborted) break;
      delivery.attempts++;
      try {
        const res = await fetch(delivery.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        delivery.lastStatus = res.status;
        if (res.ok) {
          delivery.status = 'delivered';
          return;
        }
      } catch (err) {
        delivery.lastError = (err as Error).message;
      }
    }
    delivery.status = 'failed';
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
