/**
 * Labels of a batch: the Tiki sandbox serves real label files (PDF by default; HTML, PNG, slow or failing by plan),
 * the Tiki client downloads them as bytes (only from Tiki's own addresses), and mergeLabels makes one PDF of them.
 */
import { PDFDocument } from 'pdf-lib';
import { mergeLabels } from '../../../activities/orders/label-pdf';
import { ConnectorError } from '../../../connectors/errors';
import { TikiClient } from '../../../connectors/tiki/client';
import { labelKind } from '../../../domain/order-batch';
import { startTikiSandbox } from '../../../sandbox/tiki/app';

let sandbox: Awaited<ReturnType<typeof startTikiSandbox>>;
let tiki: TikiClient;

beforeAll(async () => {
  sandbox = await startTikiSandbox(0, { seed: 3 });
  tiki = new TikiClient({ baseUrl: sandbox.url, auth: { apiKey: 'label-test-key' }, maxRequestsPerSecond: 50 });
});
afterAll(async () => {
  tiki.release();
  await sandbox.close();
});

const plan = (body: object) => fetch(`${sandbox.url}/_sandbox/labels/plans`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const labelUrl = (code: string) => `${sandbox.url}/_sandbox/labels/${code}/label`;

test('a label is a one-page PDF by default; HTML and PNG by plan; the first bytes tell them apart', async () => {
  expect((await plan({ byCode: { '200': { format: 'html' }, '300': { format: 'png' } } })).status).toBe(200);
  const pdf = await tiki.fetchLabelFile(labelUrl('100'));
  const page = await tiki.fetchLabelFile(labelUrl('200'));
  const png = await tiki.fetchLabelFile(labelUrl('300'));
  expect(labelKind(pdf.contentType, pdf.bytes)).toBe('pdf');
  expect((await PDFDocument.load(pdf.bytes)).getPageCount()).toBe(1);
  expect(labelKind(page.contentType, page.bytes)).toBe('html');
  expect(labelKind(png.contentType, png.bytes)).toBe('png');

  const merged = await mergeLabels([
    { tikiCode: '100', kind: 'pdf', file: pdf.bytes },
    { tikiCode: '300', kind: 'png', file: png.bytes },
    { tikiCode: '400', kind: 'pdf', file: new TextEncoder().encode('%PDF-1.7 broken') },
  ]);
  expect(merged.pages).toBe(2);
  expect(merged.unreadable).toEqual(['400']);
  expect((await PDFDocument.load(merged.pdf!)).getPageCount()).toBe(2);
});

test('nothing readable → no PDF', async () => {
  expect(await mergeLabels([{ tikiCode: '1', kind: 'png', file: new Uint8Array([1, 2, 3]) }])).toEqual({ pdf: null, pages: 0, unreadable: ['1'] });
});

test('a failing fetch by plan fails the first `times` fetches only; a slow one is slow', async () => {
  await plan({ byCode: { '500': { status: 503, times: 1 }, '600': { latencyMs: 300 } } });
  await expect(tiki.fetchLabelFile(labelUrl('500'))).rejects.toMatchObject({ code: 'SERVER_ERROR', status: 503 });
  expect(labelKind(null, (await tiki.fetchLabelFile(labelUrl('500'))).bytes)).toBe('pdf');
  const started = Date.now();
  await tiki.fetchLabelFile(labelUrl('600'));
  expect(Date.now() - started).toBeGreaterThanOrEqual(280);
});

test('the client fetches no URL outside Tiki and its own origin', async () => {
  const err = await tiki.fetchLabelFile('http://169.254.169.254/latest/meta-data').catch((e) => e);
  expect(err).toBeInstanceOf(ConnectorError);
  expect(err.code).toBe('VALIDATION');
});
