/**
 * Parity with hmmlearn (the pinned version in bot-image/scripts/ensure-hmmlearn.sh) on the same
 * seeded data and the same initial parameters (hmmlearn with init_params=''):
 *   (a) score, frame log-likelihoods and BIC of given parameters;
 *   (b) Baum-Welch from the same start: per-iteration log-likelihoods, iteration count, final
 *       score and fitted parameters (states matched by means; the order is the same in practice);
 *   (c) filtered posteriors P(state_t | x_0..x_t) against hmmlearn's own forward lattice
 *       (_hmmc.forward_log normalised per row; predict_proba is smoothed and is compared to
 *       smoothPosteriors), and the Viterbi path.
 * Measured on hmmlearn 0.3.3 / numpy 2.4.6: every difference is below 1e-11 (relative for
 * likelihoods and covariances, absolute for probabilities and means); the bounds below leave
 * two to three orders of magnitude for other CPUs and BLAS builds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  filterPosteriors,
  fitGaussianHmm,
  HMM_DEFAULTS,
  scoreHmm,
  smoothPosteriors,
  viterbi,
} from './gaussian-hmm.ts';
import { fromRows, toRows } from './dense-matrix.ts';
import { frameLogLikelihoods } from './gaussian-emissions.ts';
import { initHmmParams } from './hmm-init.ts';
import { bicScore, freeParameterCount } from './model-selection.ts';
import { loadHmmlearnConfig } from './testing/config.ts';
import {
  PINNED_HMMLEARN_VERSION,
  runHmmlearnReference,
  type ReferenceCase,
  type ReferenceResponse,
} from './testing/hmmlearn-reference.ts';
import { generateRegimeSeries } from './testing/synthetic-series.ts';

const LIKELIHOOD_RELATIVE = 1e-9;
const PROBABILITY_ABSOLUTE = 1e-9;
const PARAMETER_ABSOLUTE = 1e-8;
const COVARIANCE_RELATIVE = 1e-8;

const threeRegimes = generateRegimeSeries({
  seed: 7,
  length: 800,
  transmat: [
    [0.95, 0.04, 0.01],
    [0.05, 0.9, 0.05],
    [0.02, 0.08, 0.9],
  ],
  regimes: [
    {
      mean: [0.05, -0.5],
      covariance: [
        [0.2, 0.05],
        [0.05, 0.3],
      ],
    },
    {
      mean: [0, 0.3],
      covariance: [
        [1, 0.4],
        [0.4, 0.8],
      ],
    },
    {
      mean: [-0.4, 1.5],
      covariance: [
        [4, -1],
        [-1, 2],
      ],
    },
  ],
});
const twoRegimes = generateRegimeSeries({
  seed: 11,
  length: 500,
  transmat: [
    [0.97, 0.03],
    [0.06, 0.94],
  ],
  regimes: [
    { mean: [0.1], covariance: [[0.5]] },
    { mean: [-0.3], covariance: [[3]] },
  ],
});

function referenceCase(
  name: string,
  observations: number[][],
  states: number,
  covariance: 'diag' | 'full',
  maxIterations = 500,
): ReferenceCase {
  const { minCovar, covarsPrior } = HMM_DEFAULTS;
  const init = initHmmParams(observations, { states, covariance, seed: 3, minCovar });
  return { name, observations, init, maxIterations, tolerance: 1e-6, minCovar, covarsPrior };
}

const CASES: ReferenceCase[] = [
  referenceCase('2-D, 3 regimes, diag', threeRegimes.observations, 3, 'diag'),
  referenceCase('2-D, 3 regimes, full', threeRegimes.observations, 3, 'full'),
  referenceCase('1-D, 2 regimes, diag', twoRegimes.observations, 2, 'diag'),
  referenceCase('1-D, 2 regimes, full', twoRegimes.observations, 2, 'full'),
  referenceCase(
    '2-D, 3 regimes, full, capped at 10 iterations',
    threeRegimes.observations,
    3,
    'full',
    10,
  ),
];

let reference: ReferenceResponse;

beforeAll(async () => {
  reference = await runHmmlearnReference(loadHmmlearnConfig().python, CASES);
}, 120_000);

const flat = (value: unknown): number[] =>
  Array.isArray(value) ? value.flatMap(flat) : [value as number];

function expectClose(actual: unknown, expected: unknown, tolerance: number, relative = false) {
  const a = flat(actual);
  const e = flat(expected);
  expect(a).toHaveLength(e.length);
  const worst = Math.max(
    0,
    ...a.map((v, i) => Math.abs(v - e[i]!) / (relative ? Math.max(Math.abs(e[i]!), 1e-300) : 1)),
  );
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/** permutation[k] = the reference state matching our state k (nearest means, brute force). */
function matchStatesByMeans(ours: number[][], theirs: number[][]): number[] {
  const permutations = (items: number[]): number[][] =>
    items.length <= 1
      ? [items]
      : items.flatMap((item, i) =>
          permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [
            item,
            ...rest,
          ]),
        );
  const cost = (perm: number[]) =>
    perm.reduce(
      (sum, j, k) => sum + ours[k]!.reduce((s, v, f) => s + (v - theirs[j]![f]!) ** 2, 0),
      0,
    );
  return permutations(ours.map((_, k) => k)).reduce((best, perm) =>
    cost(perm) < cost(best) ? perm : best,
  );
}

it(`runs against hmmlearn ${PINNED_HMMLEARN_VERSION}`, () => {
  expect(reference.versions.hmmlearn, 'run bash bot-image/scripts/ensure-hmmlearn.sh').toBe(
    PINNED_HMMLEARN_VERSION,
  );
});

describe.each(CASES.map((c, index) => ({ ...c, index })))('$name', (c) => {
  const result = () => reference.cases[c.index]!;

  it('(a) scores the given parameters like hmmlearn score(), frame likelihoods and bic()', () => {
    expectClose(scoreHmm(c.init, c.observations), result().score, LIKELIHOOD_RELATIVE, true);
    expectClose(
      toRows(frameLogLikelihoods(c.init, fromRows(c.observations))),
      result().frameLogLikelihood,
      LIKELIHOOD_RELATIVE,
      true,
    );
    const dims = c.observations[0]!.length;
    const parameters = freeParameterCount(c.init.startProb.length, dims, c.init.covariance);
    const bic = bicScore(scoreHmm(c.init, c.observations), parameters, c.observations.length);
    expectClose(bic, result().bic, LIKELIHOOD_RELATIVE, true);
  });

  it('(b) fits like hmmlearn from the same start: history, iterations, parameters', () => {
    const fit = fitGaussianHmm(c.observations, {
      states: c.init.startProb.length,
      covariance: c.init.covariance,
      init: c.init,
      maxIterations: c.maxIterations,
      tolerance: c.tolerance,
    });
    const theirs = result().fit;
    expect(fit.iterations).toBe(theirs.iterations);
    expect(fit.converged).toBe(theirs.iterations < c.maxIterations);
    expectClose(fit.history, theirs.history, LIKELIHOOD_RELATIVE, true);
    expectClose(fit.logLikelihood, theirs.score, LIKELIHOOD_RELATIVE, true);

    const perm = matchStatesByMeans(fit.params.means, theirs.means);
    expectClose(
      fit.params.means,
      perm.map((j) => theirs.means[j]),
      PARAMETER_ABSOLUTE,
    );
    expectClose(
      fit.params.startProb,
      perm.map((j) => theirs.startProb[j]),
      PARAMETER_ABSOLUTE,
    );
    expectClose(
      fit.params.transmat,
      perm.map((i) => perm.map((j) => theirs.transmat[i]![j])),
      PARAMETER_ABSOLUTE,
    );
    expectClose(
      fit.params.covars,
      perm.map((j) => theirs.covars[j]),
      COVARIANCE_RELATIVE,
      true,
    );
    expectClose(
      filterPosteriors(fit.params, c.observations),
      theirs.filtered.map((row) => perm.map((j) => row[j])),
      PROBABILITY_ABSOLUTE,
    );
  });

  it('(c) filters like hmmlearn forward_log, smooths like predict_proba, decodes like viterbi', () => {
    expectClose(filterPosteriors(c.init, c.observations), result().filtered, PROBABILITY_ABSOLUTE);
    expectClose(smoothPosteriors(c.init, c.observations), result().smoothed, PROBABILITY_ABSOLUTE);
    const decoded = viterbi(c.init, c.observations);
    expect(decoded.path).toEqual(result().viterbi.path);
    expectClose(decoded.logProbability, result().viterbi.logProbability, LIKELIHOOD_RELATIVE, true);
  });
});
