/** Serving a sandbox app on 127.0.0.1 (both simulators start and stop the same way). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  /** Runs `beforeClose` (persist, stop timers), then stops the server and drops its open connections. */
  close(): Promise<void>;
}

/** Listen on `port` (0 = any free port) on 127.0.0.1 (an express app, or any request listener wrapping one). */
export function listenOnLoopback(app: http.RequestListener, port: number, beforeClose: () => unknown = () => undefined): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app).listen(port, '127.0.0.1');
    server.once('error', reject);
    server.once('listening', () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        close: async () => {
          await beforeClose();
          await new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
        },
      });
    });
  });
}
