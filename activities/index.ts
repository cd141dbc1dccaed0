import type { ActivityDeps } from './context';
import { createConnectionActivities } from './connection';
import { createInstallActivities } from './install';
import { createLinkingActivities } from './linking';
import { createOrderActivities } from './orders';
import { createPublishingActivities } from './publishing';
import { createSourcesActivities } from './sources';
import { createStockActivities } from './stock';
import { createPollShardActivities } from './poll-shard';
import { createPollShardMembershipActivities } from './poll-shard-membership';
import { createDispatcher } from './orders/dispatch';
import { createAuditPruneActivities } from './audit-prune';

/** All activities, bound to their dependencies (the worker registers this object). */
export function createActivities(deps: ActivityDeps) {
  const stock = createStockActivities(deps);
  const orders = createOrderActivities(deps);
  return {
    ...createConnectionActivities(deps),
    ...createLinkingActivities(deps),
    ...stock,
    ...orders,
    ...createPollShardActivities(deps, { dispatcher: createDispatcher(deps), sweepOrders: orders.sweepOrders, reconcile: stock.reconcile }),
    ...createPollShardMembershipActivities(deps),
    ...createPublishingActivities(deps),
    ...createSourcesActivities(deps),
    ...createInstallActivities(deps),
    ...createAuditPruneActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
