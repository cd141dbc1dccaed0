import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The allowed import directions between our folders (docs/architecture.md): for each folder, the folders of ours it
 * must not import, optionally with the sub-paths of one that it may (`allow`), or type-only (`typeOnly`). Checked by
 * `@typescript-eslint/no-restricted-imports` on the import specifier; the specifier is relative, so a rule is written
 * once per file depth (`../x` from `api/main.ts`, `../../x` from `api/routes/app.ts`).
 */
const TOOLS = ['bench', 'scripts', 'test', 'deploy'];
const SERVICE = ['domain', 'store', 'connectors', 'activities', 'workflows', 'api', 'worker', 'boot', 'web'];
const WORKFLOW_DEFINITIONS = ['definitions', 'ids', 'search-attributes']; // signals/updates/queries, ids, search attributes
const DIRECTIONS = {
  domain: { why: 'domain/ holds the pure rules: it imports nothing of ours', forbid: [...SERVICE, 'sandbox', ...TOOLS].filter((f) => f !== 'domain') },
  store: { why: 'store/ imports only domain/', forbid: [...SERVICE, 'sandbox', ...TOOLS].filter((f) => f !== 'domain' && f !== 'store') },
  connectors: { why: 'connectors/ (vendor clients) import only domain/', forbid: [...SERVICE, 'sandbox', ...TOOLS].filter((f) => f !== 'domain' && f !== 'connectors') },
  sandbox: { why: 'sandbox/ (the vendor simulators) imports nothing of the service', forbid: [...SERVICE, ...TOOLS] },
  activities: {
    why: 'activities/ import domain/, store/, connectors/ and the workflow definitions and ids (to start and signal workflows)',
    forbid: ['api', 'worker', 'boot', 'web', 'sandbox', ...TOOLS, { folder: 'workflows', allow: WORKFLOW_DEFINITIONS }],
  },
  workflows: { why: 'workflows/ import domain/ and activity types only', forbid: ['store', 'connectors', 'api', 'worker', 'boot', 'web', 'sandbox', ...TOOLS, { folder: 'activities', typeOnly: true }] },
  api: {
    why: 'api/ imports domain/, store/, the workflow definitions and ids, the shared boot code (boot/) and the webhook signature check; vendor calls go through the worker',
    forbid: ['activities', 'worker', 'web', 'sandbox', ...TOOLS, { folder: 'workflows', allow: WORKFLOW_DEFINITIONS }, { folder: 'connectors', allow: ['haravan/webhook'] }],
  },
  worker: { why: 'worker/ (the composition root) imports everything but api/, web/ and the sandbox', forbid: ['api', 'web', 'sandbox', ...TOOLS] },
  boot: { why: 'boot/ (what the API and the worker both boot from: env, logger, Temporal client, codec, store) imports only domain/ and store/', forbid: ['connectors', 'activities', 'workflows', 'api', 'worker', 'web', 'sandbox', ...TOOLS] },
  web: { why: 'web/ (the dashboard) imports only domain/', forbid: [...SERVICE, 'sandbox', ...TOOLS].filter((f) => f !== 'domain' && f !== 'web') },
};

/** Imports allowed against the directions, one file each with the reason; none today. */
const KNOWN_EXCEPTIONS = [];

function restrictedImports(folder, extraAllow = {}) {
  const { why, forbid } = DIRECTIONS[folder];
  return (depth) => {
    const up = `^(?:\\.\\./){${depth}}`;
    return forbid.map((f) => {
      const { folder: target, allow = [], typeOnly = false } = typeof f === 'string' ? { folder: f } : f;
      const allowed = [...allow, ...(extraAllow[target] ?? [])].map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      const rest = allowed.length ? `(?:/(?!(?:${allowed.join('|')})$)|$)` : '(?:/|$)';
      return { regex: `${up}${target}${rest}`, allowTypeImports: typeOnly, message: `${why}${typeOnly ? ' (type-only imports)' : ''} — docs/architecture.md` };
    });
  };
}

function importDirections() {
  const configs = [];
  const entries = [...Object.keys(DIRECTIONS).map((folder) => ({ folder, files: null, extra: {} })), ...KNOWN_EXCEPTIONS.map((e) => ({ folder: e.file.split('/')[0], files: e.file, extra: e.allow }))];
  for (const { folder, files, extra } of entries) {
    const patterns = restrictedImports(folder, extra);
    for (let depth = 1; depth <= 4; depth++) {
      const glob = files ?? `${folder}/${'*/'.repeat(depth - 1)}*.{ts,tsx,js,mjs}`;
      if (files && files.split('/').length - 1 !== depth) continue;
      configs.push({ files: [glob], rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: patterns(depth) }] } });
    }
  }
  return configs;
}

const nodeBuiltins = ['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'events', 'stream', 'zlib', 'dns', 'tls', 'worker_threads', 'process', 'timers', 'buffer', 'cluster', 'dgram', 'readline', 'vm', 'perf_hooks', 'async_hooks'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.data/**', 'coverage/**', 'test-output/**', 'api/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code is replayed: no Node built-ins, no I/O, no wall clock or real randomness.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.flatMap((m) => [{ name: m, message: 'Node built-ins are forbidden in workflows' }, { name: `node:${m}`, message: 'Node built-ins are forbidden in workflows' }]),
          { name: '@temporalio/activity', message: 'Activities are not workflow code' },
          { name: '@temporalio/client', message: 'Use @temporalio/workflow APIs in workflows' },
          { name: '@temporalio/worker', message: 'Not allowed in workflows' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'No process in workflows' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow' },
        { name: 'fetch', message: 'No I/O in workflows' },
        { name: 'require', message: 'No dynamic require in workflows' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Use uuid4() or deterministic logic' },
        { object: 'crypto', property: 'randomUUID', message: 'Use uuid4() from @temporalio/workflow' },
      ],
    },
  },
  ...importDirections(),
);
