/**
 * One log stream: the Temporal SDK's own lines (a failed activity attempt with its stack, the worker's lifecycle,
 * `workflow.log`) come out of the same pino logger as ours, one JSON object a line, not the SDK's multi-line console
 * format. A real worker on a Temporal dev server, the runtime installed with our logger (worker/temporal.ts).
 */
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { temporalLogger } from '../../boot/logger';
import { installRuntime } from '../../worker/temporal';
import { temporalCliPath } from '../helpers/temporal-cli';

jest.setTimeout(120_000);

const lines: string[] = [];
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  installRuntime({ logger: pino({ level: 'info', base: { service: 'worker' } }, { write: (line: string) => void lines.push(line) }) });
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: temporalCliPath() }, ui: false } });
});
afterAll(async () => {
  await env?.teardown();
});

test("the SDK's log lines are JSON lines of our logger, a failed attempt's stack one field of one line", async () => {
  let attempts = 0;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'sdk-logs',
    workflowsPath: path.join(__dirname, 'fixtures/sdk-logs-workflow.ts'),
    activities: {
      async failOnce() {
        if (++attempts === 1) throw new Error('first attempt fails on purpose');
        return 'ok';
      },
    },
  });
  const result = await worker.runUntil(env.client.workflow.execute('sdkLogsWorkflow', { taskQueue: 'sdk-logs', workflowId: `sdk-logs-${Date.now()}` }));
  expect(result).toBe('ok');

  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line.trimEnd().split('\n')).toHaveLength(1);
  const records = lines.map((l) => JSON.parse(l));
  for (const r of records) expect(r.service).toBe('worker');

  const failed = records.find((r) => r.msg === 'Activity failed');
  expect(failed).toMatchObject({ level: 40, sdkComponent: 'worker', activityType: 'failOnce', err: { message: 'first attempt fails on purpose' } });
  expect(failed.err.stack).toContain('first attempt fails on purpose');

  const fromWorkflow = records.find((r) => r.msg === 'sdk-logs workflow started');
  expect(fromWorkflow).toMatchObject({ level: 30, sdkComponent: 'workflow', probe: 'workflow-log', workflowType: 'sdkLogsWorkflow' });
  expect(records.some((r) => r.sdkComponent === 'worker' && /state changed|Worker/i.test(String(r.msg)))).toBe(true);
});

test('levels map one to one and a log without metadata is still one line', () => {
  const out: string[] = [];
  const sdk = temporalLogger(pino({ level: 'trace' }, { write: (line: string) => void out.push(line) }));
  sdk.trace('t');
  sdk.debug('d');
  sdk.info('i');
  sdk.warn('w', { error: new Error('boom'), n: 1 });
  sdk.error('e');
  sdk.log('INFO', 'via log', { sdkComponent: 'core' });
  const rs = out.map((l) => JSON.parse(l));
  expect(rs.map((r) => [r.level, r.msg])).toEqual([[10, 't'], [20, 'd'], [30, 'i'], [40, 'w'], [50, 'e'], [30, 'via log']]);
  expect(rs[3]).toMatchObject({ n: 1, err: { message: 'boom', type: 'Error' } });
  expect(rs[5].sdkComponent).toBe('core');
});
