/** Every workflow the worker runs (bundled from this file). */
export { connectionWorkflow } from './connection';
export { linkRunWorkflow } from './link-run';
export { stockSyncWorkflow } from './stock-sync';
export { orderIntakeWorkflow } from './order-intake';
export { orderWorkflow } from './order';
export { orderBatchWorkflow } from './order-batch';
export { publishWorkflow } from './publish';
export { tikiCatalogWorkflow } from './publishing';
export { readSourcesWorkflow } from './sources';
export { pollShardWorkflow } from './poll-shard';
export { auditPruneWorkflow } from './audit-prune';
export { installLoginWorkflow, installGrantWorkflow, installationWorkflow } from './installation';
