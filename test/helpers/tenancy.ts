/**
 * For the multi-shop tests: every route the express app serves (walked from its router, so a route added later is
 * tried too), and a merchant session of a shop made by the real `startSession` (no HTTP route: none exists outside
 * the install callback).
 */
import type express from 'express';
import type { Response } from 'express';
import { parseSetCookie } from 'cookie';
import { startSession } from '../../api/session';
import type { Store } from '../../store/store';

export interface RouteDef {
  method: string;
  /** express syntax: `/v1/connections/:id` */
  path: string;
}

type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle: { stack?: Layer[] }; rawPath?: string | string[]; slash?: boolean };

export function appRoutes(app: express.Express): RouteDef[] {
  const out: RouteDef[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const p of [layer.route.path].flat()) {
          for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push({ method: m.toUpperCase(), path: prefix + p });
        }
      } else if (layer.handle.stack) {
        const mount = layer.slash || layer.rawPath === undefined ? '' : [layer.rawPath].flat()[0];
        walk(layer.handle.stack, prefix + (mount === '/' ? '' : mount));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

export interface MerchantSession {
  shopId: number;
  /** `Cookie` header value */
  cookie: string;
  csrfToken: string;
}

export async function merchantSession(store: Store, shopId: number): Promise<MerchantSession> {
  const cookies: string[] = [];
  const res = { append: (name: string, value: string) => void (name === 'Set-Cookie' && cookies.push(value)) } as unknown as Response;
  await startSession(res, { store, sessionCookieSecure: false }, { shopId, userId: `test-user-${shopId}` });
  const c = parseSetCookie(cookies[0]);
  const s = await store.findSession(c.value!.split('.')[0]);
  return { shopId, cookie: `${c.name}=${c.value}`, csrfToken: s!.csrfToken };
}
