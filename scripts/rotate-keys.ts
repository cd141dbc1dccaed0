/**
 * `npm run rotate-keys`: re-encrypt every stored credential, and every Haravan app installation's sealed tokens, with
 * the current ENCRYPTION_KEY (records still under a key of ENCRYPTION_KEYS_PREVIOUS are read with it and written
 * again). Same environment as the worker and API (DATABASE_URL or DATA_DIR). Prints, for credentials and for
 * installations, how many were rewritten and how many remain under an old key (exit code 1 if any remain).
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
    // The Haravan app installations' sealed tokens are under the same keyring.
    const installations = await store.reencryptInstallations();
    const installationsLeft = await store.installationsUnderOldKeys();
    process.stdout.write(`rotate-keys: ${installations} installation(s) re-encrypted; ${installationsLeft} left under an old key\n`);
    if (left > 0 || installationsLeft > 0) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
