/**
 * The lock a workflow takes when its main loop and its handlers touch the same thing (e.g. one order's status sync and
 * the merchant's actions on it): `async-mutex`, as in Temporal's safe-message-handlers sample. Taking it is
 * synchronous, so two callers in one workflow activation can never both hold it.
 */
import { Mutex } from 'async-mutex';
import { condition, patched } from '@temporalio/workflow';

export interface Lock {
  /** Runs fn once no other holder runs, callers served in arrival order. */
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
}

export function createLock(): Lock {
  const mutex = new Mutex();
  return { runExclusive: (fn) => mutex.runExclusive(fn) };
}

/**
 * The lock of workflows whose runs started before `patchId`: those took a flag after `await condition(() => !busy)`,
 * which let two callers of one activation both in (the flag was set only after the condition's promise resolved).
 * They replay with that flag; runs started since use createLock(). Decided once per run, at the first use, so a run
 * never switches locks while one is held.
 */
export function patchedLock(patchId: string): Lock {
  let chosen: Lock | undefined;
  return {
    runExclusive: (fn) => {
      chosen ??= patched(patchId) ? createLock() : flagLock();
      return chosen.runExclusive(fn);
    },
  };
}

function flagLock(): Lock {
  let busy = false;
  return {
    runExclusive: async (fn) => {
      await condition(() => !busy);
      busy = true;
      try {
        return await fn();
      } finally {
        busy = false;
      }
    },
  };
}
