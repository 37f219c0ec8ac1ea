import { describe, expect, it } from 'vitest';
import { createMeanReversionStrategy } from './mean-reversion-strategy.ts';
import { createStrategyRouter } from './strategy-router.ts';
import { createTrendStrategy } from './trend-strategy.ts';

const rising = Array.from({ length: 40 }, (_, i) => 100 + i);
const falling = Array.from({ length: 40 }, (_, i) => 140 - i);
/** Flat at 100 with a ±1 wiggle, then one close. */
const around = (last: number) => [
  ...Array.from({ length: 19 }, (_, i) => 100 + (i % 2 ? 1 : -1)),
  last,
];

describe('trend strategy', () => {
  const trend = createTrendStrategy({ fast: 5, slow: 20 });
  it.each([
    { name: 'long at the limit while fast > slow', closes: rising, want: 0.2 },
    { name: 'flat while fast < slow', closes: falling, want: 0 },
    { name: 'flat without enough history', closes: rising.slice(0, 10), want: 0 },
  ])('$name', ({ closes, want }) => {
    expect(trend.targetWeight({ closes, currentWeight: 0.1, maxPositionPct: 0.2 })).toBe(want);
  });
});

describe('mean reversion strategy', () => {
  const meanReversion = createMeanReversionStrategy({ window: 20, entryZ: 1, exitZ: 0 });
  it.each([
    { name: 'enters below the lower band', closes: around(95), current: 0, want: 0.1 },
    { name: 'exits at the average', closes: around(101), current: 0.1, want: 0 },
    { name: 'holds between the bands', closes: around(99.6), current: 0.1, want: 0.1 },
    { name: 'stays out between the bands', closes: around(99.6), current: 0, want: 0 },
    { name: 'clips a held position to the limit', closes: around(99.6), current: 0.3, want: 0.1 },
    { name: 'flat on a flat series', closes: Array(20).fill(100), current: 0.1, want: 0 },
  ])('$name', ({ closes, current, want }) => {
    expect(
      meanReversion.targetWeight({ closes, currentWeight: current, maxPositionPct: 0.1 }),
    ).toBe(want);
  });
});

describe('strategy router', () => {
  const router = createStrategyRouter({ calm: 'trend', choppy: 'meanReversion', panic: 'flat' });
  it.each([
    ['calm', 'trend'],
    ['choppy', 'meanReversion'],
    ['panic', 'flat'],
    ['volatile', 'flat'],
    ['constructor', 'flat'],
    [null, 'flat'],
  ] as const)('routes %s to %s', (label, want) => {
    expect(router.strategyFor(label).name).toBe(want);
  });
  it('asks for the history its slowest strategy needs', () => {
    expect(router.historyBars).toBe(30);
  });
});
