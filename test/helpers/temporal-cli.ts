/** The provisioned Temporal CLI (scripts/temporal.sh): tests never rely on the SDK's download. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

let cached: string | undefined;

export function temporalCliPath(): string {
  if (cached) return cached;
  if (process.env.TEMPORAL_CLI_PATH) return (cached = process.env.TEMPORAL_CLI_PATH);
  const root = path.resolve(__dirname, '../..');
  cached = execFileSync('bash', [path.join(root, 'scripts/temporal.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  process.env.TEMPORAL_CLI_PATH = cached;
  return cached;
}
