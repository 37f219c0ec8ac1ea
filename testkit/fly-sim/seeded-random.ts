import type { SimLatency } from './types.ts';

/** mulberry32: a small, fast, seedable PRNG returning [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Draws one delay in milliseconds from a fixed value or a uniform range. */
export function drawLatency(latency: SimLatency, random: () => number): number {
  if (typeof latency === 'number') return latency;
  return latency.min + random() * (latency.max - latency.min);
}
