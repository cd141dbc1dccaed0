/** The simulators' call log (sandbox/common/faults.ts): bounded, newest kept, oldest first, through the HTTP middleware. */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector } from '../../../sandbox/common/faults';

async function serve(faults: FaultInjector): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use(faults.middleware());
  app.get('/n/:i', (_req, res) => res.json({ ok: true }));
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('fault injector call log', () => {
  it.each([
    // [maxCalls, calls made, paths expected in the log (oldest first)]
    [5, 3, [0, 1, 2]],
    [5, 5, [0, 1, 2, 3, 4]],
    [5, 6, [1, 2, 3, 4, 5]],
    [5, 12, [7, 8, 9, 10, 11]],
    [1, 4, [3]],
  ])('maxCalls %i after %i calls keeps %j', async (maxCalls, made, expected) => {
    const faults = new FaultInjector({ maxCalls });
    const s = await serve(faults);
    try {
      for (let i = 0; i < made; i++) await (await fetch(`${s.url}/n/${i}`)).json();
      // The record is written at the response's finish: give the last one a tick.
      await new Promise((r) => setTimeout(r, 20));
      const log = faults.callLog();
      expect(log.calls.map((c) => c.path)).toEqual(expected.map((i) => `/n/${i}`));
      expect(log.total).toBe(expected.length);
      expect(Object.values(log.counts).reduce((a, b) => a + b, 0)).toBe(expected.length);
      faults.clearCalls();
      await (await fetch(`${s.url}/n/99`)).json();
      await new Promise((r) => setTimeout(r, 20));
      expect(faults.callLog().calls.map((c) => c.path)).toEqual(['/n/99']);
    } finally {
      await s.close();
    }
  });
});
