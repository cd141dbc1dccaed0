import { CURSOR_OVERLAP_MS, inventoryRowFingerprint, nextCursor, noteSeen, pollSince, variantFingerprint, type Seen } from '../../../domain/stock-poll';

describe('pollSince — each round asks from a little before the cursor', () => {
  test('the overlap before the cursor', () => {
    expect(CURSOR_OVERLAP_MS).toBe(2_000);
    expect(pollSince('2026-03-01T10:00:00.000Z')).toBe('2026-03-01T09:59:58.000Z');
    expect(pollSince('2026-03-01T10:00:00.000Z', 500)).toBe('2026-03-01T09:59:59.500Z');
  });
});

describe('nextCursor — to the newest change, never back, never past the round start', () => {
  const cursor = '2026-03-01T10:00:00.000Z';
  const started = '2026-03-01T10:05:00.000Z';
  const cases: { name: string; seen: string[]; want: string }[] = [
    { name: 'nothing seen → stays', seen: [], want: cursor },
    { name: 'newer changes → the newest', seen: ['2026-03-01T10:01:00Z', '2026-03-01T10:03:00Z', '2026-03-01T10:02:00Z'], want: '2026-03-01T10:03:00.000Z' },
    { name: 'only older rows (the overlap) → stays', seen: ['2026-03-01T09:59:59Z'], want: cursor },
    { name: 'a change stamped after the round started (clock skew) → the round start', seen: ['2026-03-01T10:09:00Z'], want: started },
    { name: 'unparsable and empty values are ignored', seen: ['', 'not a date', '2026-03-01T10:01:00Z'], want: '2026-03-01T10:01:00.000Z' },
    { name: 'offsets are read as instants', seen: ['2026-03-01T17:02:00+07:00'], want: '2026-03-01T10:02:00.000Z' },
  ];
  test.each(cases)('$name', ({ seen, want }) => expect(nextCursor(seen, cursor, started)).toBe(want));
});

describe('what counts as a new change — the fingerprints', () => {
  const row = { updated_at: '2026-03-01T10:00:00Z', qty_onhand: 5, qty_commited: 1, qty_available: 4 };
  const variant = { inventory_quantity: 4, price: 100, inventory_management: 'haravan', inventory_policy: 'deny' };
  test.each([
    ['same row read again', { ...row }, false],
    ['on hand changed within the same second', { ...row, qty_onhand: 6 }, true],
    ['committed changed', { ...row, qty_commited: 2 }, true],
    ['available changed', { ...row, qty_available: 3 }, true],
    ['updated_at moved, same figures', { ...row, updated_at: '2026-03-01T10:00:01Z' }, true],
  ])('inventory row: %s → new %s', (_name, other, isNew) => expect(inventoryRowFingerprint(other) !== inventoryRowFingerprint(row)).toBe(isNew));
  test.each([
    ['same variant read again', '2026-03-01T10:00:00Z', { ...variant }, false],
    ['quantity changed', '2026-03-01T10:00:00Z', { ...variant, inventory_quantity: 3 }, true],
    ['price changed', '2026-03-01T10:00:00Z', { ...variant, price: 90 }, true],
    ['tracking switched off', '2026-03-01T10:00:00Z', { ...variant, inventory_management: null }, true],
    ['policy switched', '2026-03-01T10:00:00Z', { ...variant, inventory_policy: 'continue' }, true],
    ['updated_at moved', '2026-03-01T10:00:05Z', { ...variant }, true],
  ])('variant: %s → new %s', (_name, updatedAt, other, isNew) =>
    expect(variantFingerprint(updatedAt, other) !== variantFingerprint('2026-03-01T10:00:00Z', variant)).toBe(isNew));
});

describe('noteSeen — the earliest answer, the newest change', () => {
  const cases: { name: string; sightings: [number, number | undefined][]; want: Seen }[] = [
    { name: 'one sighting', sightings: [[100, 50]], want: { seenAt: 100, changedAt: 50 } },
    { name: 'a later answer does not move seenAt; a newer change moves changedAt', sightings: [[100, 50], [120, 60]], want: { seenAt: 100, changedAt: 60 } },
    { name: 'an earlier answer moves seenAt; an older change does not move changedAt', sightings: [[100, 50], [90, 40]], want: { seenAt: 90, changedAt: 50 } },
    { name: 'an unknown change time is filled by a later sighting', sightings: [[100, undefined], [110, 70]], want: { seenAt: 100, changedAt: 70 } },
    { name: 'no change time at all', sightings: [[100, undefined]], want: { seenAt: 100, changedAt: undefined } },
  ];
  test.each(cases)('$name', ({ sightings, want }) => {
    const seen = new Map<number, Seen>();
    for (const [at, changedAt] of sightings) noteSeen(seen, 7, at, changedAt);
    expect(seen.get(7)).toEqual(want);
    expect(seen.size).toBe(1);
  });
});
