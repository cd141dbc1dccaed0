/**
 * The audit trail's bounded retention (domain/audit.ts): one statement set deletes every connection's entries older
 * than `AUDIT_RETENTION_DAYS`, run periodically by workflows/audit-prune.ts. Read at each run, so a changed setting
 * applies from the next prune on.
 */
import { auditCutoff, retentionDaysFrom } from '../domain/audit';
import type { ActivityDeps } from './context';

export interface AuditPruneResult {
  deleted: number;
  /** Entries recorded before this moment (ISO) were deleted. */
  before: string;
  retentionDays: number;
}

export function createAuditPruneActivities(deps: Pick<ActivityDeps, 'store' | 'logger' | 'auditRetentionDays'>, now: () => number = Date.now) {
  return {
    async pruneAuditTrail(): Promise<AuditPruneResult> {
      const retentionDays = deps.auditRetentionDays ?? retentionDaysFrom(process.env.AUDIT_RETENTION_DAYS);
      const before = auditCutoff(now(), retentionDays);
      const deleted = await deps.store.pruneAudit(before);
      if (deleted > 0) deps.logger.info({ deleted, before: before.toISOString(), retentionDays }, 'audit trail pruned');
      return { deleted, before: before.toISOString(), retentionDays };
    },
  };
}

export type AuditPruneActivities = ReturnType<typeof createAuditPruneActivities>;
