/** The Temporal client every process opens (API, worker, `npm start`, tests): one connection, our payload codec. */
import { Client, Connection } from '@temporalio/client';
import { dataConverterFor } from './codec';

export async function connectClient(opts: { address: string; namespace: string; encryptionKey?: string }): Promise<Client> {
  const connection = await Connection.connect({ address: opts.address });
  return new Client({ connection, namespace: opts.namespace, dataConverter: dataConverterFor(opts.encryptionKey) });
}
