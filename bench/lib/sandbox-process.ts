/** The bench's side of a sandbox in its own process (`sandbox-host.ts`): its URL, pid, call counter and recorder. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RecordedCall, Vendor } from './call-recorder';

type Ask = { op: 'served' } | { op: 'record'; ms: number };
export type HostRequest = Ask & { id: number };
export type HostReply = { id: number; url?: string; served?: number; calls?: RecordedCall[] };

export interface SandboxProcess {
  vendor: Vendor;
  url: string;
  child: ChildProcess;
  /** Vendor calls served so far (control calls not counted). */
  served(): Promise<number>;
  /** Every vendor call of the next `ms`. */
  record(ms: number): Promise<RecordedCall[]>;
  close(): Promise<void>;
}

export async function startSandboxProcess(vendor: Vendor, env: NodeJS.ProcessEnv = process.env): Promise<SandboxProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sandbox-host.ts'), vendor], {
    env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (r: HostReply) => void>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sandbox host ${vendor} exited with ${code}`)));
    child.on('message', (m: HostReply) => {
      if (m.id === 0 && m.url) resolve(m.url);
      else waiting.get(m.id)?.(m);
      waiting.delete(m.id);
    });
  });
  const ask = (req: Ask): Promise<HostReply> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ ...req, id } as HostRequest, (err) => err && reject(err));
    });
  return {
    vendor,
    url,
    child,
    served: async () => (await ask({ op: 'served' })).served ?? 0,
    record: async (ms) => (await ask({ op: 'record', ms })).calls ?? [],
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
