/**
 * What a worker process keeps in memory per connection — clients with decrypted credentials (context.ts), the
 * write gate and guards (stock/write-gate.ts), the poll cadence, latency samples, the last pass timings — is
 * dropped by one call, `forgetConnection`. ClientFactory makes it when it drops a connection's clients: on
 * disconnect in this process, when the store says the connection ended or was connected anew (another process
 * ran the disconnect), and when its clients went unused for `CONNECTION_IDLE_TTL_MS`. Per-connection values of
 * `perConnection` also expire on their own once unused for that long, so nothing of a disconnected shop stays.
 */

/** A connection's in-memory state is dropped once unused this long (`CONNECTION_IDLE_TTL_SECONDS`, default 15 min). */
export const CONNECTION_IDLE_TTL_MS = idleTtlMs();
/** Expired entries are looked for at most this often (on use). */
export const SWEEP_EVERY_MS = 60_000;

function idleTtlMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.CONNECTION_IDLE_TTL_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 15 * 60_000;
}

type Forget = (connectionId: string) => void;
const forgetters = new Set<Forget>();
const sweepers = new Set<(now: number) => void>();

/** Drop the per-connection values unused for the idle TTL (on use, and on the worker's timer). */
export function sweepIdleConnections(now = Date.now()): void {
  for (const sweep of sweepers) sweep(now);
}

/** Register what to drop when a connection is forgotten; returns the unregistration. */
export function onForgetConnection(fn: Forget): () => void {
  forgetters.add(fn);
  return () => void forgetters.delete(fn);
}

/** Drop everything this process holds for the connection. */
export function forgetConnection(connectionId: string): void {
  for (const forget of forgetters) forget(connectionId);
}

export interface PerConnection<T> {
  (connectionId: string): T;
  /** Connections holding a value (for the leak checks). */
  readonly size: number;
  has(connectionId: string): boolean;
}

/** A process-wide value per connection: made on first use, dropped with the connection or once unused for the idle TTL. */
export function perConnection<T>(make: () => T, now: () => number = Date.now): PerConnection<T> {
  const byConnection = new Map<string, { value: T; usedAt: number }>();
  let sweptAt = now();
  onForgetConnection((id) => byConnection.delete(id));
  const sweep = (t: number) => {
    sweptAt = t;
    for (const [id, e] of byConnection) if (t - e.usedAt > CONNECTION_IDLE_TTL_MS) byConnection.delete(id);
  };
  sweepers.add(sweep);
  const get = (connectionId: string): T => {
    const t = now();
    if (t - sweptAt > SWEEP_EVERY_MS) sweep(t);
    let e = byConnection.get(connectionId);
    if (!e) byConnection.set(connectionId, (e = { value: make(), usedAt: t }));
    e.usedAt = t;
    return e.value;
  };
  return Object.defineProperties(get, {
    size: { get: () => byConnection.size },
    has: { value: (id: string) => byConnection.has(id) },
  }) as PerConnection<T>;
}
