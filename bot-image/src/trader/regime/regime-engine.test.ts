import { hmmSchema } from '@hmmtrade/crds';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSimBars } from '../market-data/sim-generator.ts';
import { createRegimeEngine, type RegimeUpdate } from './regime-engine.ts';

const { bars } = generateSimBars({ seed: 7, start: 0, timeframeMs: 60_000, count: 1600 });

function run(hmm: Parameters<typeof hmmSchema.parse>[0]): RegimeUpdate[] {
  const engine = createRegimeEngine({ hmm: hmmSchema.parse(hmm) });
  return bars.map((bar) => engine.update(bar));
}

describe('regime engine on the simulated market', () => {
  let updates: RegimeUpdate[];
  beforeAll(() => {
    updates = run({
      minStates: 3,
      maxStates: 3,
      features: ['logReturn', 'realizedVolatility', 'atr'],
      lookbackBars: 300,
      retrainEveryBars: 100,
      minConfidence: 0.6,
      stabilityBars: 2,
    });
  });

  it('fits once the window is full, then every retrainEveryBars bars', () => {
    const fits = updates.flatMap((u, t) => (u.fit === null ? [] : [t]));
    expect(fits.length).toBeGreaterThan(5);
    expect(fits.slice(1).map((t, i) => t - fits[i]!)).toEqual(fits.slice(1).map(() => 100));
    expect(updates.slice(0, fits[0]).every((u) => u.probabilities === null)).toBe(true);
    expect(updates[fits[0]!]!.fit).toMatchObject({ states: 3, trainingBars: 300 });
  });

  it.each([
    { by: 'the variance of returns', features: ['logReturn', 'realizedVolatility', 'atr'] },
    { by: 'the mean of realized volatility', features: ['realizedVolatility'] },
  ] as const)('recovers the generating regimes, labelling by $by', ({ features }) => {
    const agreements = [1, 2, 3, 4].map((seed) => {
      const sim = generateSimBars({ seed, start: 0, timeframeMs: 60_000, count: 2500 });
      const engine = createRegimeEngine({
        hmm: hmmSchema.parse({
          minStates: 3,
          maxStates: 3,
          features: [...features],
          lookbackBars: 1000,
          retrainEveryBars: 250,
          minConfidence: 0.6,
          stabilityBars: 2,
        }),
      });
      const labels = sim.bars.map((bar) => engine.update(bar).label);
      const first = labels.findIndex((label) => label !== null);
      // Three states are labelled calm, choppy, panic: the simulator's own regime names.
      const scored = labels.slice(first).map((label, i) => label === sim.regimes[first + i]);
      return scored.filter(Boolean).length / scored.length;
    });
    const mean = agreements.reduce((a, b) => a + b, 0) / agreements.length;
    expect(mean).toBeGreaterThan(0.7);
    for (const agreement of agreements) expect(agreement).toBeGreaterThan(0.6);
  });

  it('reports changes with their confidence, never below minConfidence', () => {
    const changes = updates.filter((u) => u.changed);
    expect(changes.length).toBeGreaterThan(3);
    for (const change of changes) {
      expect(change.label).not.toBeNull();
      expect(change.confidence).toBeGreaterThanOrEqual(0.6);
      expect(change.since).toBe(change.at);
    }
  });

  it('chooses the state count by BIC within the range', () => {
    const ranged = run({
      minStates: 2,
      maxStates: 4,
      features: ['logReturn', 'realizedVolatility'],
      lookbackBars: 400,
      retrainEveryBars: 600,
    });
    const fits = ranged.flatMap((u) => (u.fit === null ? [] : [u.fit]));
    expect(fits.length).toBeGreaterThan(0);
    for (const fit of fits) {
      expect(fit.states).toBeGreaterThanOrEqual(2);
      expect(fit.states).toBeLessThanOrEqual(4);
      expect(fit.labels).toContain('calm');
    }
  });

  it('is causal: the regimes so far do not depend on later bars', () => {
    const engine = createRegimeEngine({
      hmm: hmmSchema.parse({ minStates: 2, maxStates: 2, lookbackBars: 100, retrainEveryBars: 50 }),
    });
    const cut = 400;
    const prefix = bars.slice(0, cut).map((bar) => engine.update(bar));
    const again = createRegimeEngine({
      hmm: hmmSchema.parse({ minStates: 2, maxStates: 2, lookbackBars: 100, retrainEveryBars: 50 }),
    });
    const full = bars.slice(0, cut + 100).map((bar) => again.update(bar));
    expect(full.slice(0, cut)).toEqual(prefix);
  });
});
