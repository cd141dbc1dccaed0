import { CURSOR_OVERLAP_MS, nextCursor, pollSince } from '../../../domain/poll-cursor';

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
