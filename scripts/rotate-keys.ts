/**
 * `npm run rotate-keys`: re-encrypt every stored credential with the current ENCRYPTION_KEY (records still under a
 * key of ENCRYPTION_KEYS_PREVIOUS are read with it and written again). Same environment as the worker and API
 * (DATABASE_URL or DATA_DIR). Prints how many records were rewritten and how many remain under an old key.
 */
import { readEnv } from '../boot/env';
import { openStore } from '../boot/store';

async function main(): Promise<void> {
  const env = readEnv();
  if (!env.encryptionKey) throw new Error('ENCRYPTION_KEY is required');
  const store = await openStore(env);
  try {
    const rewritten = await store.reencryptCredentials();
    const left = await store.credentialsUnderOldKeys();
    process.stdout.write(`rotate-keys: ${rewritten} credential record(s) re-encrypted; ${left} left under an old key\n`);
    if (left > 0) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
