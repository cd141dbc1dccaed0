/** The order rules that keep order side effects idempotent and the import's timing (domain/order-effects.ts, order-import.ts, order-deadline.ts). */
import { alreadyApplied, haravanOrderState, pendingMirrorSteps, type HaravanOrderState } from '../../../domain/order-effects';
import { createMayStart } from '../../../domain/order-import';
import { atRiskFrom } from '../../../domain/order-deadline';
import type { MirrorAction } from '../../../domain/order-mirror';
import { CREDENTIAL_FAILURE_TYPES, isCredentialFailureType } from '../../../domain/vendor-errors';

describe('atRiskFrom (the at-risk time)', () => {
  it.each([
    ['2 h before the deadline', '2024-05-02T05:00:00.000Z', 2, '2024-05-02T03:00:00.000Z'],
    ['0 h: the deadline itself', '2024-05-02T05:00:00.000Z', 0, '2024-05-02T05:00:00.000Z'],
    ['fractional hours', '2024-05-02T05:00:00.000Z', 1.5, '2024-05-02T03:30:00.000Z'],
    ['across midnight', '2024-05-02T01:00:00.000Z', 3, '2024-05-01T22:00:00.000Z'],
  ] as const)('%s', (_name, deadline, hours, expected) => {
    expect(atRiskFrom(new Date(deadline), hours)?.toISOString()).toBe(expected);
  });
  it('no deadline → no at-risk time', () => {
    expect(atRiskFrom(null, 2)).toBeNull();
  });
});

describe('haravanOrderState', () => {
  it.each([
    ['fresh', {}, { cancelled: false, confirmed: false, fulfilled: false, closed: false, notedTikiStatus: null }],
    ['cancelled by status', { cancelled_status: 'cancelled' }, { cancelled: true, confirmed: false, fulfilled: false, closed: false, notedTikiStatus: null }],
    ['cancelled by date only', { cancelled_at: '2024-05-01T00:00:00Z', cancelled_status: 'uncancelled' }, { cancelled: true, confirmed: false, fulfilled: false, closed: false, notedTikiStatus: null }],
    [
      'confirmed, fulfilled, closed, noted',
      { confirmed_status: 'confirmed', fulfillment_status: 'fulfilled', closed_status: 'closed', note_attributes: [{ name: 'tiki_order_code', value: '1' }, { name: 'tiki_status', value: 'delivered' }] },
      { cancelled: false, confirmed: true, fulfilled: true, closed: true, notedTikiStatus: 'delivered' },
    ],
    ['partially fulfilled is not fulfilled', { fulfillment_status: 'partial' }, { cancelled: false, confirmed: false, fulfilled: false, closed: false, notedTikiStatus: null }],
  ] as const)('%s', (_name, order, expected) => {
    expect(haravanOrderState(order as never)).toEqual(expected);
  });
});

describe('pendingMirrorSteps', () => {
  const fresh: HaravanOrderState = { cancelled: false, confirmed: false, fulfilled: false, closed: false, notedTikiStatus: null };
  const all: MirrorAction[] = ['confirm', 'fulfill', 'close', 'note'];
  it.each<[string, readonly MirrorAction[], Partial<HaravanOrderState>, string, MirrorAction[]]>([
    ['fresh order: every step', all, {}, 'complete', all],
    ['already confirmed: the rest', all, { confirmed: true }, 'complete', ['fulfill', 'close', 'note']],
    ['everything shown: nothing', all, { confirmed: true, fulfilled: true, closed: true, notedTikiStatus: 'complete' }, 'complete', []],
    ['noted with an older status: the note again', ['note'], { notedTikiStatus: 'processing' }, 'complete', ['note']],
    ['cancelled: only the note', [...all, 'cancel'], { cancelled: true }, 'canceled', ['note']],
    ['not cancelled yet: cancel', ['restock-cancel', 'note'], {}, 'canceled', ['restock-cancel', 'note']],
    ['cancelled already: no second cancel', ['restock-cancel'], { cancelled: true }, 'canceled', []],
  ])('%s', (_name, actions, state, tikiStatus, expected) => {
    expect(pendingMirrorSteps(actions, { ...fresh, ...state }, tikiStatus)).toEqual(expected);
  });
});

describe('alreadyApplied (a retried merchant action)', () => {
  it.each([
    ['cancel: order canceled on Tiki', 'cancel', 'canceled', ['waiting'], true],
    ['cancel: every item declined', 'cancel', 'queueing', ['seller_canceled', 'seller_canceled'], true],
    ['cancel: one item still waiting', 'cancel', 'queueing', ['seller_canceled', 'waiting'], false],
    ['ready-to-ship: an item confirmed', 'ready-to-ship', 'queueing', ['waiting', 'seller_confirmed'], true],
    ['ready-to-ship: ready to pick', 'ready-to-ship', 'queueing', ['ready_to_pick'], true],
    ['ready-to-ship: all waiting', 'ready-to-ship', 'queueing', ['waiting', null], false],
    ['print-label: never (repeatable)', 'print-label', 'processing', ['confirmed'], false],
  ] as const)('%s', (_name, action, status, items, expected) => {
    expect(alreadyApplied(action, status, items)).toBe(expected);
  });
});

describe('createMayStart (the "too late?" rule of a create call)', () => {
  const T = 600_000;
  const R = 180_000;
  it.each([
    ['at the start', 0, T, R, true],
    ['exactly at timeout − reserve', T - R, T, R, true],
    ['just after it', T - R + 1, T, R, false],
    ['reserve longer than the timeout: the first quarter is allowed', T / 4, T, T, true],
    ['… and not beyond it', T / 4 + 1, T, T, false],
  ] as const)('%s', (_name, elapsed, timeout, reserve, expected) => {
    expect(createMayStart(elapsed, timeout, reserve)).toBe(expected);
  });
});

describe('credentials rejected (domain/vendor-errors.ts)', () => {
  it.each([
    ['TIKI_AUTH_FAILED', true],
    ['TIKI_FORBIDDEN', true],
    ['TIKI_CONNECTION_PAUSED', true],
    ['HARAVAN_AUTH_FAILED', true],
    ['HARAVAN_FORBIDDEN', true],
    ['HARAVAN_RATE_LIMITED', false],
    ['HARAVAN_VALIDATION', false],
    ['TIKI_NOT_FOUND', false],
    ['ORDER_IMPORT_FAILED', false],
    ['', false],
    [null, false],
    [undefined, false],
  ] as const)('%p → %p', (type, expected) => {
    expect(isCredentialFailureType(type)).toBe(expected);
  });
  it('is one list of five codes', () => {
    expect(new Set(CREDENTIAL_FAILURE_TYPES).size).toBe(5);
  });
});
