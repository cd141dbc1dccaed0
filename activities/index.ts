import type { ActivityDeps } from './context';
import { createConnectionActivities } from './connection';
import { createInstallActivities } from './install';
import { createLinkingActivities } from './linking';
import { createOrderActivities } from './orders';
import { createPublishingActivities } from './publishing';
import { createSourcesActivities } from './sources';
import { createStockActivities } from './stock';

/** All activities, bound to their dependencies (the worker registers this object). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createConnectionActivities(deps),
    ...createLinkingActivities(deps),
    ...createStockActivities(deps),
    ...createOrderActivities(deps),
    ...createPublishingActivities(deps),
    ...createSourcesActivities(deps),
    ...createInstallActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
