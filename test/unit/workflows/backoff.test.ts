/** The workflows' re-try back-off (workflows/lib/backoff.ts) with the two back-offs it is used with. */
import { backoffMs } from '../../../workflows/lib/backoff';
import { ATTENTION_RECHECK_BACKOFF } from '../../../workflows/connection';
import { POLL_RESTART_BACKOFF } from '../../../workflows/long-lived';

test.each([
  ['poll restart', POLL_RESTART_BACKOFF, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]],
  ['attention re-check', ATTENTION_RECHECK_BACKOFF, [5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 60_000]],
])('%s: doubles from the first wait up to the cap', (_name, backoff, expected) => {
  expect(expected.map((_, attempt) => backoffMs(backoff, attempt))).toEqual(expected);
});

test.each([
  [-1, 1_000],
  [0, 1_000],
  [1_000, 60_000],
  [Number.MAX_SAFE_INTEGER, 60_000],
])('attempt %p waits %p ms (never below the first wait, never above the cap, no overflow)', (attempt, ms) => {
  expect(backoffMs({ firstMs: 1_000, maxMs: 60_000 }, attempt)).toBe(ms);
});
