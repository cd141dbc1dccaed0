/** Shared by the sandbox services: the (swappable) world, the settings and the clock. */
import { createWorld, World } from './world';

export interface SandboxSettings {
  /** Lifetime of issued access tokens (default 3600 s, like Tiki's documented example). */
  tokenTtlSeconds: number;
  /** Per-seller requests per second before 429 (Tiki documents 200). */
  rateLimitPerSecond: number;
  /** Odd list pages hold half of `limit` rows (see paging.ts). */
  shortPages: boolean;
  /** Events per pull. */
  eventBatchSize: number;
  /** `confirmation.available_confirm_sla` = created_at + this. */
  confirmSlaHours: number;
  /** Queues one app (or key) may own. */
  maxQueuesPerOwner: number;
}

export const DEFAULT_SETTINGS: SandboxSettings = {
  tokenTtlSeconds: 3600,
  rateLimitPerSecond: 200,
  shortPages: false,
  eventBatchSize: 50,
  confirmSlaHours: 6,
  maxQueuesPerOwner: 20,
};

export class SandboxContext {
  world: World;

  constructor(
    readonly seed: number,
    public settings: SandboxSettings,
    readonly now: () => number = Date.now,
  ) {
    this.world = createWorld(seed);
  }
}
