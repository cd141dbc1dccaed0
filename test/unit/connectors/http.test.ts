/**
 * The shared HTTP layer (connectors/http.ts) against a real local server: what goes on the wire, keep-alive
 * reuse, and how timeouts and network failures are classified.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError } from '../../../connectors/errors';
import { sendHttp, USER_AGENT } from '../../../connectors/http';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: number;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];
const sockets = new Map<object, number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size + 1);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, socket: sockets.get(req.socket)! });
      if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 2_000).unref();
      if (req.url === '/text') return void res.writeHead(502, { 'Content-Type': 'text/plain' }).end('Bad gateway');
      if (req.url === '/empty') return void res.writeHead(204).end();
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Haravan-Api-Call-Limit': '3/80', 'Set-Cookie': ['a=1', 'b=2'] });
      res.end(JSON.stringify({ echo: body && req.headers['content-type'] === 'application/json' ? JSON.parse(body) : body || null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => (seen.length = 0));

describe('sendHttp', () => {
  it('sends JSON with our User-Agent, Accept and Content-Length, and parses the JSON answer', async () => {
    const res = await sendHttp('tiki', 'POST /x', { method: 'POST', url: `${base}/x?a=1`, body: { n: 1, s: 'Hà Nội' }, headers: { Authorization: 'Bearer t' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ echo: { n: 1, s: 'Hà Nội' } });
    expect(res.headers.get('X-Haravan-Api-Call-Limit')).toBe('3/80');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(res.headers.get('missing')).toBeNull();
    const [req] = seen;
    expect(req).toMatchObject({ method: 'POST', url: '/x?a=1', body: JSON.stringify({ n: 1, s: 'Hà Nội' }) });
    expect(req.headers['user-agent']).toBe(USER_AGENT);
    expect(req.headers['user-agent']).toMatch(/^haravan-tiki-sync\//);
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['content-type']).toBe('application/json');
    expect(Number(req.headers['content-length'])).toBe(Buffer.byteLength(req.body));
    expect(req.headers.authorization).toBe('Bearer t');
  });

  it('sends a pre-encoded string body as is, and a GET without a body', async () => {
    await sendHttp('tiki', 'POST /form', { method: 'POST', url: `${base}/form`, body: 'grant_type=client_credentials', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    await sendHttp('tiki', 'GET /g', { method: 'GET', url: `${base}/g` });
    expect(seen[0]).toMatchObject({ body: 'grant_type=client_credentials' });
    expect(seen[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen[1]).toMatchObject({ method: 'GET', body: '' });
    expect(seen[1].headers['content-length']).toBeUndefined();
  });

  it('returns non-JSON and empty answers as text / undefined (the caller classifies statuses)', async () => {
    expect(await sendHttp('haravan', 'GET /text', { method: 'GET', url: `${base}/text` })).toMatchObject({ status: 502, body: 'Bad gateway' });
    expect(await sendHttp('haravan', 'GET /empty', { method: 'GET', url: `${base}/empty` })).toMatchObject({ status: 204, body: undefined });
  });

  it('reuses kept-alive connections for sequential calls', async () => {
    for (let i = 0; i < 5; i++) await sendHttp('haravan', 'GET /k', { method: 'GET', url: `${base}/k` });
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
  });

  it('classifies a client timeout as a retryable TIMEOUT and a refused connection as NETWORK', async () => {
    const timeout = await sendHttp('haravan', 'GET /slow', { method: 'GET', url: `${base}/slow`, timeoutMs: 200 }).catch((e) => e);
    expect(timeout).toBeInstanceOf(ConnectorError);
    expect(timeout).toMatchObject({ code: 'TIMEOUT', retryable: true, message: 'GET /slow timed out' });
    const refused = await sendHttp('tiki', 'GET /none', { method: 'GET', url: 'http://127.0.0.1:1/none', timeoutMs: 2_000 }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'NETWORK', retryable: true });
    // The server still answers normally afterwards.
    expect((await sendHttp('haravan', 'GET /k', { method: 'GET', url: `${base}/k` })).status).toBe(200);
  });
});
