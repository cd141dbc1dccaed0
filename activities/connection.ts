/** Activities of the connection workflow: credential checks and connection bookkeeping. */
import { WorkflowNotFoundError } from '@temporalio/client';
import { ConnectorError } from '../connectors/errors';
import type { Config } from '../domain/config';
import { messageFor } from '../domain/messages';
import { redactVendorText } from '../domain/redact';
import { isCredentialFailureType } from '../domain/vendor-errors';
import { isTerminal, type ConnectionState } from '../domain/terms';
import type { LinkRunRequest, VerificationResult } from '../workflows/definitions';
import { orderWorkflowId, pendingCredentialsId } from '../workflows/ids';
import { stopSignal } from '../workflows/definitions';
import { SA_SHOP_ID } from '../workflows/search-attributes';
import type { Attention } from '../store/types';
import { ActivityDeps, ClientFactory } from './context';

export function createConnectionActivities(deps: ActivityDeps) {
  const { store, logger } = deps;

  /** The caller gets our code and words; what the vendor said goes to the log, redacted. */
  function rejected(code: 'HARAVAN_AUTH_FAILED' | 'HARAVAN_TOKEN_REFRESH_FAILED' | 'TIKI_AUTH_FAILED' | 'SHOP_MISMATCH', detail: string): VerificationResult {
    const m = messageFor(code);
    logger.warn({ code, detail: redactVendorText(detail) }, 'credentials rejected');
    return { ok: false, state: 'failed', code, message: m.en, messageVi: m.vi };
  }

  /** Rejected credentials, or an account the credentials do not reach (404): an answer, not a transient failure. */
  const isCredentialRejection = (e: unknown) => e instanceof ConnectorError && (isCredentialFailureType(e.fullCode) || e.code === 'NOT_FOUND');

  return {
    /**
     * Check both credentials against the real APIs. Rejections are answers (ok: false); only transient
     * failures (network, 5xx, 429) throw, so the workflow's bounded retry covers them.
     * With `pending`, the candidate credentials (PATCH /credentials) are checked and promoted on success.
     */
    async verifyCredentials(connectionId: string, shopId: number, opts: { pending: boolean }): Promise<VerificationResult> {
      const sourceId = opts.pending ? pendingCredentialsId(connectionId) : connectionId;
      const creds = await store.resolveCredentials(sourceId, shopId);
      if (!creds) return rejected('HARAVAN_AUTH_FAILED', 'no credentials stored');
      // A token that can no longer be renewed is not waited out: the merchant installs the app again.
      if (creds.haravan.installation && (await store.getInstallation(shopId))?.status !== 'installed') {
        return rejected('HARAVAN_TOKEN_REFRESH_FAILED', 'the app is not installed or its token could not be renewed');
      }
      const built = ClientFactory.build(creds);
      const { haravan, tiki } = built;
      // A failed check leaves nothing in this process (rate limiter, token), unless the connection's own live
      // clients share them (a replacement checked while connected).
      const releaseUnlessLive = () => {
        if (!deps.clients.has(connectionId)) ClientFactory.release(built);
      };
      const check = async (): Promise<VerificationResult> => {
        const discardPending = async () => {
          if (opts.pending) await store.deleteCredentials(sourceId);
        };
        /** The calls' result, or the answer "rejected" when the vendor turned the credentials down. */
        const unlessRejected = async <T>(code: 'HARAVAN_AUTH_FAILED' | 'TIKI_AUTH_FAILED', calls: () => Promise<T>): Promise<{ value: T } | { rejection: VerificationResult }> => {
          try {
            return { value: await calls() };
          } catch (e) {
            if (!isCredentialRejection(e)) throw e;
            await discardPending();
            return { rejection: rejected(code, (e as Error).message) };
          }
        };
        const h = await unlessRejected('HARAVAN_AUTH_FAILED', () => haravan.getShop());
        if ('rejection' in h) return h.rejection;
        const shop = h.value;
        if (Number(shop.id) !== shopId) {
          await discardPending();
          return rejected('SHOP_MISMATCH', `token belongs to shop ${shop.id}, not ${shopId}`);
        }
        const t = await unlessRejected('TIKI_AUTH_FAILED', async () => ({ seller: await tiki.getSeller(), warehouses: await tiki.listWarehouses() }));
        if ('rejection' in t) return t.rejection;
        const { seller, warehouses } = t.value;
        await store.setTikiSeller(connectionId, {
          id: seller.id ?? undefined,
          sid: seller.sid ?? undefined,
          name: seller.name ?? undefined,
          warehouseIds: warehouses.map((w) => Number(w.id)),
        });
        if (opts.pending) {
          const previous = await store.loadCredentials(connectionId);
          if (previous && JSON.stringify(tikiIdentity(previous.tiki)) !== JSON.stringify(tikiIdentity(creds.tiki))) {
            // The event queue belongs to the old Tiki client/key: start a fresh one (the sweep covers the gap).
            await store.setCursor(connectionId, 'tiki-queue', '');
            await store.setCursor(connectionId, 'tiki-ack', '');
          }
          await store.saveCredentials(connectionId, creds);
          await store.deleteCredentials(sourceId);
          deps.clients.forget(connectionId);
          await store.audit(connectionId, 'credentials-replaced');
        }
        return { ok: true, state: 'connected' };
      };
      try {
        const res = await check();
        if (!res.ok) releaseUnlessLive();
        return res;
      } catch (err) {
        releaseUnlessLive();
        throw err;
      }
    },

    async setConnectionState(connectionId: string, state: ConnectionState, attention: Attention | null): Promise<void> {
      await store.setConnectionState(connectionId, state, attention);
      await store.audit(connectionId, `state:${state}`, attention ?? undefined);
      logger.info({ connectionId, state, attention: attention?.code }, 'connection state');
    },

    /** A failed connect leaves no usable record: credentials are deleted, the state says why. */
    async markConnectionFailed(connectionId: string, failure: { code: string; message: string; messageVi: string }): Promise<void> {
      await store.deleteCredentials(connectionId);
      deps.clients.forget(connectionId);
      await store.setConnectionState(connectionId, 'failed', { code: failure.code, message: failure.message, messageVi: failure.messageVi });
      await store.audit(connectionId, 'connect-failed', { code: failure.code });
    },

    async saveConfig(connectionId: string, config: Config): Promise<void> {
      await store.setConnectionConfig(connectionId, config);
      await store.audit(connectionId, 'config-changed', config);
    },

    async createLinkRun(connectionId: string, runId: string, req: LinkRunRequest): Promise<void> {
      await store.createLinkRun({ runId, connectionId, dryRun: !!req.dryRun, scope: { productIds: req.productIds, all: req.all } });
    },

    /**
     * Ask every open order workflow of the connection to finish its current step and stop: those of its open orders,
     * and those still waiting for Tiki to accept an order (no record yet), found by the shop's search attribute.
     */
    async stopOrderWorkflows(connectionId: string): Promise<number> {
      const conn = await store.getConnection(connectionId);
      if (!conn) return 0;
      const shopId = conn.shopId;
      const ids = new Set<string>();
      for (let page = 1; ; page++) {
        const { items } = await store.listOrders(connectionId, { page, limit: 250 });
        if (items.length === 0) break;
        for (const o of items) if (!isTerminal(o.status)) ids.add(orderWorkflowId(shopId, o.tikiCode));
      }
      const query = `WorkflowType = 'orderWorkflow' AND ExecutionStatus = 'Running' AND ${SA_SHOP_ID.name} = '${shopId}'`;
      for await (const w of deps.temporal.workflow.list({ query })) ids.add(w.workflowId);
      let stopped = 0;
      for (const id of ids) {
        try {
          await deps.temporal.workflow.getHandle(id).signal(stopSignal);
          stopped++;
        } catch {
          // already closed
        }
      }
      return stopped;
    },

    /** Terminate workflows that did not stop when asked (disconnect); each is closed once its call returned. */
    async terminateWorkflows(workflowIds: string[], reason: string): Promise<void> {
      for (const id of workflowIds) {
        const handle = deps.temporal.workflow.getHandle(id);
        await handle.terminate(reason).catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
        logger.warn({ workflowId: id, reason }, 'workflow terminated');
      }
    },

    /** Links and current errors go, credentials are destroyed; orders already imported and the audit log stay. */
    async finalizeDisconnect(connectionId: string): Promise<void> {
      await store.purgeConnectionData(connectionId);
      await store.deleteCredentials(connectionId);
      await store.deleteCredentials(pendingCredentialsId(connectionId));
      deps.clients.forget(connectionId);
      await store.setConnectionState(connectionId, 'disconnected');
      await store.audit(connectionId, 'disconnected');
    },
  };
}

/** Who owns Tiki-side resources such as event queues (the secret may rotate without changing the owner). */
function tikiIdentity(t: { baseUrl?: string } & ({ clientId: string } | { apiKey: string })): unknown {
  return 'clientId' in t ? { baseUrl: t.baseUrl ?? null, clientId: t.clientId } : { baseUrl: t.baseUrl ?? null, apiKey: t.apiKey };
}

export type ConnectionActivities = ReturnType<typeof createConnectionActivities>;
