/**
 * The process plumbing of the test suites: the chaos suite's WorkerProcess kills the worker it says it kills
 * (no orphan child left serving the task queue), and scripts/leftover-processes.sh finds what a test run left.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerProcess } from '../../chaos/lib/processes';
import { isRunning, pidsWithEnv } from '../../helpers/processes';
import { eventually } from '../../helpers/stack';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../../..');
const idle = path.join(root, 'test/fixtures/processes/idle.ts');

test('WorkerProcess.kill9 leaves no process of the killed worker; the restarted one is new; stop() ends it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-process-'));
  const tag = `wp-${process.pid}-${Date.now()}`;
  const worker = new WorkerProcess({ WORKER_PROCESS_TEST: tag }, path.join(dir, 'worker.log'), idle);
  try {
    worker.start();
    const first = await eventually(async () => (worker.processes().length > 0 && fs.readFileSync(path.join(dir, 'worker.log'), 'utf8').includes('idle') ? worker.processes() : undefined), 30_000, 100);
    await worker.kill9();
    expect(first.filter(isRunning)).toEqual([]);
    expect(worker.killedPids).toHaveLength(1);

    const second = await eventually(async () => (worker.starts === 2 && worker.processes().length > 0 ? worker.processes() : undefined), 30_000, 100);
    expect(second.some((pid) => first.includes(pid))).toBe(false);
    await worker.stop();
    await eventually(async () => pidsWithEnv('WORKER_PROCESS_TEST', tag).length === 0, 5_000, 50);
    expect(worker.unexpectedExits).toBe(0);
  } finally {
    await worker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('scripts/leftover-processes.sh lists a process still running under the tag, and passes once it is gone', async () => {
  const tag = `leftover-${process.pid}-${Date.now()}`;
  const script = path.join(root, 'scripts/leftover-processes.sh');
  const env = { ...process.env, LEFTOVER_GRACE_SECONDS: '0' };
  const clean = spawnSync('bash', [script, tag], { env, encoding: 'utf8' });
  expect(clean.status).toBe(0);

  const straggler = spawn('sleep', ['60'], { env: { ...process.env, TEST_RUN_TAG: tag }, stdio: 'ignore' });
  try {
    await eventually(async () => pidsWithEnv('TEST_RUN_TAG', tag).length > 0, 5_000, 20);
    const caught = spawnSync('bash', [script, tag], { env, encoding: 'utf8' });
    expect(caught.status).toBe(1);
    expect(caught.stderr).toContain(`pid ${straggler.pid}: sleep 60`);
  } finally {
    const exited = new Promise((r) => straggler.once('exit', r));
    straggler.kill('SIGKILL');
    await exited;
  }
  expect(spawnSync('bash', [script, tag], { env, encoding: 'utf8' }).status).toBe(0);
});
