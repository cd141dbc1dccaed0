/**
 * The chaos suite against the production shape (CHAOS_STACK=prod-shape): the processes of `scripts/prod-shape.sh`
 * — a Temporal server on PostgreSQL, two workers and two APIs, each under its supervisor — stand in for the dev
 * server, the one worker child and the in-process API. The same disruptions go through the script (kill -9 of a
 * worker's process group, a Temporal restart, an API restart) plus a PostgreSQL restart.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseProdShapeEnv, ProdShapeStack } from '../../../scripts/prod-shape-env';

const root = path.resolve(__dirname, '../../..');
const script = path.join(root, 'scripts/prod-shape.sh');
const exec = promisify(execFile);

export const prodShapeSelected = (): boolean => process.env.CHAOS_STACK === 'prod-shape';

/** Runs a subcommand without blocking the event loop (the sandboxes answer from this process meanwhile). */
export async function prodShape(...args: string[]): Promise<string> {
  const { stdout } = await exec('bash', [script, ...args], { cwd: root, timeout: 900_000, maxBuffer: 1 << 20 });
  return stdout;
}

/** Starts the shape (idempotent) and reads what it prints. */
export async function startProdShape(): Promise<ProdShapeStack> {
  return parseProdShapeEnv(await prodShape('start'));
}

/** The Temporal server of the shape; restart() stops it (SIGTERM) and waits for its supervisor to bring it back. */
export class ProdShapeTemporal {
  restarts = 0;
  constructor(readonly address: string) {}
  async restart(): Promise<void> {
    await prodShape('restart', 'temporal');
    this.restarts++;
  }
  async stop(): Promise<void> {
    // The shape outlives the test: `bash scripts/prod-shape.sh stop` ends it.
  }
}

export class ProdShapePostgres {
  restarts = 0;
  async restart(): Promise<void> {
    await prodShape('restart', 'postgres');
    this.restarts++;
  }
}

const STATE = process.env.PROD_SHAPE_DIR ?? '/tmp/haravan-tiki-prod-shape';
const WORKERS = ['worker-1', 'worker-2'];
const logOf = (name: string) => path.join(STATE, 'logs', `${name}.log`);
const sizeOf = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

/**
 * The two workers of the shape, killed in turn. Their supervisors log each exit (`… exited with <status>`):
 * 137 is a SIGKILL of ours, any other status is an exit nobody asked for.
 */
export class ProdShapeWorkers {
  kills = 0;
  readonly killedPids: number[] = [];
  private readonly offsets = new Map(WORKERS.map((w) => [w, sizeOf(logOf(w))]));

  start(): void {
    // They run already (startProdShape).
  }

  async kill9(): Promise<void> {
    const name = WORKERS[this.kills % WORKERS.length];
    const pid = Number((await prodShape('kill9', name)).trim());
    this.kills++;
    this.killedPids.push(pid);
  }

  private exitStatuses(): number[] {
    return WORKERS.flatMap((w) => {
      const text = fs
        .readFileSync(logOf(w))
        .subarray(this.offsets.get(w) ?? 0)
        .toString('utf8');
      return [...text.matchAll(/\[prod-shape\] \S+: worker-\d \(pid \d+\) exited with (\d+)/g)].map((m) =>
        Number(m[1]),
      );
    });
  }

  /** Processes started during the test, the two already running included. */
  get starts(): number {
    return WORKERS.length + this.exitStatuses().length;
  }

  get unexpectedExits(): number {
    return this.exitStatuses().filter((s) => s !== 137).length;
  }

  async stop(): Promise<void> {
    // As ProdShapeTemporal.stop.
  }
}
