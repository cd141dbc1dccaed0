/** The simulator's whole state: many shops keyed by id and by access token, one id sequence. */
import { OAuthData, SandboxData, ShopData } from './types';

/** Ids look like Haravan's (~1.2e9) and never repeat across shops. */
const ID_BASE = 1_200_000_000;

export class SandboxState {
  private data: SandboxData;
  private byToken = new Map<string, ShopData>();
  private readonly firstId: number;
  private lastTimestamp = 0;

  constructor(opts: { seed?: number } = {}) {
    this.firstId = ID_BASE + (Math.abs(Math.trunc(opts.seed ?? 0)) % 1000) * 100_000;
    this.data = emptyData(this.firstId);
  }

  /** ISO-8601 UTC timestamp; never moves backwards (inclusive `updated_at_min` polling relies on it). */
  now(): string {
    const ms = Math.max(Date.now(), this.lastTimestamp);
    this.lastTimestamp = ms;
    return new Date(ms).toISOString();
  }

  newId(): number {
    return this.data.nextId++;
  }

  /** Keep generated ids clear of an id supplied by a seed. */
  reserveId(id: number): void {
    if (id >= this.data.nextId && id < this.data.nextId + 1_000_000_000) this.data.nextId = id + 1;
  }

  shops(): ShopData[] {
    return this.data.shops;
  }

  shopById(id: number): ShopData | undefined {
    return this.data.shops.find((s) => s.shop.id === id);
  }

  /** The shop a private token or a live OAuth access token (sandbox/haravan/accounts.ts) is for. */
  shopByToken(token: string): ShopData | undefined {
    const shop = this.byToken.get(token);
    if (shop) return shop;
    const issued = this.oauth().tokens.find((t) => t.token === token && t.kind === 'access');
    return issued && (issued.expiresAt ?? Infinity) > Date.now() ? this.shopById(issued.shopId) : undefined;
  }

  /** The accounts server's apps and tokens (created on first use). */
  oauth(): OAuthData {
    this.data.oauth ??= { apps: [], tokens: [] };
    return this.data.oauth;
  }

  /** Add a shop, replacing an existing shop with the same id. */
  putShop(shop: ShopData): void {
    this.data.shops = this.data.shops.filter((s) => s.shop.id !== shop.shop.id);
    this.data.shops.push(shop);
    this.reindex();
  }

  reset(): void {
    this.data = emptyData(this.firstId);
    this.reindex();
  }

  snapshot(): SandboxData {
    return structuredClone(this.data);
  }

  restore(data: SandboxData): void {
    this.data = structuredClone(data);
    this.reindex();
  }

  private reindex(): void {
    this.byToken = new Map(this.data.shops.map((s) => [s.accessToken, s]));
  }
}

function emptyData(nextId: number): SandboxData {
  return { version: 1, nextId, shops: [] };
}

/** Minimal structural check of a snapshot before it replaces the state. */
export function isSandboxData(value: unknown): value is SandboxData {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<SandboxData>;
  return (
    v.version === 1 &&
    typeof v.nextId === 'number' &&
    Array.isArray(v.shops) &&
    v.shops.every((s) => s && typeof s.accessToken === 'string' && typeof s.shop?.id === 'number' && Array.isArray(s.products))
  );
}
