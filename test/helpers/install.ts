/**
 * Driving the Haravan app install over plain HTTP, as a browser would (cookies kept by hand): GET /install, the
 * sandbox's authorize page, its grant/deny decision, the form_post back to the service, for both passes. The
 * service is reached at PUBLIC_URL's path on the API's own address (PUBLIC_URL names `localhost`, another site
 * than the sandbox's `127.0.0.1`; the browser test, test/e2e/browser-install.test.ts, uses the names themselves).
 */
import type { TestStack } from './stack';

export const DEMO_USER_IDS = { admin: '100001', staff: '100002' } as const;

export interface InstallOutcome {
  /** The service's last answer: 302 to /app when installed, else a refusal page. */
  status: number;
  location?: string;
  body: string;
  /** `data-code` of the refusal page. */
  code?: string;
  /** `name=value` of every cookie the service set on the way (the last value of each name). */
  cookies: Record<string, string>;
  /** Posts the last callback again, exactly as it was sent (a replayed form POST). */
  replayLastCallback(): Promise<{ status: number; code?: string }>;
}

const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const unescapeHtml = (s: string) => s.replace(/&#(\d+);/g, (_m, c) => String.fromCharCode(Number(c)));

function keepCookies(res: Response, jar: Record<string, string>): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    jar[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
}
const cookieHeader = (jar: Record<string, string>) => Object.entries(jar).filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join('; ');

export interface InstallOptions {
  user?: keyof typeof DEMO_USER_IDS;
  /** The decision on each pass (default grant both). */
  decisions?: ['grant' | 'deny', ('grant' | 'deny')?];
  /** Drop the service's cookies before the callbacks (a browser that did not start this install). */
  withoutCookies?: boolean;
}

/** One whole install of `shopId` by a demo user; stops at the first answer of the service that is not a redirect to Haravan. */
export async function installOverHttp(stack: TestStack, shopId: number, opts: InstallOptions = {}): Promise<InstallOutcome> {
  const app = stack.haravanApp!;
  const jar: Record<string, string> = {};
  const toApi = (url: string) => url.replace(app.publicUrl, stack.apiUrl);
  let res = await fetch(`${stack.apiUrl}/install?orgid=${shopId}`, { redirect: 'manual' });
  let last: { url: string; init: RequestInit } | undefined;
  keepCookies(res, jar);
  for (let pass = 0; pass < 2; pass++) {
    const location = res.headers.get('location') ?? '';
    if (res.status !== 302 || !location.startsWith(app.accountsUrl)) break;
    const page = await (await fetch(location)).text();
    const request = field(page, 'request');
    if (!request) throw new Error(`no authorize page: ${page.slice(0, 200)}`);
    const decided = await fetch(`${app.accountsUrl}/connect/authorize/decision`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, user: DEMO_USER_IDS[opts.user ?? 'admin'], shop: String(shopId), decision: opts.decisions?.[pass] ?? 'grant' }),
    });
    const post = await decided.text();
    const action = unescapeHtml(/<form method="post" action="([^"]+)"/.exec(post)?.[1] ?? '');
    const fields = Object.fromEntries([...post.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], unescapeHtml(m[2])]));
    last = {
      url: toApi(action),
      init: {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(opts.withoutCookies ? {} : { Cookie: cookieHeader(jar) }) },
        body: new URLSearchParams(fields).toString(),
      },
    };
    res = await fetch(last.url, last.init);
    keepCookies(res, jar);
  }
  const body = await res.text();
  const codeOf = (html: string) => /data-code="([^"]+)"/.exec(html)?.[1];
  const replayLastCallback = async () => {
    if (!last) throw new Error('no callback was posted');
    const again = await fetch(last.url, last.init);
    return { status: again.status, code: codeOf(await again.text()) };
  };
  return { status: res.status, location: res.headers.get('location') ?? undefined, body, code: codeOf(body), cookies: jar, replayLastCallback };
}

/** Call the sandbox's control API. */
export async function sandboxControl(stack: TestStack, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${stack.haravan.url}/_sandbox${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
