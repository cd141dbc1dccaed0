/**
 * Order batches (issue 19): one bulk order job of a connection and the outcome of each order in it, with the label
 * files fetched for it and the merged labels PDF kept for re-printing. The batch workflow's activities write them;
 * the API reads them. An outcome is written once (the first answer stands), so a retried activity cannot change it.
 */
import type { BatchAction, BatchItemOutcome, BatchState } from '../../domain/terms';
import { Repo } from './repo';
import { iso, type Row } from './rows';

export interface OrderBatchItemRecord {
  tikiCode: string;
  position: number;
  outcome: BatchItemOutcome;
  code: string | null;
  message: string | null;
  messageVi: string | null;
  labelUrl: string | null;
  labelKind: string | null;
  /** Why the label is listed apart from the merged PDF (domain/order-batch.ts LABEL_APART_CODES). */
  labelCode: string | null;
  hasLabelFile: boolean;
}

export interface OrderBatchRecord {
  batchId: string;
  connectionId: string;
  action: BatchAction;
  state: BatchState;
  workflowId: string;
  labelPages: number | null;
  hasLabelsPdf: boolean;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  items: OrderBatchItemRecord[];
}

export interface NewBatchItem {
  tikiCode: string;
  outcome: BatchItemOutcome;
  code?: string;
  message?: string;
  messageVi?: string;
}

export interface BatchItemAnswer {
  outcome: Exclude<BatchItemOutcome, 'pending'>;
  code?: string | null;
  message?: string | null;
  messageVi?: string | null;
  labelUrl?: string | null;
}

export interface BatchLabelFile {
  tikiCode: string;
  labelUrl: string | null;
  labelKind: string | null;
  labelCode: string | null;
  file: Uint8Array | null;
}

const ITEM_COLUMNS = 'tiki_code, position, outcome, code, message, message_vi, label_url, label_kind, label_code, label_file IS NOT NULL AS has_label_file';

function toItem(r: Row): OrderBatchItemRecord {
  return {
    tikiCode: r.tiki_code,
    position: Number(r.position),
    outcome: r.outcome,
    code: r.code ?? null,
    message: r.message ?? null,
    messageVi: r.message_vi ?? null,
    labelUrl: r.label_url ?? null,
    labelKind: r.label_kind ?? null,
    labelCode: r.label_code ?? null,
    hasLabelFile: !!r.has_label_file,
  };
}

const bytes = (v: unknown): Uint8Array | null => (v == null ? null : v instanceof Uint8Array ? v : null);

export class OrderBatchRepo extends Repo {
  /** What the store knows of the selected orders of a connection (the ones it does not know are absent). */
  async batchCandidates(connectionId: string, tikiCodes: string[]): Promise<Map<string, { status: string; haravanOrderId: number | null }>> {
    const rows = await this.db.query<Row>('SELECT tiki_code, status, haravan_order_id FROM orders WHERE connection_id = $1 AND tiki_code = ANY($2::text[])', [connectionId, tikiCodes]);
    return new Map(rows.map((r) => [String(r.tiki_code), { status: String(r.status), haravanOrderId: r.haravan_order_id == null ? null : Number(r.haravan_order_id) }]));
  }

  /** "All awaiting confirmation": the codes of the connection's orders in that status, oldest first, at most `limit`. */
  async awaitingConfirmationCodes(connectionId: string, limit: number): Promise<string[]> {
    const rows = await this.db.query<Row>(
      `SELECT tiki_code FROM orders WHERE connection_id = $1 AND status = 'awaiting_confirmation' ORDER BY tiki_created_at NULLS LAST, tiki_code LIMIT $2`,
      [connectionId, limit],
    );
    return rows.map((r) => String(r.tiki_code));
  }

  /** The batch and its orders (the ones skipped before anything was sent already carry their outcome). Idempotent. */
  async createOrderBatch(b: { batchId: string; connectionId: string; action: BatchAction; workflowId: string; items: NewBatchItem[] }): Promise<void> {
    await this.db.query<Row>(
      `WITH batch AS (
         INSERT INTO order_batches (batch_id, connection_id, action, workflow_id) VALUES ($1, $2, $3, $4) ON CONFLICT (batch_id) DO NOTHING
       )
       INSERT INTO order_batch_items (batch_id, position, tiki_code, outcome, code, message, message_vi)
       SELECT $1, i.position, i.tiki_code, i.outcome, i.code, i.message, i.message_vi
       FROM jsonb_to_recordset($5::jsonb) AS i(position INT, tiki_code TEXT, outcome TEXT, code TEXT, message TEXT, message_vi TEXT)
       ON CONFLICT (batch_id, tiki_code) DO NOTHING`,
      [
        b.batchId,
        b.connectionId,
        b.action,
        b.workflowId,
        JSON.stringify(b.items.map((i, position) => ({ position, tiki_code: i.tikiCode, outcome: i.outcome, code: i.code ?? null, message: i.message ?? null, message_vi: i.messageVi ?? null }))),
      ],
    );
  }

  async getOrderBatch(connectionId: string, batchId: string): Promise<OrderBatchRecord | null> {
    const rows = await this.db.query<Row>(
      `SELECT batch_id, connection_id, action, state, workflow_id, label_pages, labels_pdf IS NOT NULL AS has_labels_pdf, created_at, updated_at, finished_at
       FROM order_batches WHERE connection_id = $1 AND batch_id = $2`,
      [connectionId, batchId],
    );
    const r = rows[0];
    if (!r) return null;
    const items = await this.db.query<Row>(`SELECT ${ITEM_COLUMNS} FROM order_batch_items WHERE batch_id = $1 ORDER BY position`, [batchId]);
    return {
      batchId: r.batch_id,
      connectionId: r.connection_id,
      action: r.action,
      state: r.state,
      workflowId: r.workflow_id,
      labelPages: r.label_pages == null ? null : Number(r.label_pages),
      hasLabelsPdf: !!r.has_labels_pdf,
      createdAt: iso(r.created_at)!,
      updatedAt: iso(r.updated_at)!,
      finishedAt: iso(r.finished_at),
      items: items.map(toItem),
    };
  }

  /** One order's outcome; the first answer stands (a retried activity reads it back instead). */
  async recordBatchItem(batchId: string, tikiCode: string, a: BatchItemAnswer): Promise<OrderBatchItemRecord | null> {
    await this.db.query<Row>(
      `UPDATE order_batch_items SET outcome = $3, code = $4, message = $5, message_vi = $6, label_url = $7, updated_at = now()
       WHERE batch_id = $1 AND tiki_code = $2 AND outcome = 'pending'`,
      [batchId, tikiCode, a.outcome, a.code ?? null, a.message ?? null, a.messageVi ?? null, a.labelUrl ?? null],
    );
    return this.batchItem(batchId, tikiCode);
  }

  async batchItem(batchId: string, tikiCode: string): Promise<OrderBatchItemRecord | null> {
    const rows = await this.db.query<Row>(`SELECT ${ITEM_COLUMNS} FROM order_batch_items WHERE batch_id = $1 AND tiki_code = $2`, [batchId, tikiCode]);
    return rows[0] ? toItem(rows[0]) : null;
  }

  /** The label of one order: its file (when it joins the PDF) and its kind, or the code it is listed apart with. */
  async recordBatchLabel(batchId: string, tikiCode: string, l: { kind: string | null; file: Uint8Array | null; code: string | null }): Promise<void> {
    await this.db.query<Row>(
      `UPDATE order_batch_items SET label_kind = $3, label_file = $4, label_code = $5, updated_at = now() WHERE batch_id = $1 AND tiki_code = $2`,
      [batchId, tikiCode, l.kind, l.file === null ? null : Buffer.from(l.file), l.code],
    );
  }

  /** The labels of the orders that were done, in the order of the selection. */
  async batchLabelFiles(batchId: string): Promise<BatchLabelFile[]> {
    const rows = await this.db.query<Row>(
      `SELECT tiki_code, label_url, label_kind, label_code, label_file FROM order_batch_items WHERE batch_id = $1 AND outcome = 'done' ORDER BY position`,
      [batchId],
    );
    return rows.map((r) => ({ tikiCode: r.tiki_code, labelUrl: r.label_url ?? null, labelKind: r.label_kind ?? null, labelCode: r.label_code ?? null, file: bytes(r.label_file) }));
  }

  /** The merged labels PDF and its page count (the label files are dropped once merged into it). */
  async saveBatchLabelsPdf(batchId: string, pdf: Uint8Array | null, pages: number): Promise<void> {
    await this.db.query<Row>(
      `WITH merged AS (UPDATE order_batch_items SET label_file = NULL WHERE batch_id = $1)
       UPDATE order_batches SET labels_pdf = $2::bytea, label_pages = $3::int, updated_at = now() WHERE batch_id = $1`,
      [batchId, pdf ? Buffer.from(pdf) : null, pages],
    );
  }

  /** The batch's end. */
  async finishOrderBatch(batchId: string, state: BatchState): Promise<void> {
    await this.db.query<Row>('UPDATE order_batches SET state = $2, finished_at = now(), updated_at = now() WHERE batch_id = $1', [batchId, state]);
  }

  /** The merged labels PDF of a batch of this connection, if it has one. */
  async batchLabelsPdf(connectionId: string, batchId: string): Promise<Uint8Array | null> {
    const rows = await this.db.query<Row>('SELECT labels_pdf FROM order_batches WHERE connection_id = $1 AND batch_id = $2', [connectionId, batchId]);
    return bytes(rows[0]?.labels_pdf);
  }
}
