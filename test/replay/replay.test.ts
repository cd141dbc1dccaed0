/**
 * Determinism guard: replays the committed histories of every long-lived workflow type (recorded from a real
 * run by `scripts/record-histories.ts`) against the current workflow bundle. A change to workflow code that
 * would break running workflows (reordered or removed activities, timers, child starts, signals sent…) makes
 * this fail with a DeterminismViolationError; the fix is a `patched()` branch (docs/versioning.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { dataConverterFor } from '../../boot/codec';
import { installRuntime, workflowBundle } from '../../worker/temporal';
import { REPLAY_ENCRYPTION_KEY } from './key';

jest.setTimeout(300_000);

const DIR = path.resolve(__dirname, 'histories');
const REQUIRED = ['connection', 'stock-sync', 'order-intake', 'order-intake-continued', 'order', 'link-run'];

const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];

test('a committed history exists for every long-lived workflow type', () => {
  for (const name of REQUIRED) expect(files).toContain(`${name}.json`);
});

test('every committed history replays against the current workflow code', async () => {
  installRuntime();
  const histories = files.map((f) => {
    const raw = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'));
    return {
      file: f,
      workflowId: raw.workflowId as string,
      history: temporal.api.history.v1.History.decode(Buffer.from(raw.history as string, 'base64')),
    };
  });
  expect(histories.length).toBeGreaterThanOrEqual(REQUIRED.length);
  const results: { file: string; error?: string }[] = [];
  const byId = new Map(histories.map((h, i) => [`${h.workflowId}#${i}`, h.file]));
  const replay = Worker.runReplayHistories(
    {
      workflowBundle: await workflowBundle(),
      dataConverter: dataConverterFor(REPLAY_ENCRYPTION_KEY),
      replayName: 'committed-histories',
    },
    histories.map((h, i) => ({ workflowId: `${h.workflowId}#${i}`, history: h.history })),
  );
  for await (const r of replay)
    results.push({
      file: byId.get(r.workflowId) ?? r.workflowId,
      error: r.error ? `${r.error.name}: ${r.error.message}` : undefined,
    });
  expect(results).toHaveLength(histories.length);
  expect(results.filter((r) => r.error)).toEqual([]);
});
