/** What the order activities return to the order and intake workflows. */

export interface ImportResult {
  state: 'imported' | 'not-accepted' | 'skipped-old';
  haravanOrderId?: number;
  status: string;
  tikiStatus: string;
  terminal: boolean;
  deadlineAt?: string | null;
  /** When the order becomes "at risk" (deadline − `atRiskHoursBeforeDeadline`), for the workflow's timer. */
  riskAt?: string | null;
}

export interface StatusResult {
  status: string;
  tikiStatus: string;
  terminal: boolean;
  deadlineAt?: string | null;
  riskAt?: string | null;
  atRisk: boolean;
  /** `autoConfirmBeforeDeadline` is on and the order is worked in Haravan: confirm it when it becomes at risk. */
  autoConfirm: boolean;
}

export interface CompletenessFigures {
  seen: number;
  imported: number;
  /** Not in Haravan yet, but its order workflow is running (importing, or waiting in the failure inbox). */
  pending: number;
  /** Neither the event queue nor the sweep had handed them on: dispatched by this check. */
  missing: number;
  /** Of the missing ones, how many were verified imported into Haravan before the check ended. */
  repaired: number;
}
