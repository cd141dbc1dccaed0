import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
        patterns: [
          { group: ['../connectors/*', '../store/*', '../api/*', '../worker/*', '../sandbox/*'], message: 'Workflows import only domain/ and activity types' },
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
);
