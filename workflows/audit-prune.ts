/**
 * The audit trail's periodic prune (`audit-prune-<task queue>`, one per task queue, started by every worker at
 * start-up — the first start wins, the others find it running): prune now, then every `AUDIT_PRUNE_EVERY_MS` on a
 * durable timer, so a restart of every worker neither skips nor repeats a prune. The retention itself
 * (`AUDIT_RETENTION_DAYS`) is read by the activity at each run.
 */
import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import { AUDIT_PRUNE_EVERY_MS } from '../domain/audit';
import type { AuditPruneActivities } from '../activities/audit-prune';
import { historyFull } from './long-lived';

const acts = proxyActivities<AuditPruneActivities>({
  startToCloseTimeout: '10 minutes',
  // A database that does not answer is tried again, spaced, until it does (the next period waits for it).
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function auditPruneWorkflow(): Promise<void> {
  for (;;) {
    await acts.pruneAuditTrail();
    await sleep(AUDIT_PRUNE_EVERY_MS);
    if (historyFull()) await continueAsNew<typeof auditPruneWorkflow>();
  }
}
