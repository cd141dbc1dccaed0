/**
 * One query interface over node-postgres (production, DATABASE_URL set) and PGlite (embedded default,
 * persisted under DATA_DIR). Every store query is a single statement, so it is atomic on both, and it
 * stays correct through the PGlite socket multiplexer that `npm start` uses to share one database
 * between processes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Run fn on one dedicated connection (advisory locks, multi-statement scripts). */
  exclusive<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// BIGINT ids (Haravan ids exceed 2^31) come back as numbers; they stay below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));
pg.types.setTypeParser(1700, (v: string) => Number(v));

class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const res = await this.pool.query(sql, params as unknown[]);
    return res.rows as T[];
  }
  async exclusive<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const one: Db = {
      kind: 'postgres',
      query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params as unknown[])).rows as R[],
      exclusive: (inner) => inner(one),
      close: async () => undefined,
    };
    try {
      return await fn(one);
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  constructor(readonly pglite: PGlite) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const res = await this.pglite.query<T>(sql, params as unknown[]);
    return res.rows.map(normalizeRow) as T[];
  }
  async exclusive<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async exec(sql: string): Promise<void> {
    await this.pglite.exec(sql);
  }
  async close(): Promise<void> {
    await this.pglite.close();
  }
}

/** PGlite returns BIGINT as bigint; make both drivers return plain numbers. */
function normalizeRow<T>(row: T): T {
  if (row && typeof row === 'object') {
    for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
      if (typeof v === 'bigint') (row as Record<string, unknown>)[k] = Number(v);
    }
  }
  return row;
}

export interface OpenDbOptions {
  databaseUrl?: string;
  /** PGlite directory; `memory://` for an in-memory database. */
  dataDir?: string;
  poolSize?: number;
}

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    pool.on('error', () => undefined); // idle client errors are surfaced on the next query
    return new PostgresDb(pool);
  }
  const dir = opts.dataDir ?? 'memory://';
  if (!dir.startsWith('memory://')) fs.mkdirSync(path.dirname(dir), { recursive: true });
  const pglite = await PGlite.create(dir);
  return new PgliteDb(pglite);
}

export function pgliteDir(dataDir: string): string {
  return path.join(dataDir, 'pglite');
}
