// The HMM core against hmmlearn on the same machine, same data, same start, same iterations:
// a 4-state diagonal fit on 2,000 bars × 5 features, and one forward-filter step.
// Run: npm run bench:hmm (needs bash bot-image/scripts/ensure-hmmlearn.sh).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForwardFilter, fitGaussianHmm, type HmmParams } from '@hmmtrade/bot-image';
import { loadHmmlearnConfig } from '../bot-image/src/trader/hmm/testing/config.ts';

// hmmlearn's fit on the same start (init_params=''), fixed iterations (tol=0), median of 7.
const PYTHON = `
import json, sys, time
import numpy as np
from hmmlearn import hmm
case = json.load(open(sys.argv[1]))
X = np.array(case['data'])
init = case['init']
def fit():
    m = hmm.GaussianHMM(n_components=len(init['startProb']), covariance_type='diag', n_iter=case['iterations'], tol=0, init_params='', params='stmc')
    m.startprob_ = np.array(init['startProb']); m.transmat_ = np.array(init['transmat'])
    m.means_ = np.array(init['means']); m.covars_ = np.array(init['covars'])
    m.fit(X)
    return m
fit()
times = []
for _ in range(7):
    t = time.perf_counter(); m = fit(); times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({'medianMs': times[len(times)//2], 'logLikelihood': m.score(X), 'iterations': len(m.monitor_.history)}))
`;

const BARS = 2_000;
const DIMS = 5;
const STATES = 4;
const ITERATIONS = 20;

let seed = 42;
const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const gaussian = () =>
  Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
const regimes = [0.5, 1, 2, 4];
let regime = 0;
const data: number[][] = [];
for (let t = 0; t < BARS; t++) {
  if (random() < 0.02) regime = Math.floor(random() * STATES);
  data.push(
    Array.from({ length: DIMS }, (_, d) => gaussian() * regimes[regime]! + d * 0.1 * regime),
  );
}
const init: HmmParams = {
  covariance: 'diag',
  startProb: Array.from({ length: STATES }, () => 1 / STATES),
  transmat: Array.from({ length: STATES }, (_, i) =>
    Array.from({ length: STATES }, (_, j) => (i === j ? 0.9 : 0.1 / (STATES - 1))),
  ),
  means: Array.from({ length: STATES }, (_, i) =>
    Array.from({ length: DIMS }, () => i * 0.5 - 0.75),
  ),
  covars: Array.from({ length: STATES }, (_, i) => Array.from({ length: DIMS }, () => 0.5 + i)),
};

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fitTimes: number[] = [];
let fitted = fitGaussianHmm(data, {
  states: STATES,
  covariance: 'diag',
  init,
  maxIterations: ITERATIONS,
  tolerance: 0,
});
for (let run = 0; run < 7; run++) {
  const started = performance.now();
  fitted = fitGaussianHmm(data, {
    states: STATES,
    covariance: 'diag',
    init,
    maxIterations: ITERATIONS,
    tolerance: 0,
  });
  fitTimes.push(performance.now() - started);
}
const filter = createForwardFilter(fitted.params);
const STEPS = 200_000;
const stepStart = performance.now();
for (let i = 0; i < STEPS; i++) filter.step(data[i % BARS]!);
const stepMicros = ((performance.now() - stepStart) * 1000) / STEPS;

const dir = mkdtempSync(join(tmpdir(), 'hmm-bench-'));
writeFileSync(join(dir, 'case.json'), JSON.stringify({ data, init, iterations: ITERATIONS }));
const python = spawnSync(loadHmmlearnConfig().python, ['-c', PYTHON, join(dir, 'case.json')], {
  encoding: 'utf8',
});
rmSync(dir, { recursive: true, force: true });
if (python.status !== 0)
  throw new Error(
    `hmmlearn run failed (bash bot-image/scripts/ensure-hmmlearn.sh): ${python.stderr}`,
  );
const reference = JSON.parse(python.stdout) as {
  medianMs: number;
  logLikelihood: number;
  iterations: number;
};

const ours = median(fitTimes);
console.log(
  `fit ${STATES} states, ${BARS} bars × ${DIMS} features, ${ITERATIONS} EM iterations (diag): median ${ours.toFixed(1)} ms (goal ≤ 50 ms)`,
);
const oursPerIteration = ours / fitted.iterations;
const theirsPerIteration = reference.medianMs / reference.iterations;
console.log(
  `hmmlearn: ${reference.iterations} iterations on the same data and start (it stops once the gain is ≤ tol = 0): median ${reference.medianMs.toFixed(1)} ms`,
);
console.log(
  `per EM iteration: ours ${oursPerIteration.toFixed(2)} ms, hmmlearn ${theirsPerIteration.toFixed(2)} ms → ours/hmmlearn ${(oursPerIteration / theirsPerIteration).toFixed(2)}`,
);
console.log(
  `log-likelihood: ours ${fitted.logLikelihood.toFixed(6)}, hmmlearn ${reference.logLikelihood.toFixed(6)}`,
);
console.log(`forward-filter step: ${stepMicros.toFixed(2)} µs (goal ≤ 20 µs)`);
