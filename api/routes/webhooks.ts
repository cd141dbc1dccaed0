/**
 * POST /webhooks/haravan: the raw body's HMAC is verified before anything is parsed; a bad or missing
 * signature is a 401 and nothing happens. Product and order events nudge the connection's stock engine
 * (an order commits stock; a product update may change price, barcode or tracking), through the gate of
 * api/webhook-gate.ts: the shop from the signed body, replays ignored, nudges coalesced per shop.
 */
import express, { Router } from 'express';
import { haravanWebhookMeta, verifyHaravanWebhook } from '../../connectors/haravan/webhook';
import { isActiveConnection } from '../../domain/terms';
import { disconnectUpdate, haravanWebhookSignal } from '../../workflows/definitions';
import { connectionIdForShop, connectionWorkflowId } from '../../workflows/ids';
import { ApiError } from '../errors';
import type { ApiDeps } from '../context';
import { deliveryShopId, WebhookGate } from '../webhook-gate';

export function webhookRoutes(deps: ApiDeps): Router {
  const r = Router();
  const gate = new WebhookGate(
    (shopId, productIds) =>
      deps.client.workflow
        .getHandle(connectionWorkflowId(shopId))
        .signal(haravanWebhookSignal, { topic: 'webhooks', productIds })
        .catch((err) => deps.logger.warn({ err, orgId: shopId }, 'webhook signal failed')),
    { coalesceMs: deps.webhookCoalesceMs },
  );
  r.post('/webhooks/haravan', express.raw({ type: () => true, limit: '2mb' }), async (req, res) => {
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // The app's deliveries are signed with its client secret, a private webhook's with HARAVAN_WEBHOOK_SECRET.
    const secrets = [deps.webhookSecret, deps.haravanApp?.clientSecret].filter((s): s is string => !!s);
    if (!secrets.some((secret) => verifyHaravanWebhook(raw, req.headers as Record<string, string>, secret))) {
      throw new ApiError(401, 'WEBHOOK_SIGNATURE_INVALID');
    }
    const meta = haravanWebhookMeta(req.headers as Record<string, string>);
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ApiError(400, 'VALIDATION_FAILED', 'webhook body is not JSON');
    }
    // The shop is the signed body's (a header is not covered by the signature); a replay does nothing twice.
    const orgId = deliveryShopId(payload, meta.orgId);
    if (!meta.test && orgId !== undefined && gate.firstDelivery(raw)) {
      if (meta.topic === UNINSTALLED_TOPIC) {
        await uninstalled(deps, orgId);
        res.status(200).json({ ok: true });
        return;
      }
      const conn = await deps.store.getConnection(connectionIdForShop(orgId));
      const productIds = productIdsOf(meta.topic ?? '', payload);
      if (conn && isActiveConnection(conn.state) && productIds.length > 0) gate.nudge(orgId, productIds);
    }
    // Acknowledge everything verified (Haravan re-sends on non-2xx).
    res.status(200).json({ ok: true });
  });
  return r;
}

export const UNINSTALLED_TOPIC = 'app/uninstalled';

/**
 * The merchant removed the app: its tokens are forgotten at once, and the shop's connection, when it was made from
 * the installation, disconnects gracefully (its data purged as for any disconnect). A later install starts clean.
 */
async function uninstalled(deps: ApiDeps, shopId: number): Promise<void> {
  if (!(await deps.store.getInstallation(shopId))) return;
  await deps.store.deleteInstallation(shopId);
  const id = connectionIdForShop(shopId);
  const [conn, creds] = await Promise.all([deps.store.getConnection(id), deps.store.loadCredentials(id)]);
  deps.logger.info({ orgId: shopId, connection: conn?.state }, 'app uninstalled');
  if (!conn || !isActiveConnection(conn.state) || !creds?.haravan.installation) return;
  await deps.store.audit(id, 'app-uninstalled', { shopId });
  await deps.client.workflow
    .getHandle(connectionWorkflowId(shopId))
    .executeUpdate(disconnectUpdate)
    .catch((err) => deps.logger.warn({ err, orgId: shopId }, 'disconnect after uninstall failed'));
}

function productIdsOf(topic: string, payload: Record<string, unknown>): number[] {
  if (topic.startsWith('products/')) {
    const id = Number(payload.id);
    return Number.isInteger(id) && id > 0 ? [id] : [];
  }
  if (topic.startsWith('orders/')) {
    const items = Array.isArray(payload.line_items) ? (payload.line_items as { product_id?: unknown }[]) : [];
    return [...new Set(items.map((i) => Number(i.product_id)).filter((n) => Number.isInteger(n) && n > 0))];
  }
  return [];
}
