import { DueQueue } from '../../../activities/due-queue';

/** A queue over named items whose current due time lives in `due` (absent: left or started). */
function queueOf(due: Map<string, number>) {
  return new DueQueue<string>((item, at) => due.get(item) === at);
}

describe('DueQueue', () => {
  test.each([
    { name: 'nothing queued', items: [] as [string, number][], now: 100, slots: 9, taken: [] as string[], next: Infinity },
    { name: 'earliest first, only what is due', items: [['c', 300], ['a', 100], ['b', 200]] as [string, number][], now: 200, slots: 9, taken: ['a', 'b'], next: 300 },
    { name: 'no slot: nothing taken, the due head is reported', items: [['a', 100], ['b', 150]] as [string, number][], now: 200, slots: 0, taken: [], next: 100 },
    { name: 'slots run out midway', items: [['a', 100], ['b', 150], ['c', 160]] as [string, number][], now: 200, slots: 2, taken: ['a', 'b'], next: 160 },
    { name: 'never due (Infinity) is not queued', items: [['a', Infinity]] as [string, number][], now: 200, slots: 9, taken: [], next: Infinity },
  ])('$name', ({ items, now, slots, taken, next }) => {
    const due = new Map(items);
    const q = queueOf(due);
    for (const [item, at] of items) q.push(item, at);
    const got: string[] = [];
    let free = slots;
    const res = q.drain(now, () => free > 0, (item) => {
      free--;
      got.push(item);
      due.delete(item); // started
    });
    expect(got).toEqual(taken);
    expect(res).toBe(next);
  });

  test('stale entries (moved, left, started) are dropped at the head, never taken', () => {
    const due = new Map<string, number>([['a', 100], ['b', 100], ['c', 100]]);
    const q = queueOf(due);
    for (const k of ['a', 'b', 'c']) q.push(k, 100);
    due.set('a', 500); // moved later: its old entry is stale, its new one current
    q.push('a', 500);
    due.delete('b'); // left the shard
    const got: string[] = [];
    expect(q.drain(200, () => true, (item) => (got.push(item), due.delete(item)))).toBe(500);
    expect(got).toEqual(['c']);
    expect(q.size).toBe(1); // only a's current entry is left
  });

  test('an item queued twice at the same time is taken once (the second entry is stale once it started)', () => {
    const due = new Map<string, number>([['a', 100]]);
    const q = queueOf(due);
    q.push('a', 100);
    q.push('a', 100);
    const got: string[] = [];
    q.drain(100, () => true, (item) => (got.push(item), due.delete(item)));
    expect(got).toEqual(['a']);
    expect(q.size).toBe(0);
  });

  test('10,000 items: a drain with one due looks at the head only', () => {
    const due = new Map<string, number>();
    let checks = 0;
    const q = new DueQueue<string>((item, at) => (checks++, due.get(item) === at));
    for (let i = 0; i < 10_000; i++) {
      due.set(`m${i}`, 1_000 + i);
      q.push(`m${i}`, 1_000 + i);
    }
    const got: string[] = [];
    expect(q.drain(1_000, () => true, (item) => (got.push(item), due.delete(item)))).toBe(1_001);
    expect(got).toEqual(['m0']);
    expect(checks).toBe(2);
  });
});
