/**
 * Builds the workflow bundle into a file: `node --import tsx worker/bundle.ts <out.js>`. `npm run worker` runs it as a
 * child process and loads the file (`createAppWorker({ workflowBundlePath })`): webpack's memory then goes with the
 * child instead of staying in the worker's heap for its whole life (about 120 MiB of RSS, measured).
 */
import fs from 'node:fs';
import { workflowBundle } from './temporal';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: worker/bundle.ts <out.js>');
  const { code } = await workflowBundle();
  fs.writeFileSync(`${out}.tmp`, code);
  fs.renameSync(`${out}.tmp`, out);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
