/** /healthz, /metrics, /openapi.json, the API reference page and the Temporal remote codec endpoints. */
import express, { Router } from 'express';
import client from 'prom-client';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { ApiError } from '../errors';
import type { ApiDeps } from '../context';
import { registerAuditPaths } from '../audit-schemas';
import { registerChartPaths } from '../chart-schemas';
import { registerOrderBatchPaths } from '../order-batch-schemas';
import { registerPublicationPaths } from '../publication-schemas';
import { registerSessionPaths } from '../session-schemas';
import { buildOpenApi } from '../schemas';
import { checkToken } from '../security';

export function systemRoutes(deps: ApiDeps): Router {
  const r = Router();
  let openapi: object | undefined;

  // Which dependency is down, never its error text (a driver's message can name hosts, users, paths): that is logged.
  r.get('/healthz', async (_req, res) => {
    const checks: Record<string, 'ok' | 'down'> = {};
    const check = (name: string, probe: () => Promise<unknown>) =>
      probe().then(
        () => (checks[name] = 'ok'),
        (err) => {
          checks[name] = 'down';
          deps.logger.warn({ err, dependency: name }, 'health check failed');
        },
      );
    await Promise.all([check('database', () => deps.store.ping()), check('temporal', () => deps.client.connection.workflowService.getSystemInfo({}))]);
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks });
  });

  r.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', client.register.contentType);
    res.send(await client.register.metrics());
  });

  r.get('/openapi.json', (_req, res) => {
    openapi ??= buildOpenApi([registerPublicationPaths, registerOrderBatchPaths, registerSessionPaths, registerAuditPaths, registerChartPaths]);
    res.json(openapi);
  });

  r.get('/docs', (_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.send(renderReference((openapi ??= buildOpenApi([registerPublicationPaths, registerOrderBatchPaths, registerSessionPaths, registerAuditPaths, registerChartPaths])) as OpenApiDoc));
  });

  // Temporal remote codec protocol: POST /codec/encode and /codec/decode with {payloads}, for the Web UI.
  const origins = new Set(deps.codecCorsOrigins ?? []);
  r.use('/codec', (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    }
    if (req.method === 'OPTIONS') {
      res.sendStatus(204);
      return;
    }
    next();
  });
  for (const op of ['encode', 'decode'] as const) {
    r.post(`/codec/${op}`, express.json({ limit: '4mb' }), async (req, res) => {
      if (!checkToken(req.headers.authorization, deps.apiToken) && !isLocalUi(req.headers.origin, origins, req.socket.remoteAddress)) throw new ApiError(401, 'UNAUTHORIZED');
      if (!deps.codec) {
        res.json({ payloads: req.body?.payloads ?? [] });
        return;
      }
      const payloads = CodecBody.parse(req.body ?? {}).payloads.map(fromJson);
      let out: Payload[];
      try {
        out = op === 'encode' ? await deps.codec.encode(payloads) : await deps.codec.decode(payloads);
      } catch (err) {
        // Tampered ciphertext, an unknown key id, a payload that is not ours: the caller's input, not a server fault.
        throw new ApiError(400, 'VALIDATION_FAILED', `payloads cannot be ${op}d: ${(err as Error).message}`);
      }
      res.json({ payloads: out.map(toJson) });
    });
  }
  return r;
}

/**
 * The dev server's UI sends no credentials; it is trusted only from a configured local origin *and* a loopback
 * peer (an Origin header is trivially forged by a non-browser client, the peer address is not).
 */
export function isLocalUi(origin: string | undefined, origins: Set<string>, remoteAddress: string | undefined): boolean {
  const loopback = !!remoteAddress && /^(127\.|::1$|::ffff:127\.)/.test(remoteAddress);
  return loopback && !!origin && origins.has(origin) && /^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin);
}

const CodecBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string().max(1_000_000)).optional(), data: z.string().optional() })).max(10_000),
});

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

function fromJson(p: JsonPayload): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = new Uint8Array(Buffer.from(v, 'base64'));
  return { metadata, data: p.data ? new Uint8Array(Buffer.from(p.data, 'base64')) : undefined };
}

function toJson(p: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v as Uint8Array).toString('base64');
  return { metadata, data: p.data ? Buffer.from(p.data).toString('base64') : undefined };
}

interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  nullable?: boolean;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  allOf?: SchemaObject[];
}

interface OpenApiDoc {
  info: { title: string; description?: string };
  paths: Record<
    string,
    Record<
      string,
      {
        summary?: string;
        parameters?: { name: string; in: string; required?: boolean; schema?: SchemaObject }[];
        requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
        responses?: Record<string, { description?: string; content?: Record<string, { schema?: SchemaObject }> }>;
      }
    >
  >;
  components?: { schemas?: Record<string, SchemaObject> };
}

/** The API reference page: every operation with its inputs and answers, then every schema with its fields. */
function renderReference(doc: OpenApiDoc): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const refName = (ref: string) => ref.split('/').pop()!;
  const typeOf = (sc: SchemaObject | undefined): string => {
    if (!sc) return '';
    if (sc.$ref) return `<a href="#schema-${esc(refName(sc.$ref))}">${esc(refName(sc.$ref))}</a>`;
    const alts = sc.anyOf ?? sc.oneOf ?? sc.allOf;
    if (alts) return alts.map(typeOf).join(sc.allOf ? ' &amp; ' : ' | ');
    if (sc.type === 'array') return `${typeOf(sc.items)}[]`;
    const rules = [
      sc.enum ? sc.enum.map((v) => JSON.stringify(v)).join(' | ') : '',
      sc.minimum !== undefined || sc.maximum !== undefined ? `${sc.minimum ?? '…'}–${sc.maximum ?? '…'}` : '',
      sc.maxLength !== undefined ? `≤ ${sc.maxLength} chars` : '',
      sc.format ?? '',
      sc.pattern ? `/${sc.pattern}/` : '',
    ].filter(Boolean);
    return `${esc(sc.type ?? 'object')}${rules.length ? ` <small>(${esc(rules.join(', '))})</small>` : ''}${sc.nullable ? ' | null' : ''}`;
  };
  const fields = (sc: SchemaObject | undefined): string => {
    if (!sc) return '';
    if (sc.$ref) return typeOf(sc);
    if (!sc.properties) return typeOf(sc);
    const req = new Set(sc.required ?? []);
    return Object.entries(sc.properties)
      .map(([k, v]) => `<code>${esc(k)}</code>${req.has(k) ? '' : '?'}: ${typeOf(v)}`)
      .join('<br>');
  };
  const rows = Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const params = (op.parameters ?? []).map((p) => `<code>${esc(p.name)}</code> <small>(${esc(p.in)})</small>${p.required ? '' : '?'}: ${typeOf(p.schema)}`);
        const body = op.requestBody?.content?.['application/json']?.schema;
        const input = [...params, body ? `<b>body</b> ${fields(body)}` : ''].filter(Boolean).join('<br>');
        const answers = Object.entries(op.responses ?? {})
          .map(([code, r]) => {
            const sc = r.content?.['application/json']?.schema;
            return `<b>${code}</b> ${esc(r.description ?? '')}${sc ? ` → ${typeOf(sc)}` : ''}`;
          })
          .join('<br>');
        return `<tr id="${esc(method)}-${esc(path)}"><td><code>${method.toUpperCase()}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary ?? '')}</td><td>${input}</td><td>${answers}</td></tr>`;
      }),
    )
    .join('\n');
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(([name, sc]) => `<h3 id="schema-${esc(name)}">${esc(name)}</h3><p>${fields(sc)}</p>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1d2733}table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #dde3ea;padding:.4rem;vertical-align:top;text-align:left}th{background:#f4f6f9}code{font-size:.9em}small{color:#5f6b7a}h3{margin:1.2rem 0 .3rem}th:nth-child(1){width:5%}th:nth-child(2){width:20%}th:nth-child(3){width:20%}th:nth-child(4){width:27%}</style></head>
<body><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (generated from the zod schemas the routes validate with). Merchant dashboard: <a href="/app">/app</a>.
All <code>/v1</code> routes need <code>Authorization: Bearer &lt;API_TOKEN&gt;</code>. Errors are <code>{ "error": { "code", "message", "messageVi", "issues"? } }</code>; an invalid request is <code>400 VALIDATION_FAILED</code> with field-level <code>issues</code> and changes nothing. <code>?</code> marks an optional field.</p>
<h2>Operations</h2>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Input</th><th>Answers</th></tr></thead><tbody>${rows}</tbody></table>
<h2>Schemas</h2>${schemas}</body></html>`;
}
