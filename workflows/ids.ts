/**
 * Every id of ours in one place. Deterministic workflow ids make duplicates impossible (one connection per shop, one
 * workflow per order). Ids are only ever built, never parsed: code that needs the shop id of a connection reads it
 * from the connection record (or takes it as an input).
 */
export const connectionIdForShop = (shopId: number): string => `conn-${shopId}`;
export const connectionWorkflowId = (shopId: number): string => `connection-${shopId}`;
export const stockSyncWorkflowId = (shopId: number): string => `stock-sync-${shopId}`;
export const orderIntakeWorkflowId = (shopId: number): string => `order-intake-${shopId}`;
/**
 * The poll shards (domain/poll-shards.ts): `POLL_SHARDS` of them per task queue, numbered 0…n-1. The task queue is
 * in the id because a shard polls what its workers' database holds: two deployments sharing a namespace (staging
 * beside production, a bench beside the prod-shape service) must not meet in one shard workflow.
 */
export const pollShardWorkflowId = (taskQueue: string, shard: number): string => `poll-shard-${taskQueue}-${shard}`;
/** The audit trail's periodic prune (workflows/audit-prune.ts): one per task queue. */
export const auditPruneWorkflowId = (taskQueue: string): string => `audit-prune-${taskQueue}`;
export const linkRunWorkflowId = (shopId: number, runId: string): string => `link-run-${shopId}-${runId}`;
export const orderWorkflowId = (shopId: number, tikiCode: string): string => `order-${shopId}-${tikiCode}`;
/** Where PATCH .../credentials keeps the candidate credentials until they are verified (then promoted or deleted). */
export const pendingCredentialsId = (connectionId: string): string => `${connectionId}#pending`;
/** One read of the settings form's sources per shop at a time (concurrent requests share it). */
export const sourcesWorkflowId = (shopId: number): string => `sources-${shopId}`;
/** One publish workflow per Tiki product request: a resubmission (attempt n) is a new workflow. */
export const publishWorkflowId = (shopId: number, pubId: string, attempt: number): string => `publish-${shopId}-${pubId}-${attempt}`;
export const tikiCatalogWorkflowId = (connectionId: string, categoryId?: number): string => `tiki-catalog-${connectionId}-${categoryId ?? 'tree'}`;
/** One workflow per bulk order job. */
export const orderBatchWorkflowId = (shopId: number, batchId: string): string => `order-batch-${shopId}-${batchId}`;
/** The shop's app installation: its token refresh loop (workflows/installation.ts). */
export const installationWorkflowId = (shopId: number): string => `installation-${shopId}`;
/** One step of an install in a browser (`state` is that attempt's random value): login check or grant. */
export const installStepWorkflowId = (step: 'login' | 'grant', state: string): string => `install-${step}-${state}`;
