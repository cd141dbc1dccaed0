/**
 * The read model and bulk data of the service: connections, encrypted credentials, links, sync errors,
 * link runs, order mappings, remembered Haravan customer ids, failures, cursors, the audit log, merchant sessions, per-shop API tokens, order batches, the audit trail per variant and order, and the stock write log of the overview charts. Workflow state stays small; this is
 * where everything large lives. Every method is one SQL statement (or an idempotent sequence).
 *
 * One facade over one repository per aggregate (store/repos/*.ts): callers hold a `Store` and call its
 * methods by name; which file a method lives in is this module's business.
 */
import type { Db } from './db';
import { migrate } from './migrations';
import type { Keyring } from './secrets';
import { AuditRepo } from './repos/audit';
import { AuditTrailRepo } from './repos/audit-trail';
import { ChartRepo } from './repos/charts';
import { ConnectionRepo } from './repos/connections';
import { CredentialRepo } from './repos/credentials';
import { CursorRepo } from './repos/cursors';
import { CustomerRepo } from './repos/customers';
import { FailureRepo } from './repos/failures';
import { InstallationRepo } from './repos/installations';
import { LinkRunRepo } from './repos/link-runs';
import { LinkRepo } from './repos/links';
import { OrderBatchRepo } from './repos/order-batches';
import { OrderRepo } from './repos/orders';
import { PublicationRepo } from './repos/publications';
import { Repo } from './repos/repo';
import { SessionRepo } from './repos/sessions';
import { SyncErrorRepo } from './repos/sync-errors';
import { TikiCatalogRepo } from './repos/tiki-catalog';

export type { Page } from './repos/repo';
export type { PublicationRecord, PublicationHistoryEntry } from './repos/publications';
export type { CategoryMapping } from './repos/tiki-catalog';
export type { InstallationRecord, InstallationTokens } from './repos/installations';
export type { AuditRecord, AuditTrailEntry } from './repos/audit-trail';
export type { SessionRecord, ShopTokenRecord } from './repos/sessions';
export type { OrderBatchRecord, OrderBatchItemRecord, BatchLabelFile } from './repos/order-batches';

const REPOS = [ConnectionRepo, CredentialRepo, LinkRepo, SyncErrorRepo, LinkRunRepo, CursorRepo, OrderRepo, CustomerRepo, FailureRepo, AuditRepo, AuditTrailRepo, PublicationRepo, TikiCatalogRepo, SessionRepo, OrderBatchRepo, InstallationRepo, ChartRepo];

/* eslint-disable @typescript-eslint/no-unsafe-declaration-merging -- the TypeScript mixin pattern: the interface
   gives Store the repositories' method types, mixIn() below puts their bodies on its prototype (and refuses a
   name defined twice), so the type and the runtime object agree. */
export interface Store extends ConnectionRepo, CredentialRepo, LinkRepo, SyncErrorRepo, LinkRunRepo, CursorRepo, OrderRepo, CustomerRepo, FailureRepo, AuditRepo, AuditTrailRepo, PublicationRepo, TikiCatalogRepo, SessionRepo, OrderBatchRepo, InstallationRepo, ChartRepo {}

export class Store extends Repo {
  /* eslint-enable @typescript-eslint/no-unsafe-declaration-merging */
  constructor(db: Db, keyring: Keyring) {
    super(db, keyring);
  }

  async migrate(): Promise<number[]> {
    return migrate(this.db);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async ping(): Promise<boolean> {
    await this.db.query('SELECT 1');
    return true;
  }
}

/** Copy each repository's methods onto Store's prototype; a name defined twice is a programming error. */
function mixIn(target: { prototype: object }, sources: { prototype: object; name: string }[]): void {
  const owner = new Map<string, string>(Object.getOwnPropertyNames(target.prototype).map((n) => [n, 'Store']));
  for (const source of sources) {
    for (const name of Object.getOwnPropertyNames(source.prototype)) {
      if (name === 'constructor') continue;
      const previous = owner.get(name);
      if (previous) throw new Error(`Store method ${name} is defined by both ${previous} and ${source.name}`);
      owner.set(name, source.name);
      Object.defineProperty(target.prototype, name, Object.getOwnPropertyDescriptor(source.prototype, name)!);
    }
  }
}
mixIn(Store, REPOS);
