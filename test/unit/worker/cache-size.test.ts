import { defaultMaxCachedWorkflows } from '../../../worker/temporal';

const MiB = 2 ** 20;

test.each([
  { heapMiB: 4144, cached: 500 }, // a 24 GiB machine's default heap: the SDK would cache 2,311
  { heapMiB: 1060, cached: 500 }, // the SDK's 503 → the cap
  { heapMiB: 1024, cached: 482 }, // a smaller heap keeps the SDK's own figure
  { heapMiB: 200, cached: 10 }, // never below the SDK's floor
])('heap $heapMiB MiB → $cached cached workflows', ({ heapMiB, cached }) => {
  expect(defaultMaxCachedWorkflows(heapMiB * MiB)).toBe(cached);
});
