/**
 * What activities need from the world, injected by the worker: the store, a Temporal client (to hand
 * work to other workflows durably), a logger and a factory of Haravan/Tiki clients. Credentials are
 * resolved here by connection id — they never travel through workflow arguments or results.
 */
import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { HaravanClient } from '../connectors/haravan/client';
import { TikiClient } from '../connectors/tiki/client';
import type { Store } from '../store/store';
import { isActiveConnection } from '../domain/terms';
import type { HaravanAppSettings } from '../domain/haravan-app';
import type { Credentials } from '../store/types';
import { stopIfCancelled } from './cancellation';
import { CONNECTION_IDLE_TTL_MS, forgetConnection, SWEEP_EVERY_MS } from './connection-memory';

export interface ActivityDeps {
  store: Store;
  temporal: Client;
  logger: Logger;
  taskQueue: string;
  clients: ClientFactory;
  /** The Haravan app's settings (the install and its token refresh); absent when the service is not an app. */
  haravanApp?: HaravanAppSettings;
  /** AUDIT_RETENTION_DAYS (default: read from the environment at each prune, domain/audit.ts). */
  auditRetentionDays?: number;
}

export interface ConnectionClients {
  haravan: HaravanClient;
  tiki: TikiClient;
}

/** Clients of a live connection, with the check every Tiki write makes first. */
export interface LiveClients extends ConnectionClients {
  /**
   * Throws unless the job may still write for this connection: its activity was not cancelled (CancelledFailure),
   * and the store still holds the very connection these clients were resolved for, live (`CONNECTION_NOT_ACTIVE`,
   * non-retryable, once disconnecting started or the shop was connected anew).
   */
  assertLive(): Promise<void>;
}

/** The refusal of `assertLive`: the job's connection ended or was connected anew. */
export function isNotLive(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.type === 'CONNECTION_NOT_ACTIVE';
}

interface CachedClients {
  fingerprint: string;
  clients: ConnectionClients;
  /** Which connect of the shop the clients belong to (the record's claim time: a reconnect makes a new one). */
  generation: string;
  loadedAt: number;
  usedAt: number;
  /** An installation's access token expires then (ms): the entry is not reused past it (a refresh made a new one). */
  tokenExpiresAt?: number;
}

/** A cached installation token is read anew this long before it expires. */
const TOKEN_EXPIRY_MARGIN_MS = 10_000;

/**
 * Clients per connection, with their decrypted credentials — the worker's one cache of them. An entry is dropped
 * (with everything else this process holds for the connection, `connection-memory.ts`, and the clients' rate
 * limiter and token entries) when this process disconnects it, when a lookup finds its credentials gone or the
 * shop connected anew (another process disconnected it), and when unused for `CONNECTION_IDLE_TTL_MS`.
 */
export class ClientFactory {
  private cache = new Map<string, CachedClients>();
  private sweptAt = Date.now();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  static build(creds: Credentials): ConnectionClients {
    const haravan = new HaravanClient({ accessToken: creds.haravan.accessToken, baseUrl: creds.haravan.baseUrl });
    const tikiAuth =
      'apiKey' in creds.tiki
        ? { apiKey: creds.tiki.apiKey }
        : { clientId: creds.tiki.clientId, clientSecret: creds.tiki.clientSecret };
    const tiki = new TikiClient({
      baseUrl: creds.tiki.baseUrl,
      auth: tikiAuth,
      maxRequestsPerSecond: tikiRequestsPerSecond(),
    });
    return { haravan, tiki };
  }

  /** Drop what built clients hold process-wide (rate limiter, bucket, token): a verification that failed, a forgotten entry. */
  static release(clients: ConnectionClients): void {
    clients.haravan.release();
    clients.tiki.release();
  }

  /**
   * Clients for a connection, rebuilt when its credentials change. `maxAgeMs` lets a hot loop (the delta polls,
   * every few seconds on every connection) reuse clients resolved that recently instead of reading and
   * decrypting the credentials each round; a replacement in this process `forget`s them at once, another
   * worker process picks it up within `maxAgeMs`.
   */
  async forConnection(connectionId: string, opts: { maxAgeMs?: number } = {}): Promise<LiveClients> {
    const clients = await this.whileConnected(connectionId, opts);
    if (!clients) throw new Error(`no credentials for ${connectionId}`);
    return clients;
  }

  /**
   * Like `forConnection`, but null once the connection's credentials are gone: disconnect destroys them, and a poll
   * that was sleeping through the disconnect (its cancellation arrives with its next heartbeat) finds them gone. An
   * expected end for a poll (one info line), not a failure to retry.
   */
  async whileConnected(connectionId: string, opts: { maxAgeMs?: number } = {}): Promise<LiveClients | null> {
    const now = this.now();
    this.sweep(now);
    const cached = this.cache.get(connectionId);
    const tokenFresh = (e: CachedClients) => e.tokenExpiresAt === undefined || now < e.tokenExpiresAt - TOKEN_EXPIRY_MARGIN_MS;
    if (cached && opts.maxAgeMs && now - cached.loadedAt < opts.maxAgeMs && tokenFresh(cached)) {
      cached.usedAt = now;
      return this.live(connectionId, cached);
    }
    const conn = await this.store.getConnection(connectionId);
    // An installed shop's credentials carry the installation's current (refreshed) token.
    const creds = conn ? await this.store.resolveCredentials(connectionId, conn.shopId) : null;
    if (!creds || !conn) {
      this.forget(connectionId);
      return null;
    }
    const fingerprint = crypto.createHash('sha256').update(JSON.stringify(creds)).digest('hex');
    const hit = this.cache.get(connectionId);
    if (hit && hit.fingerprint === fingerprint && hit.generation === conn.createdAt) {
      hit.loadedAt = hit.usedAt = this.now();
      return this.live(connectionId, hit);
    }
    // New credentials, or the shop connected anew: nothing of the previous entry is kept.
    if (hit) this.forget(connectionId);
    const entry: CachedClients = {
      fingerprint,
      clients: ClientFactory.build(creds),
      generation: conn.createdAt,
      loadedAt: this.now(),
      usedAt: this.now(),
      tokenExpiresAt: creds.haravan.expiresAt ? Date.parse(creds.haravan.expiresAt) : undefined,
    };
    this.cache.set(connectionId, entry);
    return this.live(connectionId, entry);
  }

  /** Drop the connection's clients and everything else this process holds for it. */
  forget(connectionId: string): void {
    const hit = this.cache.get(connectionId);
    this.cache.delete(connectionId);
    if (hit) ClientFactory.release(hit.clients);
    forgetConnection(connectionId);
  }

  has(connectionId: string): boolean {
    return this.cache.has(connectionId);
  }

  /** Connections with cached clients (for the leak checks). */
  get size(): number {
    return this.cache.size;
  }

  /** Forget the connections whose clients were not used for the idle TTL (at most once a minute unless `force`d). */
  sweep(now = this.now(), force = false): void {
    if (!force && now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    for (const [id, e] of this.cache) if (now - e.usedAt > CONNECTION_IDLE_TTL_MS) this.forget(id);
  }

  private live(connectionId: string, entry: CachedClients): LiveClients {
    const { generation } = entry;
    return {
      ...entry.clients,
      assertLive: async () => {
        stopIfCancelled();
        const conn = await this.store.getConnection(connectionId);
        // Jobs may write to the vendors while the connection is active (connected or in attention).
        if (conn && isActiveConnection(conn.state) && conn.createdAt === generation) return;
        if (this.cache.get(connectionId) === entry) this.forget(connectionId);
        const state = !conn ? 'gone' : conn.createdAt !== generation ? 'connected anew' : conn.state;
        throw ApplicationFailure.nonRetryable(
          `connection ${connectionId} is ${state}: nothing more is written for it`,
          'CONNECTION_NOT_ACTIVE',
        );
      },
    };
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
