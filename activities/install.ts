/**
 * Activities of the Haravan app install (reference haravan-api.md §2.3) and of its token refresh: the id_token
 * check, the code exchange, the shop confirmed by `GET /com/shop.json`, the tokens stored sealed, the webhook
 * subscription, the refresh before expiry. Every Haravan host comes from the settings (`deps.haravanApp`).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { HaravanAccounts, IdTokenError, type TokenAnswer } from '../connectors/haravan/accounts';
import { HaravanClient } from '../connectors/haravan/client';
import { ConnectorError } from '../connectors/errors';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, isShopAdmin, refreshDueAt } from '../domain/haravan-app';
import type { HaravanAppSettings } from '../domain/haravan-app';
import { messageFor } from '../domain/messages';
import { credentialsRejectedSignal, installationRenewedSignal, type InstallGrantInput, type InstallGrantResult, type InstallLoginInput, type InstallLoginResult } from '../workflows/definitions';
import { connectionWorkflowId, installationWorkflowId } from '../workflows/ids';
import type { ActivityDeps } from './context';

const lifetime = (t: TokenAnswer, issuedAt: Date) => new Date(issuedAt.getTime() + (t.expires_in ?? DEFAULT_TOKEN_LIFETIME_SECONDS) * 1000);

export function createInstallActivities(deps: Pick<ActivityDeps, 'store' | 'logger' | 'temporal' | 'taskQueue' | 'haravanApp'>) {
  const { store, logger } = deps;
  let accounts: HaravanAccounts | undefined;
  const app = (): HaravanAppSettings => {
    if (!deps.haravanApp) throw ApplicationFailure.nonRetryable('the worker has no Haravan app settings (HARAVAN_APP_CLIENT_ID)', 'INSTALL_NOT_CONFIGURED');
    return deps.haravanApp;
  };
  // One instance per worker: jose caches the issuer's key set in it.
  const oauth = () => (accounts ??= new HaravanAccounts(app()));

  /** The id_token's claims, or null when a check failed (logged with which one). */
  async function claimsOf(idToken: string, nonce: string) {
    try {
      return await oauth().verifyIdToken(idToken, nonce);
    } catch (err) {
      if (!(err instanceof IdTokenError)) throw err; // the key set could not be read: retried
      logger.warn({ problem: err.problem }, 'id_token refused');
      return null;
    }
  }

  return {
    /** First pass: who signed in, for which shop, and whether they own it. */
    async verifyInstallLogin(input: InstallLoginInput): Promise<InstallLoginResult> {
      const claims = await claimsOf(input.idToken, input.nonce);
      if (!claims || claims.shopId === undefined) return { ok: false, code: 'INSTALL_ID_TOKEN_INVALID' };
      if (!isShopAdmin(claims.role)) return { ok: false, code: 'INSTALL_NOT_ADMIN' };
      return { ok: true, userId: claims.userId, shopId: claims.shopId };
    },

    /** Second pass: check the grant's id_token, exchange the code, confirm the shop, store the tokens sealed. */
    async completeInstall(input: InstallGrantInput): Promise<InstallGrantResult> {
      const claims = await claimsOf(input.idToken, input.nonce);
      if (!claims) return { ok: false, code: 'INSTALL_ID_TOKEN_INVALID' };
      if (!isShopAdmin(claims.role)) return { ok: false, code: 'INSTALL_NOT_ADMIN' };
      if (claims.shopId !== input.shopId) return { ok: false, code: 'INSTALL_SHOP_MISMATCH' };
      let tokens: TokenAnswer;
      const issuedAt = new Date();
      try {
        tokens = await oauth().exchangeCode(input.code, input.redirectUri);
      } catch (err) {
        // A refused code (used, expired, another redirect URI) is an answer; 5xx and network failures are retried.
        if (err instanceof ConnectorError && !err.retryable) {
          logger.warn({ err: err.message }, 'authorization code refused');
          return { ok: false, code: 'INSTALL_FAILED' };
        }
        throw err;
      }
      const client = new HaravanClient({ accessToken: tokens.access_token, baseUrl: app().apiUrl });
      try {
        const shop = await client.getShop();
        if (Number(shop.id) !== input.shopId) return { ok: false, code: 'INSTALL_SHOP_MISMATCH' };
      } finally {
        client.release();
      }
      await store.saveInstallation(input.shopId, {
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        scopes: (tokens.scope ?? '').split(/\s+/).filter(Boolean),
        installedBy: claims.userId,
        issuedAt,
        expiresAt: lifetime(tokens, issuedAt),
      });
      logger.info({ shopId: input.shopId, refreshable: Boolean(tokens.refresh_token) }, 'app installed');
      return { ok: true, userId: claims.userId, shopId: input.shopId };
    },

    /** The shop's webhooks (the app's callback and topics, registered in the partner dashboard). */
    async subscribeShopWebhooks(shopId: number): Promise<void> {
      const tokens = await store.loadInstallationTokens(shopId);
      if (!tokens) return; // uninstalled meanwhile
      await oauth().subscribeWebhooks(tokens.accessToken);
    },

    /** Start the shop's refresh loop, or tell the running one that the tokens are new. */
    async startInstallationRefresh(shopId: number): Promise<void> {
      await deps.temporal.workflow.signalWithStart('installationWorkflow', {
        workflowId: installationWorkflowId(shopId),
        taskQueue: deps.taskQueue,
        args: [shopId],
        signal: installationRenewedSignal,
        staticSummary: `Haravan app token refresh for shop ${shopId}`,
      } as never);
    },

    /** When the access token is to be refreshed (ms since epoch); null when there is nothing to refresh. */
    async installationRefreshDueAt(shopId: number): Promise<number | null> {
      const inst = await store.getInstallation(shopId);
      if (!inst || inst.status !== 'installed') return null;
      return refreshDueAt(Date.parse(inst.issuedAt), Date.parse(inst.expiresAt));
    },

    /** Refresh now. Refused (revoked, rotated away, no refresh token) → the installation is marked and false. */
    async refreshInstallationToken(shopId: number): Promise<boolean> {
      const tokens = await store.loadInstallationTokens(shopId);
      if (!tokens) return true; // uninstalled: nothing to refresh, nothing to report
      const refused = async (why: string) => {
        logger.warn({ shopId, why }, 'installation token refresh refused');
        await store.markInstallationRefreshFailed(shopId);
        return false;
      };
      if (!tokens.refreshToken) return refused('no refresh token (offline_access not granted)');
      const issuedAt = new Date();
      let answer: TokenAnswer;
      try {
        answer = await oauth().refresh(tokens.refreshToken);
      } catch (err) {
        if (err instanceof ConnectorError && !err.retryable) return refused(err.message);
        throw err;
      }
      await store.saveRefreshedTokens(shopId, { accessToken: answer.access_token, refreshToken: answer.refresh_token, issuedAt, expiresAt: lifetime(answer, issuedAt) });
      logger.info({ shopId }, 'installation token refreshed');
      return true;
    },

    /** The shop's connection (if any) goes to attention with HARAVAN_TOKEN_REFRESH_FAILED. */
    async reportRefreshFailed(shopId: number): Promise<void> {
      const m = messageFor('HARAVAN_TOKEN_REFRESH_FAILED');
      await deps.temporal.workflow
        .getHandle(connectionWorkflowId(shopId))
        .signal(credentialsRejectedSignal, { system: 'haravan', code: 'TOKEN_REFRESH_FAILED', message: m.en })
        .catch((err) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
    },
  };
}

export type InstallActivities = ReturnType<typeof createInstallActivities>;
