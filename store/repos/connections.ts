/** Connection records: claim, state, config, seller, counters, and the per-connection counts. */
import type { Config } from '../../domain/config';
import { ENDED_CONNECTION_STATES } from '../../domain/terms';
import type { Attention, ConnectionRecord, ConnectionState, LastStockPush, PollShardMember } from '../types';
import { offset, Repo, type Page } from './repo';
import { iso, toConnection, type Row } from './rows';

export class ConnectionRepo extends Repo {
  /**
   * Claim the shop for a new connection. Succeeds when there is no record, or the previous one ended
   * (disconnected/failed): connecting the same shop again is allowed. Returns null when it is live. With
   * `reclaimConnectingAfterMs` (the caller saw no open workflow run of the shop), also a `connecting` record not
   * touched for that long: a crash between a claim and its workflow's start left it behind.
   */
  async claimConnection(c: { id: string; shopId: number; workflowId: string; config: Config }, opts: { reclaimConnectingAfterMs?: number } = {}): Promise<ConnectionRecord | null> {
    const rows = await this.db.query(
      `INSERT INTO connections (id, shop_id, state, workflow_id, config)
       VALUES ($1, $2, 'connecting', $3, $4)
       ON CONFLICT (id) DO UPDATE SET state = 'connecting', workflow_id = EXCLUDED.workflow_id, config = EXCLUDED.config,
         attention = NULL, counters = '{}'::jsonb, last_stock_push = NULL, created_at = now(), updated_at = now(),
         connected_at = NULL, disconnected_at = NULL
       WHERE connections.state = ANY($5::text[])
          OR ($6::bigint IS NOT NULL AND connections.state = 'connecting' AND connections.updated_at < now() - $6::bigint * interval '1 millisecond')
       RETURNING *`,
      [c.id, c.shopId, c.workflowId, JSON.stringify(c.config), [...ENDED_CONNECTION_STATES], opts.reclaimConnectingAfterMs ?? null],
    );
    return rows[0] ? toConnection(rows[0]) : null;
  }

  async getConnection(id: string): Promise<ConnectionRecord | null> {
    const rows = await this.db.query('SELECT * FROM connections WHERE id = $1', [id]);
    return rows[0] ? toConnection(rows[0]) : null;
  }

  /** One page of connections, oldest first, and how many there are. */
  /** A page of connections; with `shopId`, only that shop's (a one-shop caller's list). */
  async listConnections(page: Page, shopId?: number): Promise<{ items: ConnectionRecord[]; total: number }> {
    const where = shopId === undefined ? '' : 'WHERE shop_id = $3';
    const shop = shopId === undefined ? [] : [shopId];
    const [rows, count] = await Promise.all([
      this.db.query(`SELECT * FROM connections ${where} ORDER BY created_at, id LIMIT $1 OFFSET $2`, [page.limit, offset(page), ...shop]),
      this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM connections ${where.replace('$3', '$1')}`, shop),
    ]);
    return { items: rows.map(toConnection), total: Number(count[0].n) };
  }

  async setConnectionState(id: string, state: ConnectionState, attention: Attention | null = null): Promise<void> {
    await this.db.query(
      `UPDATE connections SET state = $2, attention = $3, updated_at = now(),
         connected_at = CASE WHEN $2 = 'connected' AND connected_at IS NULL THEN now() ELSE connected_at END,
         disconnected_at = CASE WHEN $2 = 'disconnected' THEN now() ELSE disconnected_at END
       WHERE id = $1`,
      [id, state, attention ? JSON.stringify(attention) : null],
    );
  }

  async setConnectionConfig(id: string, config: Config): Promise<void> {
    await this.db.query('UPDATE connections SET config = $2, updated_at = now() WHERE id = $1', [id, JSON.stringify(config)]);
  }

  async setTikiSeller(id: string, seller: ConnectionRecord['tikiSeller']): Promise<void> {
    await this.db.query('UPDATE connections SET tiki_seller = $2, updated_at = now() WHERE id = $1', [id, JSON.stringify(seller)]);
  }

  async setLastStockPush(id: string, push: LastStockPush): Promise<void> {
    await this.db.query('UPDATE connections SET last_stock_push = $2, updated_at = now() WHERE id = $1', [id, JSON.stringify(push)]);
  }

  /** Add to named counters atomically (e.g. ordersSeen, missingRepaired). */
  async bumpCounters(id: string, deltas: Record<string, number>): Promise<void> {
    await this.db.query(
      `UPDATE connections SET counters = counters || (
         SELECT COALESCE(jsonb_object_agg(d.k, COALESCE((counters->>d.k)::bigint, 0) + d.v::bigint), '{}'::jsonb)
         FROM jsonb_each_text($2::jsonb) AS d(k, v)
       ), updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(deltas)],
    );
  }

  async setCounters(id: string, values: Record<string, number | string>): Promise<void> {
    await this.db.query('UPDATE connections SET counters = counters || $2::jsonb, updated_at = now() WHERE id = $1', [id, JSON.stringify(values)]);
  }

  async counts(id: string): Promise<{ linkedVariants: number; linkedProducts: number; syncErrors: number; ordersImported: number }> {
    const rows = await this.db.query<{ lv: number; lp: number; se: number; oi: number }>(
      `SELECT (SELECT count(*) FROM links WHERE connection_id = $1)::int AS lv,
              (SELECT count(DISTINCT haravan_product_id) FROM links WHERE connection_id = $1)::int AS lp,
              (SELECT count(*) FROM sync_errors WHERE connection_id = $1 AND severity = 'error')::int AS se,
              (SELECT count(*) FROM orders WHERE connection_id = $1 AND haravan_order_id IS NOT NULL)::int AS oi`,
      [id],
    );
    const r = rows[0];
    return { linkedVariants: r.lv, linkedProducts: r.lp, syncErrors: r.se, ordersImported: r.oi };
  }

  /**
   * The members of poll shard `shard` of `shards` (domain/poll-shards.ts): connected connections whose join marker
   * (cursor `poll-shard`, the connection's shard key) falls in it, with what the shard schedules from.
   */
  async listPollShardMembers(shard: number, shards: number): Promise<PollShardMember[]> {
    const rows = await this.db.query<Row>(
      `SELECT c.id, c.shop_id, c.config, c.connected_at, c.counters->>'lastReconcileAt' AS last_reconcile_at, s.value AS swept_at
         FROM connections c
         JOIN cursors k ON k.connection_id = c.id AND k.name = 'poll-shard'
         LEFT JOIN cursors s ON s.connection_id = c.id AND s.name = 'tiki-sweep'
        WHERE c.state = 'connected' AND k.value ~ '^[0-9]+$' AND mod(k.value::bigint, $2::bigint) = $1::bigint
        ORDER BY c.id`,
      [shard, shards],
    );
    return rows.map((r) => ({
      connectionId: r.id,
      shopId: Number(r.shop_id),
      config: r.config,
      connectedAt: iso(r.connected_at),
      lastReconcileAt: r.last_reconcile_at,
      lastSweepAt: r.swept_at || null,
    }));
  }

  /** Disconnect: links and current errors go; orders and the audit log stay. */
  async purgeConnectionData(id: string): Promise<void> {
    await this.db.query('DELETE FROM links WHERE connection_id = $1', [id]);
    await this.db.query('DELETE FROM sync_errors WHERE connection_id = $1', [id]);
    await this.db.query('DELETE FROM cursors WHERE connection_id = $1', [id]);
    await this.db.query('DELETE FROM haravan_customers WHERE connection_id = $1', [id]);
  }
}
