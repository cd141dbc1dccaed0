/**
 * The merchant dashboard at `/app`: a small Preact + htm single-page app from `web/`, bundled by esbuild in
 * memory the first time it is asked for (no build step, nothing written to disk, so `npm start`, the tests
 * and the container serve the same code from a fresh clone). The page asks for the API token and calls the
 * /v1 API with it; nothing here bypasses the bearer check.
 *
 * Also `GET /v1/connections/:id/sources` (bearer-protected, mounted under /v1): the Haravan locations and
 * Tiki seller warehouses of a connection, read live by the worker (workflows/sources.ts), so the settings form can
 * offer them by name.
 */
import path from 'node:path';
import { Router } from 'express';
import * as esbuild from 'esbuild';
import { messageFor } from '../../domain/messages';
import { READ_SOURCES_WORKFLOW, type SourceOption, type SourcesRead } from '../../workflows/definitions';
import { sourcesWorkflowId } from '../../workflows/ids';
import { SA_SHOP_ID } from '../../workflows/search-attributes';
import { apiError } from '../errors';
import { ApiDeps, parse } from '../context';
import { ConnectionIdParams } from '../schemas';

const WEB_DIR = path.resolve(__dirname, '../../web');

export interface DashboardBundle {
  js: string;
  css: string;
  /** Short content hash, used as a cache-busting query string. */
  version: string;
}

let bundle: Promise<DashboardBundle> | undefined;

/** Bundle web/ once per process (≈100 ms); a failed build is retried on the next request. */
export function buildDashboard(): Promise<DashboardBundle> {
  bundle ??= esbuild
    .build({
      absWorkingDir: WEB_DIR,
      entryPoints: { app: 'main.ts', app_styles: 'styles.css' },
      bundle: true,
      minify: true,
      format: 'esm',
      target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
      outdir: 'out',
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
    })
    .then((result) => {
      const file = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext));
      const js = file('.js');
      const css = file('.css');
      if (!js || !css) throw new Error('dashboard bundle is incomplete');
      return { js: js.text, css: css.text, version: js.hash.slice(0, 12) };
    })
    .catch((err) => {
      bundle = undefined;
      throw err;
    });
  return bundle;
}

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

function page(version: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kết nối Haravan ⇄ Tiki</title>
<link rel="stylesheet" href="/app/app.css?v=${version}">
</head>
<body>
<div id="app"><p style="padding:2rem">Đang tải… / Loading…</p></div>
<noscript>Trang quản lý cần JavaScript. / The dashboard needs JavaScript.</noscript>
<script type="module" src="/app/app.js?v=${version}"></script>
</body>
</html>`;
}

/** Static part: the page and its two assets (public: they hold no data; the data needs the token). */
export function dashboardRoutes(deps: Pick<ApiDeps, 'logger'>): Router {
  const r = Router();
  const serve = (kind: 'html' | 'js' | 'css') => async (_req: unknown, res: import('express').Response) => {
    let b: DashboardBundle;
    try {
      b = await buildDashboard();
    } catch (err) {
      deps.logger.error({ err }, 'dashboard build failed');
      res.status(500).type('text/plain').send('The dashboard could not be built; see the API log.');
      return;
    }
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', kind === 'html' ? 'no-cache' : 'public, max-age=31536000, immutable');
    if (kind === 'html') res.type('html').send(page(b.version));
    else if (kind === 'js') res.type('application/javascript').send(b.js);
    else res.type('text/css').send(b.css);
  };
  r.get('/app', serve('html'));
  r.get('/app/', serve('html'));
  r.get('/app/app.js', serve('js'));
  r.get('/app/app.css', serve('css'));
  return r;
}

interface Sources {
  locations: SourceOption[];
  warehouses: SourceOption[];
  error?: { code: string; message: string; messageVi: string };
}

const SOURCES_TTL_MS = 60_000;
/** Longest the API waits for the worker's read (the vendor clients retry 429s and timeouts within it). */
const SOURCES_TIMEOUT = '45 seconds';

/**
 * The connection's Haravan locations and Tiki seller warehouses, read now by the worker (workflows/sources.ts); a
 * read that could not reach the worker answers as a `failure`. Null once the credentials are gone.
 */
export async function readSourcesLive(deps: Pick<ApiDeps, 'client' | 'taskQueue'>, c: { id: string; shopId: number }): Promise<SourcesRead | null> {
  try {
    return await deps.client.workflow.execute(READ_SOURCES_WORKFLOW, {
      taskQueue: deps.taskQueue,
      workflowId: sourcesWorkflowId(c.shopId),
      args: [c.id],
      // Concurrent form loads share one read; each later one starts a new run.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowExecutionTimeout: SOURCES_TIMEOUT,
      typedSearchAttributes: [{ key: SA_SHOP_ID, value: String(c.shopId) }],
      staticSummary: `Settings form sources of shop ${c.shopId}`,
    } as never);
  } catch (err) {
    return { locations: [], warehouses: [], failure: { reason: 'INTERNAL', detail: String(err) } };
  }
}

/** Bearer-protected part, mounted inside the /v1 router. */
export function dashboardApiRoutes(deps: ApiDeps): Router {
  const r = Router();
  const cache = new Map<string, { at: number; value: Sources }>();

  r.get('/connections/:id/sources', async (req, res) => {
    const { id } = parse(ConnectionIdParams, req.params);
    const c = await deps.store.getConnection(id);
    if (!c) throw apiError('NOT_FOUND', `connection ${id} not found`);
    const hit = cache.get(id);
    if (hit && Date.now() - hit.at < SOURCES_TTL_MS) {
      res.json(hit.value);
      return;
    }
    const read = await readSourcesLive(deps, c);
    if (!read) throw apiError('CONNECTION_NOT_ACTIVE');
    const value: Sources = { locations: read.locations, warehouses: read.warehouses };
    if (read.failure) {
      const m = messageFor('SOURCES_UNAVAILABLE');
      const { reason, detail } = read.failure;
      deps.logger.warn({ connectionId: id, reason, err: detail }, 'sources: vendor read failed');
      value.error = { code: 'SOURCES_UNAVAILABLE', message: `${m.en} (${reason})`, messageVi: m.vi };
    } else {
      cache.set(id, { at: Date.now(), value });
    }
    res.json(value);
  });
  return r;
}
