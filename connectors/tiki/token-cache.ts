/**
 * Process-wide OAuth access-token cache.
 *
 * One entry per credential (token URL + client id + a fingerprint of the secret, so a replaced secret never
 * reuses a token obtained with the old one). A token is renewed before it expires: 5 minutes early, or 10 % of
 * its lifetime when that is shorter (a 2 s token is renewed after 1.8 s). Concurrent callers share one
 * in-flight grant (single flight), so a burst of requests never stampedes the token endpoint.
 */
export interface IssuedToken {
  accessToken: string;
  /** Lifetime in seconds as announced by the token endpoint. */
  expiresInSeconds: number;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
  renewAt: number;
}

const MAX_EARLY_RENEWAL_MS = 5 * 60_000;
const EARLY_RENEWAL_FRACTION = 0.1;

export function renewalMarginMs(ttlMs: number): number {
  return Math.min(MAX_EARLY_RENEWAL_MS, ttlMs * EARLY_RENEWAL_FRACTION);
}

export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * A valid access token for `key`, fetching (once, shared by concurrent callers) when missing or due. When an
   * early renewal fails while the cached token is still within its lifetime, the cached token is used.
   */
  async get(key: string, fetchToken: () => Promise<IssuedToken>): Promise<string> {
    const cached = this.entries.get(key);
    if (cached && this.now() < cached.renewAt) return cached.accessToken;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetchAndStore(key, fetchToken).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    try {
      return (await pending).accessToken;
    } catch (err) {
      if (cached && this.entries.get(key) === cached && this.now() < cached.expiresAt) return cached.accessToken;
      throw err;
    }
  }

  /**
   * Forget the token for `key` (after a 401). When `staleToken` is given, only that token is dropped, so a
   * fresh token obtained meanwhile by a concurrent caller survives.
   */
  invalidate(key: string, staleToken?: string): void {
    const cached = this.entries.get(key);
    if (!cached) return;
    if (staleToken === undefined || cached.accessToken === staleToken) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Tokens held (for the leak checks). */
  get size(): number {
    return this.entries.size;
  }

  private async fetchAndStore(key: string, fetchToken: () => Promise<IssuedToken>): Promise<CachedToken> {
    const issuedAt = this.now();
    const issued = await fetchToken();
    const ttlMs = Math.max(0, issued.expiresInSeconds * 1000);
    const entry: CachedToken = {
      accessToken: issued.accessToken,
      expiresAt: issuedAt + ttlMs,
      renewAt: issuedAt + ttlMs - renewalMarginMs(ttlMs),
    };
    this.entries.set(key, entry);
    return entry;
  }
}

/** The cache shared by every TikiClient of this process. */
export const processTokenCache = new TokenCache();
