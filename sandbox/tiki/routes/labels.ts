/**
 * The printable files behind label URLs (`GET /_sandbox/labels/:code/:kind`, `kind` = `label` or `stamp`) and their
 * plans. By default a label is a real one-page PDF (A6, the order code on it). A plan (`PUT /_sandbox/labels/plans`
 * `{default?: plan, byCode?: {<order code>: plan}}`, plan `{format?: pdf|html|png, latencyMs?, status?, times?}`)
 * serves it as a web page or a PNG image instead, slowly (`latencyMs`), or failing with `status` (the first `times`
 * fetches only, when given). **Choice:** Tiki documents `format=html` only; what its label URLs serve is unknown.
 */
import zlib from 'node:zlib';
import express, { Router } from 'express';
import { PDFDict, PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { z } from 'zod';
import { controlError } from '../api-error';

const planSchema = z
  .object({
    format: z.enum(['pdf', 'html', 'png']).optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    status: z.number().int().min(400).max(599).optional(),
    times: z.number().int().min(1).optional(),
  })
  .strict();
type LabelPlan = z.infer<typeof planSchema>;
const plansSchema = z.object({ default: planSchema.optional(), byCode: z.record(z.string(), planSchema).optional() }).strict();

export class LabelPlans {
  default: LabelPlan = {};
  byCode = new Map<string, LabelPlan>();
  /** Failing fetches served per order code (for `times`). */
  private failed = new Map<string, number>();
  /** Fetches served per order code. */
  readonly fetches = new Map<string, number>();

  set(p: z.infer<typeof plansSchema>): void {
    if (p.default) this.default = p.default;
    for (const [code, plan] of Object.entries(p.byCode ?? {})) this.byCode.set(code, plan);
  }

  reset(): void {
    this.default = {};
    this.byCode.clear();
    this.failed.clear();
    this.fetches.clear();
  }

  planFor(code: string): LabelPlan {
    return this.byCode.get(code) ?? this.default;
  }

  /** Whether this fetch fails (and counts it). */
  fails(code: string, plan: LabelPlan): boolean {
    if (!plan.status) return false;
    const n = this.failed.get(code) ?? 0;
    if (plan.times !== undefined && n >= plan.times) return false;
    this.failed.set(code, n + 1);
    return true;
  }

  view() {
    return { default: this.default, byCode: Object.fromEntries(this.byCode), fetches: Object.fromEntries(this.fetches) };
  }
}

export function labelRouter(plans: LabelPlans): Router {
  const r = express.Router();
  r.get('/labels/plans', (_req, res) => {
    res.json(plans.view());
  });
  r.put('/labels/plans', (req, res) => {
    const parsed = plansSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw controlError(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    plans.set(parsed.data);
    res.json(plans.view());
  });
  r.get('/labels/:code/:kind', async (req, res) => {
    const code = String(req.params.code).replace(/[^0-9A-Za-z-]/g, '');
    const stamp = String(req.params.kind).replace(/\.[a-z]+$/, '') === 'stamp';
    const plan = plans.planFor(code);
    plans.fetches.set(code, (plans.fetches.get(code) ?? 0) + 1);
    if (plan.latencyMs) await new Promise((resolve) => setTimeout(resolve, plan.latencyMs));
    if (plans.fails(code, plan)) {
      res.status(plan.status!).json({ errors: [`Injected label fault ${plan.status}`] });
      return;
    }
    const title = stamp ? 'Tem van chuyen' : 'Phieu giao hang';
    switch (plan.format ?? 'pdf') {
      case 'html':
        res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>${title} ${code}</title></head><body><h1>${stamp ? 'Tem vận chuyển' : 'Phiếu giao hàng'}</h1><p>Đơn hàng ${code}</p></body></html>`);
        return;
      case 'png':
        res.type('png').send(labelPng(code));
        return;
      default:
        res.type('application/pdf').send(Buffer.from(await labelPdf(title, code)));
    }
  });
  return r;
}

/** A one-page A6 PDF with the label's title and the order code (standard fonts: ASCII only; the code also in its info). */
async function labelPdf(title: string, code: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${title} ${code}`);
  const page = doc.addPage([297.64, 419.53]);
  const font = await doc.embedFont(StandardFonts.HelveticaBold);
  page.drawText('TIKI', { x: 20, y: 380, size: 24, font });
  page.drawText(title, { x: 20, y: 350, size: 14, font });
  page.drawText(`Order ${code}`, { x: 20, y: 320, size: 16, font });
  page.drawRectangle({ x: 20, y: 200, width: 257, height: 80, borderWidth: 2 });
  // The order code also in plain text in the document info (no object streams), as a label's own reference.
  doc.context.lookup(doc.context.trailerInfo.Info, PDFDict).set(PDFName.of('TikiOrderCode'), PDFString.of(code));
  return doc.save({ useObjectStreams: false });
}

/** A small grey-scale PNG (a bar pattern keyed by the code), built by hand: signature, IHDR, IDAT, IEND. */
function labelPng(code: string): Buffer {
  const width = 200;
  const height = 300;
  const seed = [...code].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = y > 40 && y < 120 && ((x >> 2) ^ seed) & 1 ? 0 : 255;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grey, deflate, no filter set, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
