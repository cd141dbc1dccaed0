/**
 * Order activities: intake (Tiki event queue + order listing sweep + completeness check) hands each Tiki order to
 * its own lifecycle workflow with signal-with-start; the lifecycle workflow imports it into Haravan exactly once
 * (import.ts), mirrors status changes (mirror.ts) and runs merchant actions on Tiki (actions.ts); an order batch delivers one
 * action to many order workflows and merges their labels (batches.ts, label-pdf.ts).
 */
import type { ActivityDeps } from '../context';
import { createActionActivities } from './actions';
import { createBatchActivities } from './batches';
import { createCompletenessActivities } from './completeness';
import { createDispatcher } from './dispatch';
import { createImportActivities } from './import';
import { createIntakeActivities } from './intake';
import { createMirror, createStatusActivities } from './mirror';

export type { CompletenessFigures, ImportResult, StatusResult } from './types';

export function createOrderActivities(deps: ActivityDeps) {
  const dispatcher = createDispatcher(deps);
  const mirror = createMirror(deps);
  return {
    ...createIntakeActivities(deps, dispatcher),
    ...createCompletenessActivities(deps, dispatcher),
    ...createImportActivities(deps, mirror),
    ...createStatusActivities(deps, mirror),
    ...createActionActivities(deps),
    ...createBatchActivities(deps),
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
