/**
 * What activities need from the world, injected by the worker: the store, a Temporal client (to hand
 * work to other workflows durably), a logger and a factory of Haravan/Tiki clients. Credentials are
 * resolved here by connection id — they never travel through workflow arguments or results.
 */
import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { HaravanClient } from '../connectors/haravan/client';
import { TikiClient } from '../connectors/tiki/client';
import type { Store } from '../store/store';
import type { Credentials } from '../store/types';

export interface ActivityDeps {
  store: Store;
  temporal: Client;
  logger: Logger;
  taskQueue: string;
  clients: ClientFactory;
}

export interface ConnectionClients {
  haravan: HaravanClient;
  tiki: TikiClient;
}

export class ClientFactory {
  private cache = new Map<string, { fingerprint: string; clients: ConnectionClients; loadedAt: number }>();

  constructor(private readonly store: Store) {}

  static build(creds: Credentials): ConnectionClients {
    const haravan = new HaravanClient({ accessToken: creds.haravan.accessToken, baseUrl: creds.haravan.baseUrl });
    const tikiAuth =
      'apiKey' in creds.tiki ? { apiKey: creds.tiki.apiKey } : { clientId: creds.tiki.clientId, clientSecret: creds.tiki.clientSecret };
    const tiki = new TikiClient({ baseUrl: creds.tiki.baseUrl, auth: tikiAuth, maxRequestsPerSecond: tikiRequestsPerSecond() });
    return { haravan, tiki };
  }

  /**
   * Clients for a connection, rebuilt when its credentials change. `maxAgeMs` lets a hot loop (the delta polls,
   * every few seconds on every connection) reuse clients resolved that recently instead of reading and
   * decrypting the credentials each round; a replacement in this process `forget`s them at once, another
   * worker process picks it up within `maxAgeMs`.
   */
  async forConnection(connectionId: string, opts: { maxAgeMs?: number } = {}): Promise<ConnectionClients> {
    const clients = await this.whileConnected(connectionId, opts);
    if (!clients) throw new Error(`no credentials for ${connectionId}`);
    return clients;
  }

  /**
   * Like `forConnection`, but null once the connection's credentials are gone: disconnect destroys them, and a poll
   * that was sleeping through the disconnect (its cancellation arrives with its next heartbeat) finds them gone. An
   * expected end for a poll (one info line), not a failure to retry.
   */
  async whileConnected(connectionId: string, opts: { maxAgeMs?: number } = {}): Promise<ConnectionClients | null> {
    const cached = this.cache.get(connectionId);
    if (cached && opts.maxAgeMs && Date.now() - cached.loadedAt < opts.maxAgeMs) return cached.clients;
    const creds = await this.store.loadCredentials(connectionId);
    if (!creds) return null;
    const fingerprint = crypto.createHash('sha256').update(JSON.stringify(creds)).digest('hex');
    const hit = this.cache.get(connectionId);
    if (hit && hit.fingerprint === fingerprint) {
      hit.loadedAt = Date.now();
      return hit.clients;
    }
    const clients = ClientFactory.build(creds);
    this.cache.set(connectionId, { fingerprint, clients, loadedAt: Date.now() });
    return clients;
  }

  forget(connectionId: string): void {
    this.cache.delete(connectionId);
  }
}

/**
 * Requests per second this process sends for one Tiki seller credential (`TIKI_MAX_REQUESTS_PER_SECOND`, default 40).
 * Tiki documents 200 req/s per seller; a third party reports 50 req/s for the seller-center API. 40 is 80 % of the
 * stricter figure, leaving room for another worker process and clock skew; a 429 pauses the bucket for Retry-After.
 */
export const DEFAULT_TIKI_REQUESTS_PER_SECOND = 40;
export function tikiRequestsPerSecond(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.TIKI_MAX_REQUESTS_PER_SECOND);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIKI_REQUESTS_PER_SECOND;
}
