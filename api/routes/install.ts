/**
 * The Haravan app install in a browser (reference haravan-api.md §2.3; docs: README, Running as a Haravan app):
 *
 *   GET /install[?orgid=]  → authorize with the login scopes          (redirect_uri <PUBLIC_URL>/install/login)
 *   POST /install/login    → id_token checked, owner only → authorize with the install scopes (…/install/grant)
 *   POST /install/grant    → code exchanged, shop confirmed, tokens stored, webhooks subscribed → 302 /app, signed in
 *
 * The vendor calls run in the worker (workflows/installation.ts); this file only speaks HTTP. Each pass carries a
 * fresh `state` that is also set as a cookie of this browser, and the callback must bring back the very same
 * value (no login CSRF), and only once: the step's workflow id is the state's and a second start of it is refused (a
 * callback replayed with its cookie as first sent). Haravan's callback is a cross-site form POST, on which only a
 * `SameSite=None; Secure` cookie is sent. The `nonce` of a pass is an HMAC of its state under the client secret, so nothing is stored
 * server-side and a state cannot be forged. A refusal is a page with a stable code and the message in vi and en.
 */
import crypto from 'node:crypto';
import express, { Request, Response, Router } from 'express';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { authorizeUrl, INSTALL_ATTEMPT_MS, INSTALL_PATHS, parseShopId, redirectUri, type HaravanAppSettings } from '../../domain/haravan-app';
import { messageFor } from '../../domain/messages';
import type { InstallGrantInput, InstallGrantResult, InstallLoginInput, InstallLoginResult } from '../../workflows/definitions';
import { installStepWorkflowId } from '../../workflows/ids';
import type { ApiDeps } from '../context';

export const INSTALL_COOKIE = 'hts_install';
type Step = 'login' | 'grant';

/** Signs the merchant in once the install is done (api/session.ts). */
export type SessionStarter = (res: Response, deps: ApiDeps, who: { shopId: number; userId: string }) => Promise<void>;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A refusal page: the code, the message in Vietnamese then English, a way to start again. */
function refuse(res: Response, code: string): void {
  const m = messageFor(code);
  res
    .status(m.http ?? 400)
    .type('html')
    .send(
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Haravan ⇄ Tiki</title></head><body>` +
        `<main data-testid="install-error" data-code="${escapeHtml(code)}"><h1>Haravan ⇄ Tiki</h1>` +
        `<p lang="vi">${escapeHtml(m.vi)}</p><p lang="en">${escapeHtml(m.en)}</p><p><code>${escapeHtml(code)}</code></p>` +
        `<p><a href="${INSTALL_PATHS.start}" data-testid="install-again">Cài đặt lại / Install again</a></p></main></body></html>`,
    );
}

/** state = `<step>.<shop id or 0>.<issued ms>.<random>`; what a pass needs later is in it (and bound to its nonce). */
function newState(step: Step, shopId = 0): string {
  return `${step}.${shopId}.${Date.now()}.${crypto.randomBytes(18).toString('base64url')}`;
}

function nonceOf(app: HaravanAppSettings, state: string): string {
  return crypto.createHmac('sha256', app.clientSecret).update(`install-nonce:${state}`).digest('base64url');
}

/** The state's characters need no encoding (base64url and dots). */
function setStateCookie(res: Response, value: string, maxAgeSeconds: number): void {
  res.append('Set-Cookie', `${INSTALL_COOKIE}=${value}; Path=/install; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=None`);
}

function cookieValue(req: Request, name: string): string {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return '';
}

/** The callback's state when it is this browser's, of this step and still fresh; else undefined. */
function boundState(req: Request, step: Step): { state: string; shopId?: number; random: string } | undefined {
  const posted = typeof req.body?.state === 'string' ? req.body.state : '';
  const cookie = cookieValue(req, INSTALL_COOKIE);
  const a = Buffer.from(posted);
  const b = Buffer.from(cookie);
  if (a.length === 0 || a.length !== b.length || !crypto.timingSafeEqual(a, b)) return undefined;
  const [s, shop, issued, random] = posted.split('.');
  if (s !== step || !random || !(Date.now() - Number(issued) < INSTALL_ATTEMPT_MS)) return undefined;
  return { state: posted, shopId: parseShopId(shop), random };
}

export function installRoutes(deps: ApiDeps, startSession: SessionStarter): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  /** Start a pass: a fresh state in this browser, then Haravan's authorize page. */
  const pass = (res: Response, app: HaravanAppSettings, step: Step, orgId?: number) => {
    const state = newState(step, orgId);
    setStateCookie(res, state, INSTALL_ATTEMPT_MS / 1000);
    res.redirect(302, authorizeUrl(app, { step, state, nonce: nonceOf(app, state), orgId }));
  };
  /**
   * The step's workflow, whose id is the state's: a state that already ran (the callback posted again, even with its
   * cookie as first sent) is refused, not run twice — undefined then.
   */
  const run = async <I, O>(workflow: string, step: Step, random: string, input: I): Promise<O | undefined> => {
    try {
      return (await deps.client.workflow.execute(workflow, {
        taskQueue: deps.taskQueue,
        workflowId: installStepWorkflowId(step, random),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [input],
        workflowExecutionTimeout: '2 minutes',
      } as never)) as O;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return undefined;
      throw err;
    }
  };

  r.get(INSTALL_PATHS.start, (req, res) => {
    const app = deps.haravanApp;
    if (!app) return refuse(res, 'INSTALL_NOT_CONFIGURED');
    const orgId = req.query.orgid === undefined ? undefined : parseShopId(req.query.orgid);
    if (req.query.orgid !== undefined && orgId === undefined) return refuse(res, 'VALIDATION_FAILED');
    pass(res, app, 'login', orgId);
  });

  /** Both callbacks: the binding, Haravan's own refusal, then the step's workflow. */
  const callback = (step: Step, done: (req: Request, res: Response, app: HaravanAppSettings, bound: NonNullable<ReturnType<typeof boundState>>) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const app = deps.haravanApp;
      if (!app) return refuse(res, 'INSTALL_NOT_CONFIGURED');
      const bound = boundState(req, step);
      if (!bound) return refuse(res, 'INSTALL_STATE_INVALID');
      setStateCookie(res, '', 0); // a state is used once
      if (typeof req.body.error === 'string') return refuse(res, 'INSTALL_DENIED');
      if (typeof req.body.id_token !== 'string' || (step === 'grant' && typeof req.body.code !== 'string')) return refuse(res, 'INSTALL_ID_TOKEN_INVALID');
      try {
        await done(req, res, app, bound);
      } catch (err) {
        deps.logger.warn({ err, step }, 'install step failed');
        if (!res.headersSent) refuse(res, 'INSTALL_FAILED');
      }
    };

  r.post(
    INSTALL_PATHS.login,
    form,
    callback('login', async (req, res, app, bound) => {
      const input: InstallLoginInput = { idToken: req.body.id_token, nonce: nonceOf(app, bound.state) };
      const who = await run<InstallLoginInput, InstallLoginResult>('installLoginWorkflow', 'login', bound.random, input);
      if (!who) return refuse(res, 'INSTALL_STATE_INVALID');
      if (!who.ok) return refuse(res, who.code);
      pass(res, app, 'grant', who.shopId);
    }),
  );

  r.post(
    INSTALL_PATHS.grant,
    form,
    callback('grant', async (req, res, app, bound) => {
      if (bound.shopId === undefined) return refuse(res, 'INSTALL_STATE_INVALID');
      const input: InstallGrantInput = { idToken: req.body.id_token, nonce: nonceOf(app, bound.state), code: req.body.code, redirectUri: redirectUri(app, 'grant'), shopId: bound.shopId };
      const done = await run<InstallGrantInput, InstallGrantResult>('installGrantWorkflow', 'grant', bound.random, input);
      if (!done) return refuse(res, 'INSTALL_STATE_INVALID');
      if (!done.ok) return refuse(res, done.code);
      await startSession(res, deps, { shopId: done.shopId, userId: done.userId });
      res.redirect(302, '/app');
    }),
  );
  return r;
}
