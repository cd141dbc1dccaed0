/** The settings form's sources: the connection's Haravan locations and Tiki seller warehouses, read live. */
import { ConnectorError } from '../connectors/errors';
import type { SourcesRead } from '../workflows/definitions';
import type { ActivityDeps } from './context';

export function createSourcesActivities(deps: Pick<ActivityDeps, 'clients'>) {
  return {
    /**
     * Both sides at once. A side that cannot be read is left empty and named in `failure` (the form still offers
     * the other side), so this activity fails only when the store does. Null once the credentials are gone.
     */
    async readSources(connectionId: string): Promise<SourcesRead | null> {
      const clients = await deps.clients.whileConnected(connectionId);
      if (!clients) return null;
      const [locations, warehouses] = await Promise.allSettled([clients.haravan.listLocations(), clients.tiki.listWarehouses()]);
      const read: SourcesRead = {
        locations: locations.status === 'fulfilled' ? locations.value.map((l) => ({ id: Number(l.id), name: String(l.name ?? l.id), primary: !!l.is_primary })) : [],
        warehouses: warehouses.status === 'fulfilled' ? warehouses.value.map((w) => ({ id: Number(w.id), name: String(w.name), primary: w.is_primary === true || w.is_primary === 1 })) : [],
      };
      const failed = [locations, warehouses].find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) read.failure = { reason: failed.reason instanceof ConnectorError ? failed.reason.fullCode : 'INTERNAL', detail: String(failed.reason) };
      return read;
    },
  };
}

export type SourcesActivities = ReturnType<typeof createSourcesActivities>;
