/**
 * The settings form's sources, read by the worker's activity (the API starts workflows/sources.ts and makes no
 * vendor call): both sides mapped to the form's options, a side that cannot be read left empty and named, and no
 * answer once the credentials are gone.
 */
import type { ClientFactory } from '../../../activities/context';
import { createSourcesActivities } from '../../../activities/sources';
import { ConnectorError } from '../../../connectors/errors';

type Side<T> = () => Promise<T[]>;

function activities(locations: Side<Record<string, unknown>>, warehouses: Side<Record<string, unknown>>, connected = true) {
  const clients = { haravan: { listLocations: locations }, tiki: { listWarehouses: warehouses } };
  const factory = { whileConnected: async () => (connected ? clients : null) } as unknown as ClientFactory;
  return createSourcesActivities({ clients: factory });
}

const LOCATIONS = [
  { id: 1001, name: 'Kho chính', is_primary: true },
  { id: '1002', name: null, is_primary: false },
];
const WAREHOUSES = [
  { id: 7001, name: 'Kho HCM', is_primary: 1 },
  { id: 7002, name: 'Kho HN', is_primary: 0 },
  { id: 7003, name: 'Kho ĐN', is_primary: true },
];

test('both sides become the form options (ids as numbers, a nameless location named by its id)', async () => {
  const read = await activities(async () => LOCATIONS, async () => WAREHOUSES).readSources('conn-1');
  expect(read).toEqual({
    locations: [
      { id: 1001, name: 'Kho chính', primary: true },
      { id: 1002, name: '1002', primary: false },
    ],
    warehouses: [
      { id: 7001, name: 'Kho HCM', primary: true },
      { id: 7002, name: 'Kho HN', primary: false },
      { id: 7003, name: 'Kho ĐN', primary: true },
    ],
  });
});

test("a side that cannot be read is empty and named by the connector's code; the other side is kept", async () => {
  const limited = new ConnectorError({ system: 'tiki', code: 'RATE_LIMITED', status: 429, message: 'slow down' });
  const read = await activities(async () => LOCATIONS, async () => Promise.reject(limited)).readSources('conn-1');
  expect(read?.locations).toHaveLength(2);
  expect(read?.warehouses).toEqual([]);
  expect(read?.failure).toEqual({ reason: limited.fullCode, detail: String(limited) });
});

test('an error that is not a vendor answer is INTERNAL', async () => {
  const read = await activities(async () => Promise.reject(new Error('socket hang up')), async () => WAREHOUSES).readSources('conn-1');
  expect(read?.locations).toEqual([]);
  expect(read?.warehouses).toHaveLength(3);
  expect(read?.failure?.reason).toBe('INTERNAL');
});

test('no answer once the credentials are gone (the API answers CONNECTION_NOT_ACTIVE)', async () => {
  const never = async () => {
    throw new Error('no vendor call without credentials');
  };
  expect(await activities(never, never, false).readSources('conn-1')).toBeNull();
});
