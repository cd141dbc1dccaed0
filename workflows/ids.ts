/** Deterministic workflow ids: they make duplicates impossible (one connection per shop, one workflow per order). */
export const connectionIdForShop = (shopId: number): string => `conn-${shopId}`;
export const connectionWorkflowId = (shopId: number): string => `connection-${shopId}`;
export const stockSyncWorkflowId = (shopId: number): string => `stock-sync-${shopId}`;
export const orderIntakeWorkflowId = (shopId: number): string => `order-intake-${shopId}`;
export const linkRunWorkflowId = (shopId: number, runId: string): string => `link-run-${shopId}-${runId}`;
export const orderWorkflowId = (shopId: number, tikiCode: string): string => `order-${shopId}-${tikiCode}`;
export const shopIdFromConnectionId = (connectionId: string): number => Number(connectionId.replace(/^conn-/, ''));
/** One publish workflow per Tiki product request: a resubmission (attempt n) is a new workflow. */
export const publishWorkflowId = (shopId: number, pubId: string, attempt: number): string => `publish-${shopId}-${pubId}-${attempt}`;
export const tikiCatalogWorkflowId = (connectionId: string, categoryId?: number): string => `tiki-catalog-${connectionId}-${categoryId ?? 'tree'}`;
