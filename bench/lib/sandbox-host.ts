/**
 * One sandbox (Haravan or Tiki) in a process of its own, for bench/scale.ts: at 1,000 shops the polling alone asks
 * for ~1,500 vendor calls a second, and the simulators, the bench's API and its traffic probes on one thread were
 * the rig's own bottleneck. Served through a CallRecorder (every vendor call counted, a window recorded for the CPU
 * floor); the parent talks to it over the IPC channel (`sandbox-process.ts`). WORKER_CPU_PROFILE_DIR: SIGUSR2
 * starts and ends a CPU profile, as for the worker (`worker/cpu-profile.ts`).
 *
 *   node --import tsx bench/lib/sandbox-host.ts haravan|tiki
 */
import { createHaravanSandbox } from '../../sandbox/haravan/app';
import { createTikiSandbox } from '../../sandbox/tiki/app';
import { listenOnLoopback } from '../../sandbox/common/listen';
import { installCpuProfileToggle } from '../../worker/cpu-profile';
import { CallRecorder, type Vendor } from './call-recorder';
import type { HostReply, HostRequest } from './sandbox-process';

async function main(): Promise<void> {
  const vendor = process.argv[2] as Vendor;
  if (vendor !== 'haravan' && vendor !== 'tiki') throw new Error(`usage: sandbox-host.ts haravan|tiki (got ${vendor})`);
  const send = (m: HostReply) => process.send?.(m);
  installCpuProfileToggle(process.env.WORKER_CPU_PROFILE_DIR, (msg) => process.stderr.write(`${msg}\n`), `sandbox-${vendor}`);
  const recorder = new CallRecorder();
  // As the bench had them in its own process: default Haravan buckets; Tiki at 200 calls/s per seller.
  const haravan = vendor === 'haravan' ? createHaravanSandbox({}) : undefined;
  const app = haravan ? haravan.app : createTikiSandbox({ rateLimitPerSecond: 200 }).app;
  const server = await listenOnLoopback(recorder.wrap(vendor, app), 0, () => haravan?.shutdown());
  process.on('message', (m: HostRequest) => {
    if (m.op === 'served') send({ id: m.id, served: recorder.served[vendor] });
    else if (m.op === 'record') void recorder.record(m.ms).then((calls) => send({ id: m.id, calls }));
  });
  const stop = () => void server.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  send({ id: 0, url: server.url });
}

main().catch((err) => {
  process.stderr.write(`sandbox-host: ${String(err)}\n`);
  process.exit(1);
});
