/**
 * What the overview's pictures are drawn from (domain/overview-charts.ts shapes them): a log of Tiki stock writes
 * (SKUs confirmed and refused per write call, with the stock latency of each confirmed SKU that had one), kept
 * `KEEP_DAYS`; order intake from `orders` (placed and imported instants); the completeness checks' figures from the
 * audit log (action `order-completeness`, one entry per periodic check).
 */
import { completenessVerdict, type CompletenessVerdict } from '../../domain/overview-charts';
import { Repo } from './repo';

const KEEP_DAYS = 8;
const PRUNE_EVERY_MS = 3_600_000;
/** Bounds the rows one chart read returns (a very busy shop: the newest ones are enough for percentiles). */
const MAX_ROWS = 50_000;
let lastPrune = 0;

export interface ChartInputs {
  stockLatency: { at: number; ms: number }[];
  /** Imported orders of the window: when Tiki says they were placed and when their Haravan order was created. */
  intake: { placedAt: number; importedAt: number }[];
  writes: { at: number; written: number; rejected: number }[];
  imports: { at: number; n: number }[];
  checks: { at: number; verdict: CompletenessVerdict }[];
}

const ms = (v: unknown) => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());

export class ChartRepo extends Repo {
  /** One Tiki write call (or refusal): SKUs confirmed, SKUs refused, and the stock latencies measured. */
  async logStockWrites(connectionId: string, entry: { written?: number; rejected?: number; latenciesMs?: readonly number[] }): Promise<void> {
    const latencies = (entry.latenciesMs ?? []).map((v) => Math.max(0, Math.round(v)));
    await this.db.query('INSERT INTO stock_write_log (connection_id, written, rejected, latencies_ms) VALUES ($1, $2, $3, $4)', [
      connectionId,
      entry.written ?? 0,
      entry.rejected ?? 0,
      JSON.stringify(latencies),
    ]);
    if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = Date.now();
      await this.db.query(`DELETE FROM stock_write_log WHERE at < now() - interval '${KEEP_DAYS} days'`);
    }
  }

  /** The raw figures of the charts: from `hoursSince` for latencies and writes, from `daysSince` for imports and checks. */
  async chartInputs(connectionId: string, hoursSince: Date, daysSince: Date): Promise<ChartInputs> {
    const [stock, intake, writes, imports, checks] = await Promise.all([
      this.db.query(
        `SELECT w.at, (l.value)::bigint AS ms FROM stock_write_log w, jsonb_array_elements_text(w.latencies_ms) AS l(value)
         WHERE w.connection_id = $1 AND w.at >= $2 ORDER BY w.at DESC LIMIT ${MAX_ROWS}`,
        [connectionId, hoursSince.toISOString()],
      ),
      this.db.query(
        `SELECT tiki_created_at, imported_at FROM orders
         WHERE connection_id = $1 AND imported_at >= $2 AND tiki_created_at IS NOT NULL ORDER BY imported_at DESC LIMIT ${MAX_ROWS}`,
        [connectionId, hoursSince.toISOString()],
      ),
      this.db.query(
        `SELECT date_trunc('hour', at) AS at, sum(written)::int AS written, sum(rejected)::int AS rejected FROM stock_write_log
         WHERE connection_id = $1 AND at >= $2 GROUP BY 1`,
        [connectionId, hoursSince.toISOString()],
      ),
      this.db.query(
        `SELECT date_trunc('hour', imported_at) AS at, count(*)::int AS n FROM orders
         WHERE connection_id = $1 AND imported_at >= $2 GROUP BY 1`,
        [connectionId, daysSince.toISOString()],
      ),
      this.db.query(
        `SELECT at, details FROM audit_log WHERE connection_id = $1 AND action = 'order-completeness' AND at >= $2 ORDER BY at DESC LIMIT 10000`,
        [connectionId, daysSince.toISOString()],
      ),
    ]);
    return {
      stockLatency: stock.map((r) => ({ at: ms(r.at), ms: Number(r.ms) })),
      intake: intake.map((r) => ({ placedAt: ms(r.tiki_created_at), importedAt: ms(r.imported_at) })),
      writes: writes.map((r) => ({ at: ms(r.at), written: Number(r.written), rejected: Number(r.rejected) })),
      imports: imports.map((r) => ({ at: ms(r.at), n: Number(r.n) })),
      checks: checks.map((r) => {
        const d = (r.details ?? {}) as { missing?: number; repaired?: number };
        return { at: ms(r.at), verdict: completenessVerdict({ missing: Number(d.missing ?? 0), repaired: Number(d.repaired ?? 0) }) };
      }),
    };
  }
}
