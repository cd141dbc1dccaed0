/**
 * The vendor calls the bench's sandboxes serve (bench/scale.ts): counted always, and for a window recorded (when,
 * which sandbox, method, path with its query, the Authorization header) so that `floor-client.ts` can make the
 * same calls again with a bare keep-alive client — the CPU floor of an idle poll round. Control calls
 * (`/_sandbox/...`) are neither counted nor recorded.
 */
import http from 'node:http';

export type Vendor = 'haravan' | 'tiki';

export interface RecordedCall {
  /** Milliseconds since the window opened. */
  atMs: number;
  vendor: Vendor;
  method: string;
  path: string;
  authorization?: string;
  /** Request body length (bodies are not recorded; the floor sends one of the same length). */
  bodyLength: number;
}

export class CallRecorder {
  readonly served: Record<Vendor, number> = { haravan: 0, tiki: 0 };
  private window?: { t0: number; until: number; calls: RecordedCall[] };

  get total(): number {
    return this.served.haravan + this.served.tiki;
  }

  /** The sandbox's request handler, counting and (while a window is open) recording each vendor call. */
  wrap(vendor: Vendor, handler: http.RequestListener): http.RequestListener {
    return (req, res) => {
      const url = req.url ?? '/';
      if (!url.startsWith('/_sandbox')) {
        this.served[vendor]++;
        const w = this.window;
        const now = Date.now();
        if (w && now < w.until) {
          w.calls.push({
            atMs: now - w.t0,
            vendor,
            method: req.method ?? 'GET',
            path: url,
            authorization: req.headers.authorization,
            bodyLength: Number(req.headers['content-length'] ?? 0),
          });
        }
      }
      handler(req, res);
    };
  }

  /** Record every vendor call for `ms`; resolves with them. */
  async record(ms: number): Promise<RecordedCall[]> {
    const w = { t0: Date.now(), until: Date.now() + ms, calls: [] as RecordedCall[] };
    this.window = w;
    await new Promise((r) => setTimeout(r, ms));
    this.window = undefined;
    return w.calls;
  }
}
