/**
 * Real processes for the chaos suite: a Temporal dev server on a persisted SQLite file (restartable with its
 * data), the worker as a child process (`kill -9`-able, restarted like `npm start` does), and the database
 * shared between this process and the worker (PGlite served over a Postgres-protocol socket, or PostgreSQL when
 * TEST_DATABASE_URL is set).
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { openDb, Db, PgliteDb } from '../../../store/db';
import { DEV_SERVER_SEARCH_ATTRIBUTE_ARGS } from '../../../workflows/search-attributes';
import { temporalCliPath } from '../../helpers/temporal-cli';
import { pidsWithEnv } from '../../helpers/processes';
import { nodeTsArgs } from '../../../scripts/node-ts';
import { freeLoopbackPort as freePort } from '../../../worker/metrics-server';

const root = path.resolve(__dirname, '../../..');

export { freePort };

export async function waitForPort(port: number, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} did not open in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const exited = (p: ChildProcess) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => p.once('exit', () => resolve())));

/** `temporal server start-dev --db-filename …`: stop() and start() again keep every workflow. */
export class TemporalDevServer {
  private proc?: ChildProcess;
  readonly address: string;
  restarts = 0;

  private constructor(
    readonly dbFile: string,
    readonly port: number,
    private readonly extraPorts: { http: number; metrics: number },
    private readonly logFile: string,
  ) {
    this.address = `127.0.0.1:${port}`;
  }

  static async create(dir: string): Promise<TemporalDevServer> {
    const s = new TemporalDevServer(path.join(dir, 'temporal.db'), await freePort(), { http: await freePort(), metrics: await freePort() }, path.join(dir, 'temporal.log'));
    await s.start();
    return s;
  }

  async start(): Promise<void> {
    const args = [
      'server', 'start-dev',
      '--db-filename', this.dbFile,
      '--ip', '127.0.0.1',
      '--port', String(this.port),
      '--http-port', String(this.extraPorts.http),
      '--metrics-port', String(this.extraPorts.metrics),
      '--headless',
      '--namespace', 'default',
      '--log-level', 'error',
      ...DEV_SERVER_SEARCH_ATTRIBUTE_ARGS,
    ];
    const out = fs.openSync(this.logFile, 'a');
    this.proc = spawn(temporalCliPath(), args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    await waitForPort(this.port);
  }

  /** Graceful stop (SIGTERM; SIGKILL after 20 s). */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.proc = undefined;
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.kill('SIGTERM');
    await exited(p);
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
    this.restarts++;
  }
}

/**
 * The worker (`worker/main.ts`) as a child process; restarted after it dies unless stopped on purpose. It runs as
 * `node --import tsx` (no wrapper process) in a process group of its own, and each start carries its own
 * CHAOS_WORKER_INSTANCE: kill9() kills the whole group and then checks that no process of that start is left.
 */
export class WorkerProcess {
  private proc?: ChildProcess;
  private instance = '';
  private stopping = false;
  kills = 0;
  starts = 0;
  unexpectedExits = 0;
  /** Pids of killed workers, each checked gone right after its kill. */
  readonly killedPids: number[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    private readonly entry = path.join(root, 'worker/main.ts'),
  ) {}

  start(): void {
    const out = fs.openSync(this.logFile, 'a');
    const instance = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const p = spawn(process.execPath, nodeTsArgs(this.entry), {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...this.env, CHAOS_WORKER_INSTANCE: instance },
      stdio: ['ignore', out, out],
      detached: true,
    });
    fs.closeSync(out);
    this.starts++;
    this.proc = p;
    this.instance = instance;
    p.once('exit', (code, signal) => {
      if (this.proc !== p || this.stopping) return;
      this.proc = undefined;
      if (signal !== 'SIGKILL') this.unexpectedExits++;
      setTimeout(() => {
        if (!this.stopping && !this.proc) this.start();
      }, 500);
    });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Pids of processes of the current start (the worker, and anything it started). */
  processes(): number[] {
    return this.instance ? pidsWithEnv('CHAOS_WORKER_INSTANCE', this.instance) : [];
  }

  /** kill -9 the running worker's process group; the supervisor above starts a new one. Throws if any survived. */
  async kill9(): Promise<void> {
    const p = this.proc;
    if (!p?.pid) return;
    const instance = this.instance;
    this.kills++;
    this.killedPids.push(p.pid);
    killGroup(p.pid, 'SIGKILL');
    await exited(p);
    const left = await settle(() => pidsWithEnv('CHAOS_WORKER_INSTANCE', instance));
    if (left.length > 0) throw new Error(`worker ${p.pid} killed, but processes of it still run: ${left.join(', ')}`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const p = this.proc;
    if (!p?.pid) return;
    const pid = p.pid;
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 15_000);
    killGroup(pid, 'SIGTERM');
    await exited(p);
    clearTimeout(timer);
    killGroup(pid, 'SIGKILL'); // anything of its group still there
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Processes that were SIGKILLed leave /proc within moments; give them 2 s. */
async function settle(list: () => number[]): Promise<number[]> {
  const until = Date.now() + 2_000;
  for (;;) {
    const left = list();
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The app database shared with the worker process (at `url` when given, e.g. the production shape's). */
export async function sharedDatabase(dir: string, url = process.env.TEST_DATABASE_URL): Promise<{ db: Db; url: string; close(): Promise<void> }> {
  if (url) {
    const db = await openDb({ databaseUrl: url });
    return { db, url, close: () => db.close() };
  }
  void dir;
  const db = (await openDb({ dataDir: 'memory://' })) as PgliteDb;
  const port = await freePort();
  const socket = new PGLiteSocketServer({ db: db.pglite, host: '127.0.0.1', port, maxConnections: 16 });
  await socket.start();
  return {
    db,
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    close: async () => {
      await socket.stop();
      await db.close();
    },
  };
}
