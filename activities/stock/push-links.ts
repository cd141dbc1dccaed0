/** The incremental push: some linked variants, compared with the last push Tiki confirmed. */
import type { HaravanClient } from '../../connectors/haravan/client';
import type { LinkRecord } from '../../store/types';
import type { LiveClients } from '../context';
import { execute } from './execute-writes';
import { loadStockContext, plan } from './plan';
import { readHaravan } from './read-haravan';
import { emptySummary, type PushSummary } from './summary';
import type { ProductLike, Seen, StockDeps } from './types';

export interface PushLinksOptions {
  /** The Haravan client to read with (the poll's jumps the shop's queue). */
  haravan?: HaravanClient;
  /** Products the poll already read. */
  preloaded?: Map<number, ProductLike>;
  /** When the poll saw each variant's change (for the latency figures). */
  seen?: Map<number, Seen>;
  /** Leave out a change Tiki refused for good the last time. */
  skipRefused?: boolean;
}

export async function pushLinks(
  deps: Pick<StockDeps, 'store' | 'latency' | 'logger'>,
  connectionId: string,
  c: LiveClients,
  links: LinkRecord[],
  opts: PushLinksOptions = {},
): Promise<PushSummary> {
  const ctx = await loadStockContext(deps.store, connectionId);
  if (!ctx || links.length === 0) return emptySummary();
  const state = await readHaravan(
    opts.haravan ?? c.haravan,
    ctx.config,
    links.map((l) => l.haravanProductId),
    new Set(links.map((l) => l.haravanVariantId)),
    { preloaded: opts.preloaded },
  );
  return execute(deps, connectionId, c, ctx.targets, plan(links, state, ctx.config, ctx.targets, { seen: opts.seen, held: ctx.held }), { verified: false, skipRefused: opts.skipRefused });
}
