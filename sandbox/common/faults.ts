/**
 * Fault injection and call log shared by the Haravan and Tiki sandboxes.
 *
 * A rule matches requests by method and path (exact route template such as `/com/orders.json`,
 * a prefix ending in `*`, or a regular expression written `/.../`). When it fires it can
 *  - delay the request (`latencyMs`),
 *  - answer a status of its own (`status`, `body`, `retryAfterSeconds` for 429) without running the handler,
 *  - or let the handler run (the write commits) and then never deliver the response (`timeoutAfterCommit`):
 *    `mode: 'drop'` destroys the socket, `mode: 'hang'` keeps it open until the client gives up,
 *  - or hold the request for `holdMs` (its body read first) and then perform it, whether or not the client has
 *    left meanwhile (a server that is slow, not down). A hold that reaches the server's own request deadline
 *    (`requestDeadlineMs` of the injector) is abandoned there, never performed: answered 504 if anyone still listens.
 *  - or answer 200 with a JSON body that never ends (`endless`), for the clients' response-size bound.
 * Handlers can read the rule that fired as `res.locals.fault` (the Haravan sandbox's `listingLagMs` is read there).
 * `probability` (0..1, default 1) and `times` (how many firings before the rule retires) shape bursts.
 */
import type { Request, Response, NextFunction, Router } from 'express';
import express from 'express';

export interface FaultRule {
  id: string;
  method?: string;
  path: string;
  probability?: number;
  times?: number;
  latencyMs?: number;
  status?: number;
  body?: unknown;
  retryAfterSeconds?: number;
  timeoutAfterCommit?: boolean;
  mode?: 'drop' | 'hang';
  /** Hold the request this long, then perform it although the client may have left. */
  holdMs?: number;
  /** Haravan sandbox, order create: the new order shows in the order listing only this long after it committed. */
  listingLagMs?: number;
  /** Answer 200 with a JSON body that never ends (64 KiB chunks until the client goes away). */
  endless?: boolean;
  fired: number;
}

export interface CallRecord {
  at: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  fault?: string;
  /** The JSON request body of a write (not GET), cut at 400 characters: which SKU a write was for. */
  body?: string;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  /**
   * The call log, a ring of the newest `maxCalls` (`head` is the oldest once full): a full array's `shift()` copies
   * the whole log at every call, and at a thousand calls a second that was most of the simulator's CPU.
   */
  private calls: CallRecord[] = [];
  private head = 0;
  private nextId = 1;
  /** Deterministic PRNG (mulberry32) so a seeded test sees the same fault sequence. */
  private seed: number;
  readonly maxCalls: number;

  /** The simulated server's own request deadline: a request held this long is abandoned, never performed. */
  readonly requestDeadlineMs?: number;

  constructor(opts: { seed?: number; maxCalls?: number; requestDeadlineMs?: number } = {}) {
    this.seed = opts.seed ?? 0x5eed;
    this.maxCalls = opts.maxCalls ?? 100_000;
    this.requestDeadlineMs = opts.requestDeadlineMs;
  }

  random(): number {
    let t = (this.seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  add(rule: Omit<FaultRule, 'id' | 'fired'> & { id?: string }): FaultRule {
    const r: FaultRule = { ...rule, id: rule.id ?? `f${this.nextId++}`, fired: 0 };
    this.rules.push(r);
    return r;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  callLog(): { calls: CallRecord[]; counts: Record<string, number>; total: number } {
    const counts: Record<string, number> = {};
    for (const c of this.calls) {
      const k = `${c.method} ${c.path}`;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    const ordered = this.head === 0 ? this.calls : [...this.calls.slice(this.head), ...this.calls.slice(0, this.head)];
    return { calls: ordered.slice(-1000), counts, total: this.calls.length };
  }

  clearCalls(): void {
    this.calls = [];
    this.head = 0;
  }

  private match(req: Request): FaultRule | undefined {
    for (const r of this.rules) {
      if (r.method && r.method.toUpperCase() !== req.method) continue;
      if (!pathMatches(r.path, req.path)) continue;
      if (r.times !== undefined && r.fired >= r.times) continue;
      if (r.probability !== undefined && r.probability < 1 && this.random() >= r.probability) continue;
      return r;
    }
    return undefined;
  }

  /** Express middleware: put it before the API routes (after `/_sandbox` control routes). */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const started = Date.now();
      // Captured now: mounted routers strip their prefix from req.path while they run.
      const path = req.path;
      const rule = this.match(req);
      if (rule) rule.fired++;
      const body = () => (req.method !== 'GET' && req.body && typeof req.body === 'object' ? JSON.stringify(req.body).slice(0, 400) : undefined);
      res.on('finish', () => this.record(req.method, path, res.statusCode, started, rule, body()));
      res.on('close', () => {
        if (!res.writableFinished) this.record(req.method, path, 0, started, rule, body());
      });
      if (rule) res.locals.fault = { ...rule };
      const proceed = () => {
        if (!rule) return next();
        if (rule.holdMs) return this.hold(rule.holdMs, req, res, next);
        if (rule.endless) return endlessBody(res);
        if (rule.timeoutAfterCommit) {
          // Let the handler commit its write, then swallow the response.
          const mode = rule.mode ?? 'drop';
          const swallow = () => {
            if (mode === 'drop') req.socket.destroy();
            return res;
          };
          res.json = swallow as unknown as Response['json'];
          res.send = swallow as unknown as Response['send'];
          res.end = swallow as unknown as Response['end'];
          return next();
        }
        if (rule.status) {
          if (rule.status === 429) res.setHeader('Retry-After', String(rule.retryAfterSeconds ?? 1));
          res.status(rule.status).json(rule.body ?? defaultFaultBody(req.path, rule.status));
          return;
        }
        return next();
      };
      if (rule?.latencyMs) setTimeout(proceed, rule.latencyMs);
      else proceed();
    };
  }

  /** Read the body, wait `holdMs`, then run the handler even if the client is gone (or abandon it at the deadline). */
  private hold(holdMs: number, req: Request, res: Response, next: NextFunction): void {
    express.json({ limit: '5mb' })(req, res, (err?: unknown) => {
      if (err) return next(err);
      const deadline = this.requestDeadlineMs;
      if (deadline !== undefined && holdMs >= deadline) {
        setTimeout(() => {
          if (!res.headersSent && !req.socket.destroyed) res.status(504).json(defaultFaultBody(req.path, 504));
        }, deadline);
        return;
      }
      setTimeout(() => next(), holdMs);
    });
  }

  private record(method: string, path: string, status: number, started: number, rule?: FaultRule, body?: string): void {
    if (path.startsWith('/_sandbox')) return;
    const rec: CallRecord = {
      at: new Date().toISOString(),
      method,
      path,
      status,
      durationMs: Date.now() - started,
      fault: rule?.id,
      ...(body !== undefined && { body }),
    };
    if (this.calls.length < this.maxCalls) this.calls.push(rec);
    else {
      this.calls[this.head] = rec;
      this.head = (this.head + 1) % this.maxCalls;
    }
  }

  /** Control routes: GET/POST/DELETE /faults, GET/DELETE /calls. Mount under `/_sandbox`. */
  controlRouter(): Router {
    const r = express.Router();
    r.get('/faults', (_req, res) => {
      res.json({ faults: this.list() });
    });
    r.post('/faults', express.json(), (req, res) => {
      const body = req.body ?? {};
      const rules = Array.isArray(body.faults) ? body.faults : [body];
      const added = [];
      for (const f of rules) {
        if (typeof f.path !== 'string') {
          res.status(400).json({ error: 'path is required' });
          return;
        }
        added.push(this.add(f));
      }
      res.status(201).json({ faults: added });
    });
    r.delete('/faults/:id', (req, res) => {
      res.status(this.remove(String(req.params.id)) ? 200 : 404).json({});
    });
    r.delete('/faults', (_req, res) => {
      this.clear();
      res.json({});
    });
    r.get('/calls', (_req, res) => {
      res.json(this.callLog());
    });
    r.delete('/calls', (_req, res) => {
      this.clearCalls();
      res.json({});
    });
    return r;
  }
}

export function pathMatches(pattern: string, path: string): boolean {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/') && /[\\^$()|[\]+?]/.test(pattern)) {
    return new RegExp(pattern.slice(1, -1)).test(path);
  }
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  if (pattern.includes(':')) {
    const re = new RegExp('^' + pattern.replace(/[.]/g, '\\.').replace(/:[A-Za-z_]+/g, '[^/]+') + '$');
    return re.test(path);
  }
  return pattern === path;
}

function defaultFaultBody(path: string, status: number): unknown {
  // Haravan paths are under /com; Tiki error bodies use an errors array.
  if (path.startsWith('/com')) return { errors: `Injected fault ${status}` };
  return { errors: [`Injected fault ${status}`] };
}

/** `{"data":[` and then filler for as long as the client reads (backpressure-aware, so the sandbox stays flat too). */
function endlessBody(res: Response): void {
  const chunk = Buffer.from('"' + 'x'.repeat(64 * 1024 - 3) + '",');
  res.status(200).setHeader('Content-Type', 'application/json');
  res.write('{"data":[');
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}
