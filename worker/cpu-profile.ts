/**
 * On-demand CPU profile of a running worker, for operators and `bench/scale.ts`: with `WORKER_CPU_PROFILE_DIR`
 * set, the first SIGUSR2 starts V8's sampling profiler and the next one writes
 * `<dir>/<name>-<pid>-<n>.cpuprofile` (name `worker` unless told) (open it in Chrome DevTools → Performance, or speedscope).
 * Profiling a window (e.g. only the idle phase) avoids the noise of start-up and set-up.
 */
import { Session } from 'inspector';
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';

export function installCpuProfileToggle(dir: string | undefined, log: (msg: string) => void, name = 'worker'): void {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  let session: Session | undefined;
  let n = 0;
  process.on('SIGUSR2', () => {
    if (!session) {
      session = new Session();
      session.connect();
      session.post('Profiler.enable', () => session?.post('Profiler.start', () => log('cpu profile started')));
      return;
    }
    const s = session;
    session = undefined;
    s.post('Profiler.stop', (err, result) => {
      if (!err && result?.profile) {
        const file = path.join(dir, `${name}-${process.pid}-${++n}.cpuprofile`);
        writeFileSync(file, JSON.stringify(result.profile));
        log(`cpu profile written to ${file}`);
      }
      s.disconnect();
    });
  });
}
