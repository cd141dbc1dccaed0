/**
 * What Haravan's variant inventory fields mean for the sync — one definition, read by linking (the
 * INVENTORY_NOT_TRACKED / OVERSELL_UNLIMITED issues) and by the stock push (the quantity table in `stock.ts`).
 */
import type { InventoryPolicy } from './types';

/** `inventory_management` of a variant whose stock Haravan tracks; anything else (null, '', another app) is untracked. */
export const TRACKED_BY = 'haravan';

/** Whether Haravan tracks the variant's stock, from its raw `inventory_management`. */
export function isInventoryTracked(inventoryManagement: unknown): boolean {
  return inventoryManagement === TRACKED_BY;
}

/** The variant's `inventory_policy`: `'continue'` (sell past zero) only when it says so, else `'deny'`. */
export function inventoryPolicyOf(raw: unknown): InventoryPolicy {
  return raw === 'continue' ? 'continue' : 'deny';
}
