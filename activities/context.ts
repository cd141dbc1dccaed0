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
  private cache = new Map<string, { fingerprint: string; clients: ConnectionClients }>();

  constructor(private readonly store: Store) {}

  static build(creds: Credentials): ConnectionClients {
    const haravan = new HaravanClient({ accessToken: creds.haravan.accessToken, baseUrl: creds.haravan.baseUrl });
    const tikiAuth =
      'apiKey' in creds.tiki ? { apiKey: creds.tiki.apiKey } : { clientId: creds.tiki.clientId, clientSecret: creds.tiki.clientSecret };
    const tiki = new TikiClient({ baseUrl: creds.tiki.baseUrl, auth: tikiAuth });
    return { haravan, tiki };
  }

  /** Clients for a connection, rebuilt when its credentials change. */
  async forConnection(connectionId: string): Promise<ConnectionClients> {
    const creds = await this.store.loadCredentials(connectionId);
    if (!creds) throw new Error(`no credentials for ${connectionId}`);
    const fingerprint = crypto.createHash('sha256').update(JSON.stringify(creds)).digest('hex');
    const hit = this.cache.get(connectionId);
    if (hit && hit.fingerprint === fingerprint) return hit.clients;
    const clients = ClientFactory.build(creds);
    this.cache.set(connectionId, { fingerprint, clients });
    return clients;
  }

  forget(connectionId: string): void {
    this.cache.delete(connectionId);
  }
}

export const pendingCredentialsId = (connectionId: string) => `${connectionId}#pending`;
