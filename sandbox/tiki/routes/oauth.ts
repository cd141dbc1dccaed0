/** `POST /sc/oauth2/token` — client credentials with `client_secret_basic` or `client_secret_post`. */
import express, { Request, Router } from 'express';
import type { ClientAuthAttempt } from '../services/auth';
import { oauthError } from '../services/auth';
import type { TikiSandboxState } from '../state';

function clientAuth(req: Request): ClientAuthAttempt {
  const header = req.get('authorization');
  if (header && /^basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    if (sep < 0)
      throw oauthError(401, 'invalid_client', 'Client authentication failed.', 'Malformed HTTP Basic credentials.');
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return {
      method: 'client_secret_basic',
      clientId: decode(decoded.slice(0, sep)),
      clientSecret: decode(decoded.slice(sep + 1)),
    };
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (typeof body.client_id === 'string' && typeof body.client_secret === 'string') {
    return { method: 'client_secret_post', clientId: body.client_id, clientSecret: body.client_secret };
  }
  return { method: 'none', clientId: typeof body.client_id === 'string' ? body.client_id : undefined };
}

export function oauthRouter(state: TikiSandboxState): Router {
  const r = express.Router();
  r.post('/sc/oauth2/token', express.urlencoded({ extended: false }), (req, res) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      throw oauthError(400, 'invalid_request', 'The request must be application/x-www-form-urlencoded.');
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    res.set('Cache-Control', 'no-store').json(state.auth.issueToken(body.grant_type, clientAuth(req)));
  });
  return r;
}
