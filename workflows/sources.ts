/**
 * Reading the settings form's Haravan locations and Tiki seller warehouses: a short workflow around one activity,
 * so the API makes no vendor call itself (every vendor call runs in the worker, with its clients, rate limits and
 * metrics). The activity answers a side it could not read as a `failure`, not by throwing.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { SourcesActivities } from '../activities/sources';
import type { SourcesRead } from './definitions';

const { readSources } = proxyActivities<SourcesActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/** Null when the connection has no credentials any more (disconnected). */
export async function readSourcesWorkflow(connectionId: string): Promise<SourcesRead | null> {
  return readSources(connectionId);
}
