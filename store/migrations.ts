import type { Db } from './db';

/**
 * Forward-only migrations. Never edit an applied one; append a new version.
 * Over ~300 lines on purpose: it is the one ordered list of schema versions (SQL only, no logic), and splitting it
 * would hide the order that every database is migrated in.
 */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE connections (
  id TEXT PRIMARY KEY,
  shop_id BIGINT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  config JSONB NOT NULL,
  attention JSONB,
  tiki_seller JSONB,
  counters JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_stock_push JSONB,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  connected_at TIMESTAMPTZ,
  disconnected_at TIMESTAMPTZ
);

CREATE TABLE credentials (
  connection_id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE links (
  connection_id TEXT NOT NULL,
  haravan_variant_id BIGINT NOT NULL,
  haravan_product_id BIGINT NOT NULL,
  barcode TEXT NOT NULL,
  tiki_sku TEXT NOT NULL,
  tiki_product_id BIGINT NOT NULL,
  tiki_market_price BIGINT,
  price_blocked BOOLEAN NOT NULL DEFAULT false,
  last_pushed_quantity BIGINT,
  last_pushed_price BIGINT,
  last_pushed_at TIMESTAMPTZ,
  converged BOOLEAN,
  last_verified_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, haravan_variant_id)
);
CREATE INDEX links_by_product ON links (connection_id, haravan_product_id);
CREATE INDEX links_by_tiki ON links (connection_id, tiki_product_id);

CREATE TABLE sync_errors (
  connection_id TEXT NOT NULL,
  haravan_variant_id BIGINT NOT NULL,
  haravan_product_id BIGINT,
  code TEXT NOT NULL,
  severity TEXT NOT NULL,
  barcode TEXT,
  message TEXT NOT NULL,
  message_vi TEXT NOT NULL,
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, haravan_variant_id, code)
);
CREATE INDEX sync_errors_by_code ON sync_errors (connection_id, code);
CREATE INDEX sync_errors_by_product ON sync_errors (connection_id, haravan_product_id);

CREATE TABLE link_runs (
  run_id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL,
  state TEXT NOT NULL,
  dry_run BOOLEAN NOT NULL DEFAULT false,
  scope JSONB NOT NULL,
  processed INT NOT NULL DEFAULT 0,
  total INT NOT NULL DEFAULT 0,
  linked INT NOT NULL DEFAULT 0,
  errors INT NOT NULL DEFAULT 0,
  warnings INT NOT NULL DEFAULT 0,
  outcomes JSONB,
  error JSONB,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at TIMESTAMPTZ
);
CREATE INDEX link_runs_by_connection ON link_runs (connection_id, started_at DESC);

CREATE TABLE orders (
  connection_id TEXT NOT NULL,
  tiki_code TEXT NOT NULL,
  haravan_order_id BIGINT,
  status TEXT NOT NULL,
  tiki_status TEXT NOT NULL,
  fulfillment_type TEXT,
  items JSONB NOT NULL DEFAULT '[]'::jsonb,
  customer JSONB NOT NULL DEFAULT '{}'::jsonb,
  warnings JSONB NOT NULL DEFAULT '[]'::jsonb,
  deadline_at TIMESTAMPTZ,
  at_risk BOOLEAN NOT NULL DEFAULT false,
  label_url TEXT,
  tiki_created_at TIMESTAMPTZ,
  create_attempted_at TIMESTAMPTZ,
  imported_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, tiki_code)
);
CREATE INDEX orders_by_status ON orders (connection_id, status);

CREATE TABLE failures (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  message_vi TEXT NOT NULL,
  attempts INT NOT NULL DEFAULT 1,
  first_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  resolved_at TIMESTAMPTZ,
  details JSONB
);
CREATE UNIQUE INDEX failures_open_unique ON failures (connection_id, kind, ref) WHERE resolved_at IS NULL;

CREATE TABLE cursors (
  connection_id TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, name)
);

CREATE TABLE audit_log (
  id BIGSERIAL PRIMARY KEY,
  connection_id TEXT NOT NULL,
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  action TEXT NOT NULL,
  details JSONB
);
CREATE INDEX audit_by_connection ON audit_log (connection_id, at);
`,
  },
  {
    version: 2,
    name: 'orders: ambiguous create marker',
    // When a create call whose outcome is unknown was sent (null: none pending); see domain/order-create.ts.
    sql: `ALTER TABLE orders ADD COLUMN create_sent_at TIMESTAMPTZ;`,
  },
  {
    // Numbered after its issue (17) so that migrations added meanwhile by other branches keep their own numbers.
    version: 17,
    name: 'publishing to Tiki: publications, category tree cache, category mappings',
    sql: `
CREATE TABLE publications (
  pub_id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL,
  product_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  tiki_state TEXT,
  track_id TEXT,
  tiki_product_id BIGINT,
  choices JSONB NOT NULL,
  request_body JSONB,
  reasons JSONB NOT NULL DEFAULT '[]'::jsonb,
  history JSONB NOT NULL DEFAULT '[]'::jsonb,
  attempts INT NOT NULL DEFAULT 0,
  linked BOOLEAN NOT NULL DEFAULT false,
  workflow_id TEXT,
  submitted_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX publications_by_connection ON publications (connection_id, state, created_at);
CREATE INDEX publications_by_product ON publications (connection_id, product_id);

CREATE TABLE tiki_categories (
  id BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  parent_id BIGINT,
  is_primary BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE tiki_catalog_cache (
  key TEXT PRIMARY KEY,
  data JSONB,
  fetched_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE category_mappings (
  connection_id TEXT NOT NULL,
  key TEXT NOT NULL,
  product_type TEXT,
  product_id BIGINT,
  category_id BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, key)
);
`,
  },
  {
    // Issue 18, item 4: numbered 184 so that other branches' migrations of issue 18 keep their own numbers.
    version: 184,
    name: 'haravan customer ids remembered per buyer identity (domain/customer.ts customerKey)',
    sql: `
CREATE TABLE haravan_customers (
  connection_id TEXT NOT NULL,
  identity TEXT NOT NULL,
  haravan_customer_id BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, identity)
);
`,
  },
  {
    // Issue 16, item 3: numbered 163 so that other branches' migrations of issue 16 keep their own numbers.
    version: 163,
    name: 'merchant sessions and per-shop API tokens (domain/session.ts)',
    // Both keyed by a SHA-256 of the secret the client holds, never the secret itself; revoked rows are kept
    // (revoked_at) so that a list can show them and a revoked credential can never come back.
    sql: `
CREATE TABLE merchant_sessions (
  id_hash TEXT PRIMARY KEY,
  shop_id BIGINT NOT NULL,
  user_id TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ
);
CREATE INDEX merchant_sessions_by_shop ON merchant_sessions (shop_id);

CREATE TABLE shop_api_tokens (
  token_id TEXT PRIMARY KEY,
  shop_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at TIMESTAMPTZ,
  revoked_at TIMESTAMPTZ
);
CREATE INDEX shop_api_tokens_by_shop ON shop_api_tokens (shop_id, created_at);
`,
  },
  {
    // Issue 19, item 1: numbered 191 so that other branches' migrations of issue 19 keep their own numbers.
    version: 191,
    name: 'order batches: bulk order actions, per-order outcomes, label files and the merged labels PDF',
    sql: `
CREATE TABLE order_batches (
  batch_id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL,
  action TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'running',
  workflow_id TEXT NOT NULL,
  labels_pdf BYTEA,
  label_pages INT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at TIMESTAMPTZ
);
CREATE INDEX order_batches_by_connection ON order_batches (connection_id, created_at);

CREATE TABLE order_batch_items (
  batch_id TEXT NOT NULL,
  position INT NOT NULL,
  tiki_code TEXT NOT NULL,
  outcome TEXT NOT NULL DEFAULT 'pending',
  code TEXT,
  message TEXT,
  message_vi TEXT,
  label_url TEXT,
  label_kind TEXT,
  label_file BYTEA,
  label_code TEXT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, tiki_code)
);
`,
  },
  {
    // Issue 19, item 3: numbered 193 so that other branches' migrations of issue 19 keep their own numbers.
    version: 193,
    name: 'audit trail per linked variant and per Tiki order (domain/audit.ts); order steps move out of audit_log',
    sql: `
CREATE TABLE audit_trail (
  id BIGSERIAL PRIMARY KEY,
  connection_id TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  kind TEXT NOT NULL,
  details JSONB,
  fingerprint TEXT
);
CREATE INDEX audit_trail_by_subject ON audit_trail (connection_id, subject_type, subject_id, id DESC);
CREATE INDEX audit_trail_by_at ON audit_trail (at);
CREATE INDEX audit_log_by_at ON audit_log (at);
INSERT INTO audit_trail (connection_id, subject_type, subject_id, at, kind, details)
  SELECT connection_id, 'order', details->>'tikiCode', at, action, details FROM audit_log
  WHERE action LIKE 'order-%' AND details->>'tikiCode' IS NOT NULL ORDER BY id;
DELETE FROM audit_log WHERE action LIKE 'order-%' AND details->>'tikiCode' IS NOT NULL;
`,
  },
  {
    // Issue 19, item 6: numbered 196 so that other branches' migrations of issue 19 keep their own numbers.
    version: 196,
    name: 'links: per-warehouse quantities of the last confirmed push under a warehouse mapping (domain/warehouse-map.ts)',
    sql: `ALTER TABLE links ADD COLUMN last_pushed_split JSONB;`,
  },
  {
    // Issue 19, item 4: numbered 201 (the 200s) so that other branches' migrations of issue 19 keep their own numbers.
    version: 201,
    name: 'stock write log for the overview charts (store/repos/charts.ts)',
    sql: `
CREATE TABLE stock_write_log (
  connection_id TEXT NOT NULL,
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  written INT NOT NULL DEFAULT 0,
  rejected INT NOT NULL DEFAULT 0,
  latencies_ms JSONB NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX stock_write_log_by_connection ON stock_write_log (connection_id, at);
CREATE INDEX stock_write_log_by_at ON stock_write_log (at);
CREATE INDEX orders_by_imported_at ON orders (connection_id, imported_at);
`,
  },
  {
    // Issue 16: numbered 161 so that other branches' migrations keep their own numbers.
    version: 161,
    name: 'installations of the Haravan app: one per shop, tokens sealed (store/repos/installations.ts)',
    sql: `
CREATE TABLE installations (
  shop_id BIGINT PRIMARY KEY,
  key_id TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  scopes TEXT NOT NULL,
  installed_by TEXT NOT NULL,
  issued_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  status TEXT NOT NULL DEFAULT 'installed',
  installed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
`,
  },
];

/** Apply pending migrations. Safe to call from several processes at once on PostgreSQL (advisory lock). */
export async function migrate(db: Db): Promise<number[]> {
  return db.exclusive(async (conn) => {
    const applied: number[] = [];
    if (conn.kind === 'postgres') await conn.query('SELECT pg_advisory_lock(48151623)');
    try {
      await applyPending(conn, applied);
    } finally {
      if (conn.kind === 'postgres') await conn.query('SELECT pg_advisory_unlock(48151623)');
    }
    return applied;
  });
}

async function applyPending(db: Db, applied: number[]): Promise<void> {
  {
    await db.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      // DDL + bookkeeping in one multi-statement transaction block.
      await execScript(db, `BEGIN;\n${m.sql}\nINSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name.replace(/'/g, "''")}');\nCOMMIT;`);
      applied.push(m.version);
    }
  }
}

async function execScript(db: Db, sql: string): Promise<void> {
  const withExec = db as unknown as { exec?: (sql: string) => Promise<void> };
  if (typeof withExec.exec === 'function') {
    await withExec.exec(sql);
    return;
  }
  await db.query(sql); // node-postgres runs a parameterless multi-statement string as a simple query
}
