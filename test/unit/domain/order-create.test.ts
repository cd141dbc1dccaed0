/** The create protocol's rules (domain/order-create.ts) and the send deadline of a create (domain/order-import.ts). */
import {
  ASSUMED_HARAVAN_REQUEST_DEADLINE_MS,
  DEFAULT_CREATE_SETTINGS,
  classifyCreateOutcome,
  createSettingsFrom,
  duplicatesToCancel,
  lookupGap,
  nextCreateStep,
  type CreateCallEnd,
  type CreateOutcome,
} from '../../../domain/order-create';
import { createSendDeadline } from '../../../domain/order-import';

describe('classifyCreateOutcome', () => {
  it.each<[string, CreateCallEnd, CreateOutcome]>([
    ['201 Created', { kind: 'answered', status: 201 }, 'committed'],
    ['200', { kind: 'answered', status: 200 }, 'committed'],
    ['422 refused', { kind: 'answered', status: 422 }, 'not-committed'],
    ['400 bad body', { kind: 'answered', status: 400 }, 'not-committed'],
    ['401 token rejected', { kind: 'answered', status: 401 }, 'not-committed'],
    ['429 rate limited (not counted, not performed)', { kind: 'answered', status: 429 }, 'not-committed'],
    ['500 Haravan failed mid-way', { kind: 'answered', status: 500 }, 'unknown'],
    ['502 bad gateway', { kind: 'answered', status: 502 }, 'unknown'],
    ['503 unavailable', { kind: 'answered', status: 503 }, 'unknown'],
    ['504 gateway timeout', { kind: 'answered', status: 504 }, 'unknown'],
    ['client timeout', { kind: 'timeout' }, 'unknown'],
    ['connection reset after the body was sent', { kind: 'network', bodySent: true }, 'unknown'],
    ['connection refused (nothing sent)', { kind: 'network', bodySent: false }, 'not-committed'],
    ['never sent (send deadline passed in the rate limiter)', { kind: 'not-sent' }, 'not-committed'],
  ])('%s → %s', (_name, end, expected) => {
    expect(classifyCreateOutcome(end)).toBe(expected);
  });
});

describe('nextCreateStep', () => {
  const S = { settleMs: 90_000, lookups: 3, lookupGapMs: 5_000 };
  const sent = 1_000_000;
  it.each<[string, number | null, number, number, ReturnType<typeof nextCreateStep>]>([
    ['nothing pending: create', null, sent, 0, { kind: 'create' }],
    ['right after the unanswered create: wait the whole window', sent, sent, 0, { kind: 'wait', ms: 90_000 }],
    ['inside the window: wait the rest', sent, sent + 60_000, 0, { kind: 'wait', ms: 30_000 }],
    ['a late answer inside the window: still wait (look-ups done earlier do not count)', sent, sent + 89_999, 5, { kind: 'wait', ms: 1 }],
    ['window over: look up', sent, sent + 90_000, 0, { kind: 'look-up' }],
    ['one look-up missed: look up again (a listing may lag)', sent, sent + 95_000, 1, { kind: 'look-up' }],
    ['two missed: the third', sent, sent + 100_000, 2, { kind: 'look-up' }],
    ['all three missed: create', sent, sent + 105_000, 3, { kind: 'create' }],
  ])('%s', (_name, sentAt, now, lookupsDone, expected) => {
    expect(nextCreateStep({ sentAt, now, lookupsDone }, S)).toEqual(expected);
  });

  it('never fewer than two look-ups, whatever the setting', () => {
    const one = { ...S, lookups: 1 };
    expect(nextCreateStep({ sentAt: sent, now: sent + 90_000, lookupsDone: 1 }, one)).toEqual({ kind: 'look-up' });
    expect(nextCreateStep({ sentAt: sent, now: sent + 90_000, lookupsDone: 2 }, one)).toEqual({ kind: 'create' });
  });

  it('the first look-up follows the window at once, the next ones after the gap', () => {
    expect([0, 1, 2].map((d) => lookupGap(d, S))).toEqual([0, 5_000, 5_000]);
  });

  it('the default window outlasts the assumed Haravan request deadline', () => {
    expect(DEFAULT_CREATE_SETTINGS.settleMs).toBeGreaterThan(ASSUMED_HARAVAN_REQUEST_DEADLINE_MS);
  });
});

describe('createSettingsFrom (environment)', () => {
  it.each<[string, Record<string, string>, typeof DEFAULT_CREATE_SETTINGS]>([
    ['unset: defaults', {}, DEFAULT_CREATE_SETTINGS],
    ['all set', { HARAVAN_CREATE_SETTLE_SECONDS: '55', HARAVAN_CREATE_LOOKUPS: '4', HARAVAN_CREATE_LOOKUP_GAP_SECONDS: '2.5' }, { settleMs: 55_000, lookups: 4, lookupGapMs: 2_500 }],
    ['garbage and too few look-ups fall back', { HARAVAN_CREATE_SETTLE_SECONDS: 'soon', HARAVAN_CREATE_LOOKUPS: '1', HARAVAN_CREATE_LOOKUP_GAP_SECONDS: '-1' }, DEFAULT_CREATE_SETTINGS],
    ['blank falls back', { HARAVAN_CREATE_SETTLE_SECONDS: ' ' }, DEFAULT_CREATE_SETTINGS],
  ])('%s', (_name, env, expected) => {
    expect(createSettingsFrom(env)).toEqual(expected);
  });
});

describe('duplicatesToCancel (keep the oldest)', () => {
  const o = (id: number, createdAt: string | null, cancelled = false) => ({ id, createdAt, cancelled });
  it.each<[string, ReturnType<typeof o>[], number | null, number[]]>([
    ['none', [], null, []],
    ['one: nothing to cancel', [o(5, '2026-01-01T00:00:10Z')], 5, []],
    ['two: the later one goes', [o(7, '2026-01-01T00:00:40Z'), o(5, '2026-01-01T00:00:10Z')], 5, [7]],
    ['same second: lowest id kept', [o(9, '2026-01-01T00:00:10Z'), o(8, '2026-01-01T00:00:10Z')], 8, [9]],
    ['three: two cancelled', [o(1, '2026-01-01T00:00:01Z'), o(2, '2026-01-01T00:00:02Z'), o(3, '2026-01-01T00:00:03Z')], 1, [2, 3]],
    ['an already cancelled duplicate is not cancelled again', [o(1, '2026-01-01T00:00:01Z'), o(2, '2026-01-01T00:00:02Z', true)], 1, []],
    ['no creation time sorts last', [o(1, null), o(2, '2026-01-01T00:00:02Z')], 2, [1]],
  ])('%s', (_name, orders, keep, cancel) => {
    const r = duplicatesToCancel(orders);
    expect(r.keep?.id ?? null).toBe(keep);
    expect(r.cancel.map((c) => c.id)).toEqual(cancel);
  });
});

describe('createSendDeadline', () => {
  it.each([
    ['timeout − reserve', 1_000, 600_000, 180_000, 421_000],
    ['reserve longer than the timeout: the first quarter', 1_000, 600_000, 600_000, 151_000],
  ] as const)('%s', (_name, start, timeout, reserve, expected) => {
    expect(createSendDeadline(start, timeout, reserve)).toBe(expected);
  });
});
