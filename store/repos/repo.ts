/**
 * What every repository of the store shares: the database and the keyring. The repositories are mixed into
 * one `Store` (store/store.ts), so `this` in any of their methods is the whole store.
 */
import type { Db } from '../db';
import type { Keyring } from '../secrets';

export interface Page {
  page: number;
  limit: number;
}

export const offset = (p: Page): number => (p.page - 1) * p.limit;

export abstract class Repo {
  constructor(
    readonly db: Db,
    protected readonly keyring: Keyring,
  ) {}
}
