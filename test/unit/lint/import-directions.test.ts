/**
 * The import directions of docs/architecture.md are enforced by eslint.config.mjs: an import against them fails
 * `npm run lint`, an allowed one passes. Linted as if the code sat in the named file (nothing is written).
 */
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });
const RULE = '@typescript-eslint/no-restricted-imports';

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => /'([^']+)'/.exec(m.message)?.[1] ?? m.message);
}

jest.setTimeout(60_000);

const cases: { file: string; imports: string[]; refused: string[] }[] = [
  { file: 'domain/zz.ts', imports: ["import type { Store } from '../store/store';", "import { DEFAULT_CONFIG } from './config';"], refused: ['../store/store'] },
  {
    file: 'workflows/zz.ts',
    imports: ["import type { StockActivities } from '../activities/stock';", "import { createStockActivities } from '../activities/stock';", "import { Store } from '../store/store';", "import { stopSignal } from './definitions';", "import { DEFAULT_CONFIG } from '../domain/config';"],
    refused: ['../activities/stock', '../store/store'],
  },
  { file: 'store/repos/zz.ts', imports: ["import { ClientFactory } from '../../activities/context';", "import type { Config } from '../../domain/config';", "import { iso } from './rows';"], refused: ['../../activities/context'] },
  { file: 'connectors/zz.ts', imports: ["import type { Store } from '../store/store';", "import { messageFor } from '../domain/messages';"], refused: ['../store/store'] },
  { file: 'sandbox/common/zz.ts', imports: ["import { messageFor } from '../../domain/messages';", "import { x } from './y';"], refused: ['../../domain/messages'] },
  {
    file: 'activities/zz.ts',
    imports: ["import { orderWorkflowId } from '../workflows/ids';", "import { stockSyncWorkflow } from '../workflows/stock-sync';", "import { createApp } from '../api/app';", "import type { Store } from '../store/store';"],
    refused: ['../workflows/stock-sync', '../api/app'],
  },
  {
    file: 'api/routes/zz.ts',
    imports: [
      "import { ClientFactory } from '../../activities/context';",
      "import { HaravanClient } from '../../connectors/haravan/client';",
      "import { verifyHaravanWebhook } from '../../connectors/haravan/webhook';",
      "import { orderWorkflowId } from '../../workflows/ids';",
      "import { retryImportSignal } from '../../workflows/order';",
      "import { readEnv } from '../../boot/env';",
    ],
    refused: ['../../activities/context', '../../connectors/haravan/client', '../../workflows/order'],
  },
  { file: 'web/components/zz.ts', imports: ["import * as api from '../api';", "import type { LinkRecord } from '../../store/types';", "import { messageFor } from '../../domain/messages';"], refused: ['../../store/types'] },
  { file: 'worker/zz.ts', imports: ["import { createApp } from '../api/app';", "import { createActivities } from '../activities';", "import { readEnv } from '../boot/env';"], refused: ['../api/app'] },
  {
    file: 'boot/zz.ts',
    imports: ["import { Store } from '../store/store';", "import { createAppWorker } from '../worker/temporal';", "import { createApp } from '../api/app';", "import { HaravanClient } from '../connectors/haravan/client';"],
    refused: ['../worker/temporal', '../api/app', '../connectors/haravan/client'],
  },
  { file: 'api/zz.ts', imports: ["import { connectClient } from '../boot/temporal';", "import { createAppWorker } from '../worker/temporal';"], refused: ['../worker/temporal'] },
  { file: 'test/unit/zz.test.ts', imports: ["import { createApp } from '../../api/app';", "import { startHaravanSandbox } from '../../sandbox/haravan/server';"], refused: [] },
];

test.each(cases)('$file', async ({ file, imports, refused }) => {
  expect(await restricted(file, imports.join('\n') + '\n')).toEqual(refused);
});

test('no file has an exception: the API takes every signal from workflows/definitions.ts, never from a workflow file', async () => {
  const code = "import { retryImportSignal } from '../../workflows/order';\n";
  expect(await restricted('api/routes/connections.ts', code)).toEqual(['../../workflows/order']);
  expect(await restricted('api/routes/orders.ts', code)).toEqual(['../../workflows/order']);
});

test('the API makes no vendor call: vendor clients, their errors and the activities are refused in every API file', async () => {
  const code = "import { ClientFactory } from '../../activities/context';\nimport { ConnectorError } from '../../connectors/errors';\nimport { TikiClient } from '../../connectors/tiki/client';\n";
  const refused = ['../../activities/context', '../../connectors/errors', '../../connectors/tiki/client'];
  for (const file of ['api/routes/app.ts', 'api/routes/connections.ts', 'api/routes/orders.ts']) expect(await restricted(file, code)).toEqual(refused);
});
