/** Seeded PRNG (mulberry32) whose state lives in the world, so snapshots and restores replay identically. */
export interface RngState {
  state: number;
}

export function nextRandom(rng: RngState): number {
  let t = (rng.state = (rng.state + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function randomInt(rng: RngState, min: number, max: number): number {
  return min + Math.floor(nextRandom(rng) * (max - min + 1));
}

export function randomHex(rng: RngState, length: number, upper = false): string {
  let s = '';
  while (s.length < length)
    s += Math.floor(nextRandom(rng) * 0x10000)
      .toString(16)
      .padStart(4, '0');
  s = s.slice(0, length);
  return upper ? s.toUpperCase() : s;
}

export function randomDigits(rng: RngState, length: number): string {
  let s = String(randomInt(rng, 1, 9));
  while (s.length < length) s += String(randomInt(rng, 0, 9));
  return s;
}

/** RFC 4122 v4 layout from the seeded generator (not cryptographically random — this is a simulator). */
export function randomUuid(rng: RngState): string {
  const h = randomHex(rng, 32);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** base64url of random bytes. */
export function randomBase64Url(rng: RngState, bytes: number): string {
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = Math.floor(nextRandom(rng) * 256);
  return buf.toString('base64url');
}
