import { describe, expect, it } from 'vitest';
import { fitGaussianHmm, viterbi } from './gaussian-hmm.ts';
import { initHmmParams } from './hmm-init.ts';
import type { HmmParams } from './hmm-params.ts';
import {
  labelStates,
  labelsByRank,
  regimeProbabilities,
  volatilityRanks,
  type RegimeLabel,
} from './regime-labels.ts';
import { generateRegimeSeries } from './testing/synthetic-series.ts';

/** The same model with its states reordered: new state k is old state perm[k]. */
function permute(params: HmmParams, perm: number[]): HmmParams {
  const base = {
    startProb: perm.map((i) => params.startProb[i]!),
    transmat: perm.map((i) => perm.map((j) => params.transmat[i]![j]!)),
    means: perm.map((i) => params.means[i]!),
  };
  return params.covariance === 'diag'
    ? { ...base, covariance: 'diag', covars: perm.map((i) => params.covars[i]!) }
    : { ...base, covariance: 'full', covars: perm.map((i) => params.covars[i]!) };
}

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

const uniform = (n: number) => ({
  startProb: new Array<number>(n).fill(1 / n),
  transmat: Array.from({ length: n }, () => new Array<number>(n).fill(1 / n)),
});

const fourStates: HmmParams = {
  ...uniform(4),
  covariance: 'diag',
  means: [
    [0.001, 5],
    [-0.002, 1],
    [0, 2],
    [0.0005, 9],
  ],
  covars: [
    [4, 0.1],
    [0.5, 3],
    [9, 1],
    [1, 0.2],
  ],
};

describe('labelsByRank', () => {
  it.each([
    [1, ['calm']],
    [2, ['calm', 'panic']],
    [3, ['calm', 'choppy', 'panic']],
    [4, ['calm', 'choppy', 'volatile', 'panic']],
    [5, ['calm', 'choppy', 'choppy', 'volatile', 'panic']],
    [6, ['calm', 'choppy', 'choppy', 'choppy', 'volatile', 'panic']],
  ] as [number, RegimeLabel[]][])('%i states: %j', (states, want) => {
    expect(labelsByRank(states)).toEqual(want);
  });
});

describe('labelStates', () => {
  it('orders states by the variance of the returns feature (0) by default', () => {
    expect(volatilityRanks(fourStates)).toEqual([2, 0, 3, 1]);
    expect(labelStates(fourStates)).toEqual(['volatile', 'calm', 'panic', 'choppy']);
  });

  it('orders by another feature when asked', () => {
    expect(labelStates(fourStates, { feature: 1 })).toEqual([
      'calm',
      'panic',
      'volatile',
      'choppy',
    ]);
    expect(() => labelStates(fourStates, { feature: 2 })).toThrow(/feature must be in 0\.\.1/);
  });

  it('reads the diagonal of full covariance matrices', () => {
    const full: HmmParams = {
      ...uniform(2),
      covariance: 'full',
      means: [[0], [0]],
      covars: [[[2]], [[0.5]]],
    };
    expect(labelStates(full)).toEqual(['panic', 'calm']);
  });

  it('follows the states under every permutation, so labels survive any EM ordering', () => {
    const labels = labelStates(fourStates);
    const posterior = [0.1, 0.2, 0.3, 0.4];
    const regimes = regimeProbabilities(posterior, labels);
    for (const perm of permutations([0, 1, 2, 3])) {
      const permutedLabels = labelStates(permute(fourStates, perm));
      expect(permutedLabels).toEqual(perm.map((i) => labels[i]));
      const permutedPosterior = perm.map((i) => posterior[i]!);
      expect(regimeProbabilities(permutedPosterior, permutedLabels)).toEqual(regimes);
    }
  });

  it('labels refits from differently ordered starts the same way', () => {
    const { observations, states: truth } = generateRegimeSeries({
      seed: 21,
      length: 1500,
      transmat: [
        [0.98, 0.015, 0.005],
        [0.015, 0.97, 0.015],
        [0.005, 0.015, 0.98],
      ],
      regimes: [
        { mean: [0.05], covariance: [[0.1]] },
        { mean: [0], covariance: [[1]] },
        { mean: [-0.3], covariance: [[10]] },
      ],
    });
    // EM is equivariant under relabelling: a permuted start gives the permuted fit.
    const init = initHmmParams(observations, {
      states: 3,
      covariance: 'diag',
      seed: 1,
      minCovar: 1e-3,
    });
    const first = fitGaussianHmm(observations, { states: 3, covariance: 'diag', init });
    const second = fitGaussianHmm(observations, {
      states: 3,
      covariance: 'diag',
      init: permute(init, [2, 0, 1]),
    });
    expect(labelStates(second.params)).toEqual([2, 0, 1].map((i) => labelStates(first.params)[i]));
    // Label each bar by its Viterbi state's label: both fits must tell the same story.
    const story = (params: HmmParams) => {
      const labels = labelStates(params);
      return viterbi(params, observations).path.map((state) => labels[state]!);
    };
    expect(story(second.params)).toEqual(story(first.params));
    // And the generating regimes come out as calm, choppy and panic.
    const calls = story(first.params);
    const share = (regime: number, label: RegimeLabel) => {
      const bars = truth.flatMap((s, t) => (s === regime ? [calls[t]] : []));
      return bars.filter((l) => l === label).length / bars.length;
    };
    expect(share(0, 'calm')).toBeGreaterThan(0.9);
    expect(share(1, 'choppy')).toBeGreaterThan(0.9);
    expect(share(2, 'panic')).toBeGreaterThan(0.9);
  });
});

describe('regimeProbabilities', () => {
  it('sums the posterior of states that share a label', () => {
    const labels = labelsByRank(5);
    expect(regimeProbabilities([0.1, 0.2, 0.3, 0.15, 0.25], labels)).toEqual({
      calm: 0.1,
      choppy: 0.5,
      volatile: 0.15,
      panic: 0.25,
    });
    expect(() => regimeProbabilities([1], labels)).toThrow(/differ in length/);
  });
});
