/**
 * Order activities: intake (Tiki event queue + order listing sweep + completeness check) hands each Tiki order to
 * its own lifecycle workflow with signal-with-start; the lifecycle workflow imports it into Haravan exactly once
 * (import.ts), mirrors status changes (mirror.ts) and runs merchant actions on Tiki (actions.ts).
 */
import type { ActivityDeps } from '../context';
import { createActionActivities } from './actions';
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
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
