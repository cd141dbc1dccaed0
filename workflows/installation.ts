/**
 * The Haravan app install, worker side (the API makes no vendor call): two short workflows, one per authorize pass
 * of a browser (api/routes/install.ts waits for their result), and per installed shop a long-lived one that
 * refreshes the access token before it expires (domain/haravan-app.ts `refreshDueAt`). A refresh Haravan refuses
 * ends the loop and puts the shop's connection in attention (HARAVAN_TOKEN_REFRESH_FAILED) until a reinstall,
 * whose `installationRenewedSignal` (or a new run) starts it over.
 */
import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { InstallActivities } from '../activities/install';
import { installationRenewedSignal, type InstallGrantInput, type InstallGrantResult, type InstallLoginInput, type InstallLoginResult } from './definitions';

const acts = proxyActivities<InstallActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});
/** A refresh Haravan cannot answer now is tried again and again (with back-off) until it answers. */
const refreshActs = proxyActivities<InstallActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

export async function installLoginWorkflow(input: InstallLoginInput): Promise<InstallLoginResult> {
  return acts.verifyInstallLogin(input);
}

/** Installed = tokens stored, webhooks subscribed, refresh loop running. */
export async function installGrantWorkflow(input: InstallGrantInput): Promise<InstallGrantResult> {
  const res = await acts.completeInstall(input);
  if (!res.ok) return res;
  await acts.subscribeShopWebhooks(res.shopId);
  await acts.startInstallationRefresh(res.shopId);
  return res;
}

/** Refreshes per run before continuing as new (each is a handful of events). */
const REFRESHES_PER_RUN = 200;

export async function installationWorkflow(shopId: number): Promise<'uninstalled' | 'refresh-failed'> {
  let renewed = false;
  setHandler(installationRenewedSignal, () => {
    renewed = true;
  });
  for (let i = 0; i < REFRESHES_PER_RUN; i++) {
    const dueAt = await acts.installationRefreshDueAt(shopId);
    if (dueAt === null) return 'uninstalled';
    renewed = false;
    const waitMs = dueAt - Date.now();
    if (waitMs > 0 && (await condition(() => renewed, waitMs))) continue; // new tokens: read the due time anew
    if (!(await refreshActs.refreshInstallationToken(shopId))) {
      await acts.reportRefreshFailed(shopId);
      return 'refresh-failed';
    }
  }
  return continueAsNew<typeof installationWorkflow>(shopId);
}
