/**
 * The service's HTTP API in the test process, against a Temporal server and a store the test runs: started, stopped
 * and restarted on the same port (a restart is a deploy: the calls made meanwhile fail, none is served half).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../../api/app';
import { codecFromEnv } from '../../../boot/codec';
import { parseAllowedOrigins } from '../../../domain/vendor-origins';
import type { Store } from '../../../store/store';

export interface ApiServerOptions {
  client: Client;
  store: Store;
  taskQueue: string;
  apiToken: string;
  webhookSecret: string;
  encryptionKey: string;
  /** The API's log (warnings and errors); none when absent. */
  logFile?: string;
  /** The sandboxes' base URLs: the only vendor origins a connection may name. */
  vendorUrls: string[];
}

export class ApiServer {
  private server?: http.Server;
  private port = 0;

  constructor(private readonly opts: ApiServerOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const o = this.opts;
    const app = createApp({
      client: o.client,
      store: o.store,
      logger: o.logFile ? pino({ level: 'warn' }, pino.destination({ dest: o.logFile, sync: false })) : pino({ level: 'silent' }),
      taskQueue: o.taskQueue,
      apiToken: o.apiToken,
      webhookSecret: o.webhookSecret,
      codec: codecFromEnv(o.encryptionKey),
      allowedVendorOrigins: parseAllowedOrigins(o.vendorUrls.map((u) => new URL(u).origin).join(',')),
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Down for a second, then up again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await this.start();
  }
}
