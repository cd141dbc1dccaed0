/**
 * The one PDF of a batch's labels (pdf-lib): every page of each label PDF Tiki served is copied in the selection's
 * order, an image label (PNG/JPEG) becomes a page of its own (A6, the image fitted), and a file that cannot be read
 * is reported back so it is listed apart (LABEL_UNREADABLE).
 */
import { PDFDocument } from 'pdf-lib';

export interface LabelFile {
  tikiCode: string;
  kind: 'pdf' | 'png' | 'jpeg';
  file: Uint8Array;
}

export interface MergedLabels {
  /** Null when no label could be merged. */
  pdf: Uint8Array | null;
  pages: number;
  /** Orders whose file could not be read. */
  unreadable: string[];
}

/** A6 portrait in points: the usual shipping label. */
const A6: [number, number] = [297.64, 419.53];
const MARGIN = 8;

export async function mergeLabels(labels: readonly LabelFile[]): Promise<MergedLabels> {
  const out = await PDFDocument.create();
  out.setTitle('Tiki labels');
  out.setCreator('haravan-tiki-sync');
  const unreadable: string[] = [];
  for (const label of labels) {
    try {
      if (label.kind === 'pdf') {
        const src = await PDFDocument.load(label.file, { ignoreEncryption: true });
        const pages = await out.copyPages(src, src.getPageIndices());
        if (pages.length === 0) throw new Error('no page');
        for (const p of pages) out.addPage(p);
      } else {
        const image = label.kind === 'png' ? await out.embedPng(label.file) : await out.embedJpg(label.file);
        const page = out.addPage(A6);
        const scale = Math.min((A6[0] - 2 * MARGIN) / image.width, (A6[1] - 2 * MARGIN) / image.height, 1);
        const w = image.width * scale;
        const h = image.height * scale;
        page.drawImage(image, { x: (A6[0] - w) / 2, y: (A6[1] - h) / 2, width: w, height: h });
      }
    } catch {
      unreadable.push(label.tikiCode);
    }
  }
  const pages = out.getPageCount();
  return { pdf: pages > 0 ? await out.save() : null, pages, unreadable };
}
