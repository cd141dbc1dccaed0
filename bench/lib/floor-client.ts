/**
 * The CPU floor of the polling (bench/scale.ts): makes the recorded vendor calls again, at their recorded times,
 * with a bare keep-alive client — Node's `http` with the connectors' agent settings, each answer read whole and
 * parsed as JSON, nothing else — and prints its own CPU time for them as one JSON line.
 *
 *   node --import tsx bench/lib/floor-client.ts <plan.json>
 *
 * plan.json: `{ bases: { haravan: url, tiki: url }, calls: RecordedCall[] }`. A warm-up pass over the first calls
 * (unmeasured) opens the sockets, as the worker's are open.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { RecordedCall, Vendor } from './call-recorder';

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as { bases: Record<Vendor, string>; calls: RecordedCall[] };
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });

function call(c: RecordedCall): Promise<boolean> {
  return new Promise((resolve) => {
    const body = c.method === 'GET' || c.method === 'HEAD' ? undefined : JSON.stringify({ ack_id: null }).padEnd(Math.max(15, c.bodyLength), ' ');
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (c.authorization) headers.Authorization = c.authorization;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = http.request(new URL(c.path, plan.bases[c.vendor]), { method: c.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('error', () => resolve(false));
      res.on('aborted', () => resolve(false));
      res.on('end', () => {
        try {
          JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
          resolve((res.statusCode ?? 500) < 400);
        } catch {
          resolve(false);
        }
      });
    });
    // As the connectors: a call unanswered after 15 s is given up (and counted as not ok), never waited for forever.
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

async function main() {
  const calls = plan.calls;
  // Warm-up: one call per distinct origin+token opens the keep-alive sockets.
  const seen = new Set<string>();
  const warm = calls.filter((c) => (seen.has(`${c.vendor}|${c.authorization}`) ? false : (seen.add(`${c.vendor}|${c.authorization}`), true)));
  for (let i = 0; i < warm.length; i += 64) await Promise.all(warm.slice(i, i + 64).map(call));
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  let ok = 0;
  await Promise.all(
    calls.map(
      (c) =>
        new Promise<void>((resolve) => {
          setTimeout(() => void call(c).then((good) => (good && ok++, resolve())), Math.max(0, c.atMs - (Date.now() - t0)));
        }),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({ calls: calls.length, ok, cpuMs: (cpu.user + cpu.system) / 1000, seconds: (Date.now() - t0) / 1000 })}\n`);
  agent.destroy();
}

void main();
