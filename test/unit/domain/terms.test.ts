import { MESSAGES } from '../../../domain/messages';
import {
  CONNECTION_STATES,
  isActiveConnection,
  isEndedConnection,
  isOrderAction,
  isTerminal,
  LINK_ISSUE_CODES,
  ORDER_ACTIONS,
  ORDER_STATUSES,
  PUSH_ISSUE_CODES,
  SYNC_ERROR_CODES,
} from '../../../domain/terms';

describe('isTerminal', () => {
  it.each(ORDER_STATUSES.map((s) => [s, ['completed', 'cancelled', 'returned'].includes(s)] as const))('%s → %p', (status, expected) => {
    expect(isTerminal(status)).toBe(expected);
  });
  it.each([['unknown'], [''], ['Completed']])('%p (not one of ours) → false', (status) => {
    expect(isTerminal(status)).toBe(false);
  });
});

describe('connection states', () => {
  const cases: [string, boolean, boolean][] = [
    // state, active (takes merchant requests), ended (the shop may connect again)
    ['connecting', false, false],
    ['connected', true, false],
    ['attention', true, false],
    ['disconnecting', false, false],
    ['disconnected', false, true],
    ['failed', false, true],
    ['unknown', false, false],
  ];
  it.each(cases)('%s: active %p, ended %p', (state, active, ended) => {
    expect(isActiveConnection(state)).toBe(active);
    expect(isEndedConnection(state)).toBe(ended);
  });
  it('the table covers every state', () => {
    expect(CONNECTION_STATES.every((s) => cases.some(([c]) => c === s))).toBe(true);
  });
});

describe('isOrderAction', () => {
  it.each([
    ['print-label', true],
    ['ready-to-ship', true],
    ['cancel', true],
    ['confirm', false],
    ['Cancel', false],
    ['', false],
  ] as const)('%p → %p', (value, expected) => {
    expect(isOrderAction(value)).toBe(expected);
  });
  it('lists the three actions', () => {
    expect([...ORDER_ACTIONS]).toEqual(['print-label', 'ready-to-ship', 'cancel']);
  });
});

describe('sync error codes', () => {
  it('are the link issue codes, then the push-time ones, each once', () => {
    expect([...SYNC_ERROR_CODES]).toEqual([...LINK_ISSUE_CODES, ...PUSH_ISSUE_CODES]);
    expect(new Set(SYNC_ERROR_CODES).size).toBe(SYNC_ERROR_CODES.length);
  });
  it.each(SYNC_ERROR_CODES.map((c) => [c]))('%s has a Vietnamese and an English message', (code) => {
    const m = (MESSAGES as Record<string, { vi: string; en: string } | undefined>)[code];
    expect(m?.vi).toBeTruthy();
    expect(m?.en).toBeTruthy();
  });
});
