/** Process-tree CPU and RSS sampling from /proc (Linux), and percentile helpers, for bench/scale.ts. */
import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

function readStat(pid: number): { ppid: number; ticks: number } | null {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // fields after the command: state(3) ppid(4) … utime(14) stime(15) → rest index = field - 3
    // utime + stime, and cutime + cstime: the time of its children that ended (a PostgreSQL backend) stays counted.
    return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]) };
  } catch {
    return null;
  }
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The pid and all its descendants (tsx runs the script in a child node process). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(Number(name));
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

export interface ProcSample {
  at: number;
  ticks: number;
  rss: number;
}

export function sampleTree(root: number): ProcSample {
  let ticks = 0;
  let rss = 0;
  for (const pid of processTree(root)) {
    ticks += readStat(pid)?.ticks ?? 0;
    rss += rssBytes(pid);
  }
  return { at: Date.now(), ticks, rss };
}

/** Samples a process tree every `everyMs` until stopped; CPU % of one core per interval. */
export class ProcSampler {
  private samples: ProcSample[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    private readonly everyMs = 1000,
  ) {}

  start(): this {
    this.samples = [sampleTree(this.pid)];
    this.timer = setInterval(() => this.samples.push(sampleTree(this.pid)), this.everyMs);
    return this;
  }

  stop(): { cpuPercent: number; cpuP95: number; rssMaxMiB: number; rssLastMiB: number; seconds: number } {
    clearInterval(this.timer);
    this.samples.push(sampleTree(this.pid));
    const s = this.samples;
    const cpus: number[] = [];
    for (let i = 1; i < s.length; i++) {
      const dt = (s[i].at - s[i - 1].at) / 1000;
      if (dt > 0) cpus.push(((s[i].ticks - s[i - 1].ticks) / TICKS_PER_SECOND / dt) * 100);
    }
    const seconds = (s[s.length - 1].at - s[0].at) / 1000;
    return {
      cpuPercent: seconds > 0 ? ((s[s.length - 1].ticks - s[0].ticks) / TICKS_PER_SECOND / seconds) * 100 : 0,
      cpuP95: percentile(cpus, 95),
      rssMaxMiB: Math.max(...s.map((x) => x.rss)) / 2 ** 20,
      rssLastMiB: s[s.length - 1].rss / 2 ** 20,
      seconds,
    };
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(ms: number[]): string {
  if (ms.length === 0) return 'n=0';
  const f = (v: number) => `${(v / 1000).toFixed(2)} s`;
  return `n=${ms.length} p50=${f(percentile(ms, 50))} p95=${f(percentile(ms, 95))} max=${f(Math.max(...ms))}`;
}
