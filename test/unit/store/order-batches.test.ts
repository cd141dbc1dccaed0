import { openDb } from '../../../store/db';
import { makeKeyring } from '../../../store/secrets';
import { Store } from '../../../store/store';

describe('store — order batches', () => {
  let store: Store;
  beforeAll(async () => {
    store = new Store(await openDb({ dataDir: 'memory://' }), makeKeyring('store-order-batches-test-key-0123456789'));
    await store.migrate();
  }, 60_000);
  afterAll(() => store.close());

  it('keeps the selection order, the first answer of each order, label files, and the merged PDF per connection', async () => {
    const items = [
      { tikiCode: 'B', outcome: 'pending' as const },
      { tikiCode: 'A', outcome: 'skipped' as const, code: 'ORDER_NOT_FOUND', message: 'Order not found', messageVi: 'Không tìm thấy đơn hàng' },
      { tikiCode: 'C', outcome: 'pending' as const },
    ];
    await store.createOrderBatch({ batchId: 'ob_1', connectionId: 'conn-1', action: 'print-label', workflowId: 'w1', items });
    await store.createOrderBatch({ batchId: 'ob_1', connectionId: 'conn-1', action: 'print-label', workflowId: 'w1', items }); // a retry adds nothing
    const b = await store.getOrderBatch('conn-1', 'ob_1');
    expect(b).toMatchObject({ action: 'print-label', state: 'running', hasLabelsPdf: false, labelPages: null });
    expect(b!.items.map((i) => [i.tikiCode, i.outcome, i.code])).toEqual([
      ['B', 'pending', null],
      ['A', 'skipped', 'ORDER_NOT_FOUND'],
      ['C', 'pending', null],
    ]);
    expect(await store.getOrderBatch('conn-2', 'ob_1')).toBeNull();

    expect(await store.recordBatchItem('ob_1', 'B', { outcome: 'done', labelUrl: 'http://t/label/B' })).toMatchObject({ outcome: 'done', labelUrl: 'http://t/label/B' });
    // A second answer (a retried activity) does not change the first.
    expect(await store.recordBatchItem('ob_1', 'B', { outcome: 'failed', code: 'TIKI_SERVER_ERROR' })).toMatchObject({ outcome: 'done', code: null });
    await store.recordBatchItem('ob_1', 'C', { outcome: 'done', labelUrl: 'http://t/label/C' });

    const file = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0, 255]);
    await store.recordBatchLabel('ob_1', 'B', { kind: 'pdf', file, code: null });
    await store.recordBatchLabel('ob_1', 'C', { kind: 'html', file: null, code: 'LABEL_NOT_PRINTABLE' });
    const labels = await store.batchLabelFiles('ob_1');
    expect(labels.map((l) => [l.tikiCode, l.labelKind, l.labelCode])).toEqual([
      ['B', 'pdf', null],
      ['C', 'html', 'LABEL_NOT_PRINTABLE'],
    ]);
    expect(Array.from(labels[0].file!)).toEqual(Array.from(file));
    expect(labels[1].file).toBeNull();

    const pdf = Uint8Array.from([1, 2, 3, 0, 250]);
    await store.saveBatchLabelsPdf('ob_1', pdf, 1);
    expect(await store.getOrderBatch('conn-1', 'ob_1')).toMatchObject({ state: 'running', finishedAt: null, labelPages: 1 });
    await store.finishOrderBatch('ob_1', 'completed');
    const done = await store.getOrderBatch('conn-1', 'ob_1');
    expect(done).toMatchObject({ state: 'completed', hasLabelsPdf: true, labelPages: 1 });
    expect(done!.finishedAt).not.toBeNull();
    expect(done!.items.every((i) => !i.hasLabelFile)).toBe(true);
    expect(Array.from((await store.batchLabelsPdf('conn-1', 'ob_1'))!)).toEqual([1, 2, 3, 0, 250]);
    expect(await store.batchLabelsPdf('conn-2', 'ob_1')).toBeNull();
  });
});
