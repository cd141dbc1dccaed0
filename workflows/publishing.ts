/**
 * The connection workflow's part in publishing (issue 17), kept out of connection.ts: two calls there —
 * `registerPublishing(...)` with the other handlers, and `stopPublishing(...)` on disconnect (behind
 * `patched('publish-children-stop-on-disconnect')`).
 *
 * The `publish` update pre-checks the products (one activity) and, unless it is a dry run, starts one
 * `publishWorkflow` child per product that passed. The children outlive the connection's runs (continue-as-new)
 * — they wait days for Tiki's review — so they are abandoned on close and cancelled explicitly on disconnect.
 */
import { ApplicationFailure, ParentClosePolicy, proxyActivities, setHandler, startChild, uuid4, workflowInfo } from '@temporalio/workflow';
import type { PublishingActivities } from '../activities/publishing';
import type { Config } from '../domain/config';
import { publishUpdate } from './definitions';
import type { PublishWorkflowInput } from './publish';
import { SA_SHOP_ID } from './search-attributes';

const acts = proxyActivities<PublishingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 4 },
});

export interface PublishingHost {
  connectionId: string;
  shopId: number;
  config: () => Config;
  /** Throws CONNECTION_NOT_ACTIVE unless the connection takes new work. */
  requireActive: () => void;
}

export function registerPublishing(host: PublishingHost): void {
  const { connectionId, shopId } = host;
  setHandler(
    publishUpdate,
    async (req) => {
      const batchKey = uuid4().replace(/-/g, '').slice(0, 12);
      const { items, followUp } = await acts.preparePublications(connectionId, shopId, host.config(), req, batchKey);
      if (req.dryRun) return { items };
      // All children are started in one workflow task (commands issued in order, awaited together).
      const starts = items.filter((item) => item.pubId && item.workflowId).map((item) => {
        const args: PublishWorkflowInput = {
          connectionId,
          shopId,
          pubId: item.pubId!,
          productId: item.productId,
          attempt: item.attempt ?? 1,
          activate: item.activate ?? req.activate ?? true,
          followUp,
        };
        return startChild('publishWorkflow', {
          workflowId: item.workflowId!,
          args: [args],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: [{ key: SA_SHOP_ID, value: String(shopId) }],
          staticSummary: `Publish Haravan product ${item.productId} of shop ${shopId} to Tiki (${item.pubId}, attempt ${args.attempt})`,
          memo: { parent: workflowInfo().workflowId },
        } as never);
      });
      await Promise.all(starts);
      return { items, followUp };
    },
    {
      validator: (req) => {
        host.requireActive();
        if (!Array.isArray(req.productIds) || req.productIds.length === 0) {
          throw ApplicationFailure.create({ message: 'productIds is required', type: 'VALIDATION_FAILED', nonRetryable: true });
        }
      },
    },
  );
}

/** Disconnect: every open publish workflow is cancelled (it records itself as cancelled). */
export async function stopPublishing(connectionId: string): Promise<void> {
  await acts.stopPublishWorkflows(connectionId);
}

/**
 * A short workflow the API runs when its cached Tiki catalogue data is missing or older than a day: the tree, or
 * one category's attributes, is read through the worker (the API holds no vendor client) into the store.
 */
export async function tikiCatalogWorkflow(input: { connectionId: string; categoryId?: number }): Promise<boolean> {
  return acts.refreshTikiCatalog(input.connectionId, input.categoryId);
}
