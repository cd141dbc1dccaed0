/** What `bash scripts/prod-shape.sh start|env` prints (PROD_SHAPE_*=… lines), read by test/chaos and bench/scale. */
export interface ProdShapeStack {
  temporalAddress: string;
  /** The service's database on the shape's PostgreSQL. */
  databaseUrl: string;
  apiUrls: string[];
  apiToken: string;
  encryptionKey: string;
  taskQueue: string;
  workerMetrics: string[];
  /** The Temporal server's Prometheus endpoint (its `action` counter: what a hosted Temporal bills). */
  temporalMetrics?: string;
}

export function parseProdShapeEnv(stdout: string): ProdShapeStack {
  const vars = new Map(
    stdout
      .split('\n')
      .filter((l) => l.startsWith('PROD_SHAPE_') && l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );
  const need = (k: string): string => {
    const v = vars.get(`PROD_SHAPE_${k}`);
    if (!v) throw new Error(`prod-shape.sh printed no PROD_SHAPE_${k}`);
    return v;
  };
  return {
    temporalAddress: need('TEMPORAL_ADDRESS'),
    databaseUrl: need('DATABASE_URL'),
    apiUrls: need('API_URLS').split(','),
    apiToken: need('API_TOKEN'),
    encryptionKey: need('ENCRYPTION_KEY'),
    taskQueue: need('TASK_QUEUE'),
    workerMetrics: need('WORKER_METRICS').split(','),
    temporalMetrics: vars.get('PROD_SHAPE_TEMPORAL_METRICS'),
  };
}
