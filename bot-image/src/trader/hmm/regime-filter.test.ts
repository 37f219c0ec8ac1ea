import { describe, expect, it } from 'vitest';
import { createRegimeFilter, type RegimeReport } from './regime-filter.ts';
import { REGIME_LABELS, type RegimeLabel } from './regime-labels.ts';

/** One bar: the winning label and its probability; the rest is spread over the others. */
type Bar = [RegimeLabel, number];

function probabilities([winner, p]: Bar): Record<RegimeLabel, number> {
  const others = REGIME_LABELS.filter((l) => l !== winner);
  return Object.fromEntries([
    [winner, p],
    ...others.map((l) => [l, (1 - p) / others.length]),
  ]) as Record<RegimeLabel, number>;
}

const calm: Bar = ['calm', 0.9];
const panic: Bar = ['panic', 0.9];
const volatile: Bar = ['volatile', 0.9];
const unsurePanic: Bar = ['panic', 0.6];

const cases: {
  name: string;
  stabilityBars: number;
  minConfidence: number;
  bars: Bar[];
  want: (RegimeLabel | null)[];
}[] = [
  {
    name: 'reports nothing until a first regime has held stabilityBars bars',
    stabilityBars: 3,
    minConfidence: 0.6,
    bars: [calm, calm, calm, calm],
    want: [null, null, 'calm', 'calm'],
  },
  {
    name: 'ignores a one-bar flicker',
    stabilityBars: 2,
    minConfidence: 0.6,
    bars: [calm, calm, panic, calm, calm],
    want: [null, 'calm', 'calm', 'calm', 'calm'],
  },
  {
    name: 'switches once the challenger has held stabilityBars consecutive bars',
    stabilityBars: 2,
    minConfidence: 0.6,
    bars: [calm, calm, panic, panic, panic],
    want: [null, 'calm', 'calm', 'panic', 'panic'],
  },
  {
    name: 'does not count bars below minConfidence',
    stabilityBars: 2,
    minConfidence: 0.7,
    bars: [calm, calm, unsurePanic, unsurePanic, panic, panic],
    want: [null, 'calm', 'calm', 'calm', 'calm', 'panic'],
  },
  {
    name: 'restarts the count when a different challenger appears',
    stabilityBars: 3,
    minConfidence: 0.6,
    bars: [calm, calm, calm, volatile, panic, volatile, volatile, volatile],
    want: [null, null, 'calm', 'calm', 'calm', 'calm', 'calm', 'volatile'],
  },
  {
    name: 'restarts the count when a bar goes back to the reported regime',
    stabilityBars: 2,
    minConfidence: 0.6,
    bars: [calm, calm, panic, calm, panic, calm],
    want: [null, 'calm', 'calm', 'calm', 'calm', 'calm'],
  },
  {
    name: 'with stabilityBars 1, follows every confident argmax',
    stabilityBars: 1,
    minConfidence: 0.6,
    bars: [calm, panic, unsurePanic, calm],
    want: ['calm', 'panic', 'panic', 'calm'],
  },
];

describe('createRegimeFilter', () => {
  it.each(cases)('$name', ({ stabilityBars, minConfidence, bars, want }) => {
    const filter = createRegimeFilter<RegimeLabel>({ stabilityBars, minConfidence });
    const reports = bars.map((bar, t) => filter.update(probabilities(bar), t));
    expect(reports.map((r) => r.label)).toEqual(want);
    // changed is true exactly where the label differs from the bar before, and since moves then.
    reports.forEach((report, t) => {
      const before = t === 0 ? null : want[t - 1];
      expect(report.changed).toBe(report.label !== before);
      if (report.changed) expect(report.since).toBe(t);
      else expect(report.since).toBe(t === 0 ? null : reports[t - 1]!.since);
    });
  });

  it('reports the current bar probability of the reported regime as its confidence', () => {
    const filter = createRegimeFilter<RegimeLabel>({ stabilityBars: 2, minConfidence: 0.5 });
    filter.update(probabilities(calm), 100);
    const confirmed = filter.update(probabilities(calm), 160);
    expect(confirmed).toEqual<RegimeReport<RegimeLabel>>({
      label: 'calm',
      confidence: 0.9,
      since: 160,
      changed: true,
    });
    const challenged = filter.update(probabilities(panic), 220);
    expect(challenged.label).toBe('calm');
    expect(challenged.confidence).toBeCloseTo(0.1 / 3, 12);
    expect(challenged.changed).toBe(false);
    expect(filter.current()).toEqual(challenged);
  });

  it('accepts any label set and a partial distribution', () => {
    const filter = createRegimeFilter<'up' | 'down'>({ stabilityBars: 1, minConfidence: 0.5 });
    expect(filter.update({ down: 0.8 }, 0)).toMatchObject({ label: 'down', confidence: 0.8 });
    expect(filter.update({ up: 0.7, down: 0.3 }, 1)).toMatchObject({ label: 'up', changed: true });
  });

  it('rejects settings that cannot work', () => {
    expect(() => createRegimeFilter({ stabilityBars: 0, minConfidence: 0.5 })).toThrow(
      /stabilityBars must be an integer ≥ 1/,
    );
    expect(() => createRegimeFilter({ stabilityBars: 2, minConfidence: 1.5 })).toThrow(
      /minConfidence must be in \[0, 1\]/,
    );
  });
});
