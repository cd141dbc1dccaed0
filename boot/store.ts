/** Opening the store the way every process does: PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR. */
import { openDb, pgliteDir } from '../store/db';
import { keyringFromEnv } from '../store/secrets';
import { Store } from '../store/store';
import type { AppEnv } from './env';

export async function openStore(env: AppEnv): Promise<Store> {
  const db = await openDb({ databaseUrl: env.databaseUrl, dataDir: pgliteDir(env.dataDir) });
  const store = new Store(db, keyringFromEnv(process.env, env.encryptionKey));
  await store.migrate();
  return store;
}
