/**
 * Publications (issue 17): one per Haravan product sent to Tiki as product requests. A resubmission keeps the
 * row (and its history of states and track ids) and sends a new request. The live state is written by the
 * publish workflow's activities; the API reads it from here.
 */
import type { PublicationReason, PublicationState, PublishChoices, TikiProductRequest } from '../../domain/publication/types';
import { offset, Repo, type Page } from './repo';
import { iso, type Row } from './rows';

export interface PublicationHistoryEntry {
  state: PublicationState;
  at: string;
  tikiState?: string;
  trackId?: string;
}

export interface PublicationRecord {
  pubId: string;
  connectionId: string;
  productId: number;
  state: PublicationState;
  tikiState: string | null;
  trackId: string | null;
  tikiProductId: number | null;
  choices: PublishChoices;
  requestBody: TikiProductRequest | null;
  reasons: PublicationReason[];
  history: PublicationHistoryEntry[];
  attempts: number;
  linked: boolean;
  workflowId: string | null;
  submittedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PublicationChange {
  state?: PublicationState;
  tikiState?: string | null;
  trackId?: string | null;
  tikiProductId?: number | null;
  reasons?: PublicationReason[];
  linked?: boolean;
  submittedAt?: string;
}

function toPublication(r: Row): PublicationRecord {
  return {
    pubId: r.pub_id,
    connectionId: r.connection_id,
    productId: Number(r.product_id),
    state: r.state,
    tikiState: r.tiki_state ?? null,
    trackId: r.track_id ?? null,
    tikiProductId: r.tiki_product_id == null ? null : Number(r.tiki_product_id),
    choices: r.choices,
    requestBody: r.request_body ?? null,
    reasons: r.reasons ?? [],
    history: r.history ?? [],
    attempts: Number(r.attempts),
    linked: !!r.linked,
    workflowId: r.workflow_id ?? null,
    submittedAt: iso(r.submitted_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export class PublicationRepo extends Repo {
  /** A new publication, or the next attempt of an existing one (new body and choices, history appended). */
  async preparePublication(p: { pubId: string; connectionId: string; productId: number; choices: PublishChoices; requestBody: TikiProductRequest; workflowId: string }): Promise<PublicationRecord> {
    const entry = JSON.stringify([{ state: 'draft', at: new Date().toISOString() }]);
    const rows = await this.db.query(
      `INSERT INTO publications (pub_id, connection_id, product_id, state, choices, request_body, history, attempts, workflow_id)
       VALUES ($1, $2, $3, 'draft', $4, $5, $6::jsonb, 1, $7)
       ON CONFLICT (pub_id) DO UPDATE SET state = 'draft', choices = EXCLUDED.choices, request_body = EXCLUDED.request_body,
         history = publications.history || EXCLUDED.history, attempts = publications.attempts + 1, workflow_id = EXCLUDED.workflow_id,
         reasons = '[]'::jsonb, tiki_state = NULL, track_id = NULL, updated_at = now()
       RETURNING *`,
      [p.pubId, p.connectionId, p.productId, JSON.stringify(p.choices), JSON.stringify(p.requestBody), entry, p.workflowId],
    );
    return toPublication(rows[0]);
  }

  /** Apply a change; a new state (or a new Tiki state) is appended to the history. */
  async updatePublication(pubId: string, c: PublicationChange): Promise<PublicationRecord | null> {
    const rows = await this.db.query(
      `UPDATE publications SET
         history = CASE WHEN ($2::text IS NOT NULL AND $2::text IS DISTINCT FROM state) OR ($3::text IS NOT NULL AND $3::text IS DISTINCT FROM tiki_state)
                        THEN history || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('state', COALESCE($2::text, state), 'at', now(), 'tikiState', $3::text, 'trackId', COALESCE($4::text, track_id))))
                        ELSE history END,
         state = COALESCE($2::text, state), tiki_state = COALESCE($3::text, tiki_state), track_id = COALESCE($4::text, track_id),
         tiki_product_id = COALESCE($5::bigint, tiki_product_id), reasons = COALESCE($6::jsonb, reasons), linked = COALESCE($7::boolean, linked),
         submitted_at = COALESCE($8::timestamptz, submitted_at), updated_at = now()
       WHERE pub_id = $1 RETURNING *`,
      [pubId, c.state ?? null, c.tikiState ?? null, c.trackId ?? null, c.tikiProductId ?? null, c.reasons ? JSON.stringify(c.reasons) : null, c.linked ?? null, c.submittedAt ?? null],
    );
    return rows[0] ? toPublication(rows[0]) : null;
  }

  async getPublication(connectionId: string, pubId: string): Promise<PublicationRecord | null> {
    const rows = await this.db.query('SELECT * FROM publications WHERE connection_id = $1 AND pub_id = $2', [connectionId, pubId]);
    return rows[0] ? toPublication(rows[0]) : null;
  }

  async listPublications(connectionId: string, page: Page, filter: { state?: string; open?: boolean } = {}): Promise<{ items: PublicationRecord[]; total: number }> {
    const rows = await this.db.query(
      `SELECT *, count(*) OVER() AS total_count FROM publications
       WHERE connection_id = $1 AND ($2::text IS NULL OR state = $2)
         AND (NOT $3 OR state IN ('draft', 'submitted', 'in_review'))
       ORDER BY created_at DESC, pub_id LIMIT $4 OFFSET $5`,
      [connectionId, filter.state ?? null, !!filter.open, page.limit, offset(page)],
    );
    return { items: rows.map(toPublication), total: rows[0] ? Number(rows[0].total_count) : 0 };
  }

  /** The publication of each given product, if any (the latest one). */
  async publicationsOfProducts(connectionId: string, productIds: number[]): Promise<PublicationRecord[]> {
    if (productIds.length === 0) return [];
    const rows = await this.db.query(
      `SELECT DISTINCT ON (product_id) * FROM publications WHERE connection_id = $1 AND product_id = ANY($2::bigint[]) ORDER BY product_id, created_at DESC`,
      [connectionId, productIds],
    );
    return rows.map(toPublication);
  }
}
