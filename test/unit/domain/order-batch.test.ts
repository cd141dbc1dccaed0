/** The rules of bulk order work (domain/order-batch.ts): what a batch sends, how answers become outcomes, the tally, labels. */
import {
  batchState,
  labelKind,
  labelPlacement,
  labelStanding,
  labelUrlAllowed,
  orderActionFor,
  outcomeOfFailure,
  precheckBatchOrder,
  tallyBatch,
  uniqueCodes,
  type LabelKind,
} from '../../../domain/order-batch';
import { messageFor } from '../../../domain/messages';
import { BATCH_ACTIONS, type BatchItemOutcome } from '../../../domain/terms';
import { LABEL_APART_CODES, BATCH_SKIP_CODES } from '../../../domain/order-batch';

describe('orderActionFor: a batch action is one single order action per order', () => {
  it.each([
    ['confirm', 'ready-to-ship'],
    ['ready-to-ship', 'ready-to-ship'],
    ['print-label', 'print-label'],
    ['cancel', 'cancel'],
  ] as const)('%s → %s', (batch, single) => {
    expect(orderActionFor(batch)).toBe(single);
  });
  it('covers every batch action', () => {
    expect(BATCH_ACTIONS.map(orderActionFor)).toHaveLength(4);
  });
});

describe('precheckBatchOrder: what is known before the order workflow is asked', () => {
  it.each([
    ['worked on Tiki', { status: 'awaiting_confirmation', haravanOrderId: 1 }, false, 'PROCESSED_ON_TIKI'],
    ['unknown order', null, true, 'ORDER_NOT_FOUND'],
    ['not imported yet', { status: 'awaiting_confirmation', haravanOrderId: null }, true, 'ORDER_NOT_IMPORTED'],
    ['cancelled (finished)', { status: 'cancelled', haravanOrderId: 1 }, true, 'INVALID_ORDER_STATE'],
    ['completed (finished)', { status: 'completed', haravanOrderId: 1 }, true, 'INVALID_ORDER_STATE'],
    ['awaiting confirmation: asked', { status: 'awaiting_confirmation', haravanOrderId: 1 }, true, null],
    ['shipping: asked (Tiki decides, the stored status may lag)', { status: 'shipping', haravanOrderId: 1 }, true, null],
    ['delivered is not finished: asked', { status: 'delivered', haravanOrderId: 1 }, true, null],
  ] as const)('%s', (_name, order, inHaravan, expected) => {
    expect(precheckBatchOrder(order, inHaravan)).toBe(expected);
  });
});

describe('outcomeOfFailure', () => {
  it.each([
    ['INVALID_ORDER_STATE', 'skipped'],
    ['PROCESSED_ON_TIKI', 'skipped'],
    ['ORDER_NOT_IMPORTED', 'skipped'],
    ['ORDER_NOT_FOUND', 'skipped'],
    ['TIKI_VALIDATION', 'failed'],
    ['TIKI_SERVER_ERROR', 'failed'],
    ['HARAVAN_SERVER_ERROR', 'failed'],
    ['CONNECTION_NOT_ACTIVE', 'failed'],
    ['INTERNAL', 'failed'],
  ])('%s → %s', (code, outcome) => {
    expect(outcomeOfFailure(code)).toBe(outcome);
  });
});

describe('uniqueCodes', () => {
  it.each([
    [['A', 'B', 'A'], ['A', 'B']],
    [[' A ', 'A', ''], ['A']],
    [['3', '1', '2'], ['3', '1', '2']],
    [[], []],
  ])('%j → %j', (codes, expected) => {
    expect(uniqueCodes(codes)).toEqual(expected);
  });
});

describe('tallyBatch and batchState', () => {
  it.each<[string, BatchItemOutcome[], { done: number; skipped: number; failed: number; pending: number }, string]>([
    ['all pending', ['pending', 'pending'], { done: 0, skipped: 0, failed: 0, pending: 2 }, 'running'],
    ['some left', ['done', 'pending', 'failed'], { done: 1, skipped: 0, failed: 1, pending: 1 }, 'running'],
    ['partial failure completes', ['done', 'skipped', 'failed', 'done'], { done: 2, skipped: 1, failed: 1, pending: 0 }, 'completed'],
    ['everything skipped completes (nothing went wrong)', ['skipped', 'skipped'], { done: 0, skipped: 2, failed: 0, pending: 0 }, 'completed'],
    ['nothing got through', ['failed', 'skipped', 'failed'], { done: 0, skipped: 1, failed: 2, pending: 0 }, 'failed'],
    ['empty', [], { done: 0, skipped: 0, failed: 0, pending: 0 }, 'completed'],
  ])('%s', (_name, outcomes, counts, state) => {
    const t = tallyBatch(outcomes);
    expect(t).toEqual({ total: outcomes.length, ...counts });
    expect(batchState(t)).toBe(state);
  });
});

describe('labelKind: the first bytes decide', () => {
  const bytes = (s: string | number[]) => (typeof s === 'string' ? new TextEncoder().encode(s) : Uint8Array.from(s));
  it.each<[string, string | null, Uint8Array, LabelKind]>([
    ['a PDF', 'application/pdf', bytes('%PDF-1.7\n...'), 'pdf'],
    ['a PDF served as octet-stream', 'application/octet-stream', bytes('%PDF-1.4'), 'pdf'],
    ['a PNG', 'image/png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'png'],
    ['a JPEG', 'image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0]), 'jpeg'],
    ['a web page', 'text/html; charset=utf-8', bytes('<!doctype html><html>'), 'html'],
    ['a web page claiming to be a PDF', 'application/pdf', bytes('  <html><body>'), 'html'],
    ['a web page with a BOM', null, bytes('\uFEFF<!DOCTYPE html>'), 'html'],
    ['html by its type only', 'text/html', bytes('hello'), 'html'],
    ['anything else', 'application/json', bytes('{"a":1}'), 'unknown'],
    ['empty', null, bytes(''), 'unknown'],
  ])('%s', (_name, type, head, kind) => {
    expect(labelKind(type, head)).toBe(kind);
  });
});

describe('labelPlacement', () => {
  it.each([
    ['pdf', { join: 'pages' }],
    ['png', { join: 'image', format: 'png' }],
    ['jpeg', { join: 'image', format: 'jpeg' }],
    ['html', { join: 'apart', code: 'LABEL_NOT_PRINTABLE' }],
    ['unknown', { join: 'apart', code: 'LABEL_NOT_PRINTABLE' }],
  ] as const)('%s', (kind, placement) => {
    expect(labelPlacement(kind)).toEqual(placement);
  });
});

describe('labelStanding: where a done order\'s label stands', () => {
  it.each([
    ['not done: nothing to say', { outcome: 'skipped', labelKind: null, labelCode: null }, true, null],
    ['kept as a PDF', { outcome: 'done', labelKind: 'pdf', labelCode: null }, false, { label: 'merged' }],
    ['kept as an image', { outcome: 'done', labelKind: 'png', labelCode: null }, true, { label: 'merged' }],
    ['a web page, listed apart', { outcome: 'done', labelKind: 'html', labelCode: 'LABEL_NOT_PRINTABLE' }, true, { label: 'apart', code: 'LABEL_NOT_PRINTABLE' }],
    ['unreadable after the merge', { outcome: 'done', labelKind: 'pdf', labelCode: 'LABEL_UNREADABLE' }, true, { label: 'apart', code: 'LABEL_UNREADABLE' }],
    ['still downloading', { outcome: 'done', labelKind: null, labelCode: null }, false, null],
    ['never kept by the end', { outcome: 'done', labelKind: null, labelCode: null }, true, { label: 'apart', code: 'LABEL_FETCH_FAILED' }],
  ] as const)('%s', (_name, item, ended, expected) => {
    expect(labelStanding(item, ended)).toEqual(expected);
  });
});

describe('labelUrlAllowed: a label URL is vendor data', () => {
  const sandbox = 'http://127.0.0.1:18192';
  it.each([
    ['the connection’s own Tiki origin', 'http://127.0.0.1:18192/_sandbox/labels/1/label', sandbox, true],
    ['another port of that host', 'http://127.0.0.1:9999/x', sandbox, false],
    ['a Tiki host over https', 'https://sellercenter.tiki.vn/ts/print/1.html', 'https://api.tiki.vn', true],
    ['Tiki’s CDN over https', 'https://salt.tikicdn.com/label/1.pdf', 'https://api.tiki.vn', true],
    ['a Tiki host over http', 'http://sellercenter.tiki.vn/ts/print/1.html', 'https://api.tiki.vn', false],
    ['a look-alike host', 'https://evil-tiki.vn/x.pdf', 'https://api.tiki.vn', false],
    ['a suffix trick', 'https://tiki.vn.evil.com/x.pdf', 'https://api.tiki.vn', false],
    ['user info', 'https://a:b@api.tiki.vn/x.pdf', 'https://api.tiki.vn', false],
    ['another scheme', 'file:///etc/passwd', 'https://api.tiki.vn', false],
    ['the metadata address', 'http://169.254.169.254/latest', 'https://api.tiki.vn', false],
    ['not a URL', 'label.pdf', 'https://api.tiki.vn', false],
  ])('%s', (_name, url, base, ok) => {
    expect(labelUrlAllowed(url, base)).toBe(ok);
  });
});

describe('every code a batch can show has its words in both languages', () => {
  it.each([...BATCH_SKIP_CODES, ...LABEL_APART_CODES, 'ORDER_BATCH_NOT_FOUND', 'ORDER_BATCH_EMPTY', 'LABELS_NOT_READY'])('%s', (code) => {
    const m = messageFor(code);
    expect(m.vi).not.toBe(code);
    expect(m.en).not.toBe(code);
  });
});
