/**
 * Which base URLs a connection may name for Haravan and Tiki (the worker calls them with the merchant's
 * credentials, so a caller must not be able to aim it anywhere else): the vendors' real hosts over https, plus
 * the origins an operator allows (ALLOWED_VENDOR_ORIGINS: `scheme://host[:port]`, `:*` = any port).
 */
export type Vendor = 'haravan' | 'tiki';

export const REAL_VENDOR_ORIGINS: Record<Vendor, readonly string[]> = {
  haravan: ['https://apis.haravan.com'],
  // Tiki's own sandbox (same paths, test data) is a real Tiki host.
  tiki: ['https://api.tiki.vn', 'https://api-sandbox.tiki.vn'],
};

export interface AllowedOrigin {
  protocol: 'http:' | 'https:';
  hostname: string;
  /** '' = the scheme's default port, '*' = any. */
  port: string;
}

const ORIGIN = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?\/?$/i;

/** Parse ALLOWED_VENDOR_ORIGINS (comma-separated); throws on an entry that is not an origin. */
export function parseAllowedOrigins(csv: string | undefined): AllowedOrigin[] {
  if (!csv) return [];
  return csv
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = ORIGIN.exec(entry);
      if (!m) throw new Error(`ALLOWED_VENDOR_ORIGINS: "${entry}" is not an origin (scheme://host[:port], :* = any port)`);
      const protocol = `${m[1].toLowerCase()}:` as AllowedOrigin['protocol'];
      const defaultPort = protocol === 'https:' ? '443' : '80';
      return { protocol, hostname: m[2].toLowerCase(), port: m[3] === undefined || m[3] === defaultPort ? '' : m[3] };
    });
}

/**
 * Why `baseUrl` may not be used for `vendor`, or undefined when it may. The message is ours and says what is
 * allowed; it never depends on what the host would answer (nothing is contacted to decide).
 */
export function baseUrlProblem(vendor: Vendor, baseUrl: string, allowed: readonly AllowedOrigin[]): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.search || url.hash) return 'must not carry a query or fragment';
  const origins = [...parseAllowedOrigins(REAL_VENDOR_ORIGINS[vendor].join(',')), ...allowed];
  const ok = origins.some((o) => o.protocol === url.protocol && o.hostname === url.hostname && (o.port === '*' || o.port === url.port));
  if (ok) return undefined;
  return `must be ${REAL_VENDOR_ORIGINS[vendor].join(' or ')} (or an origin the operator allows in ALLOWED_VENDOR_ORIGINS)`;
}
