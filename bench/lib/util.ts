/** Small helpers shared by the benchmark scripts. */
import os from 'node:os';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile (p in 0..100) of a list of numbers; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** `uptime`-style load averages, e.g. "1.20 0.80 0.50 (2 cores)". */
export function loadAverage(): string {
  return `${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (${os.cpus().length} cores)`;
}

/** The closing line every benchmark prints: the load average before and after, since the figures depend on it. */
export function loadLine(before: string): string {
  return `load average (1/5/15 min)     before ${before}; after ${loadAverage()}`;
}

/** Run a benchmark's main and exit: 0 when it finished, 1 (with the error printed) when it threw. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
