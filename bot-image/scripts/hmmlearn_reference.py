#!/usr/bin/env python3
"""Reference numbers from hmmlearn for bot-image/src/trader/hmm/hmmlearn-parity.test.ts.

Usage: hmmlearn_reference.py INPUT.json OUTPUT.json

INPUT:  {"cases": [{"name", "covariance": "diag"|"full", "observations": T x d,
                    "init": {"startProb", "transmat", "means", "covars"},
                    "maxIterations", "tolerance", "minCovar", "covarsPrior"}]}
OUTPUT: {"versions": {...}, "cases": [{"name", "score", "bic", "frameLogLikelihood",
          "filtered", "smoothed", "viterbi": {"logProbability", "path"},
          "fit": {"startProb", "transmat", "means", "covars", "history", "iterations",
                  "score", "filtered"}}]}

Every quantity comes from a GaussianHMM built on the given parameters (init_params='' so
hmmlearn initialises nothing). Filtered posteriors P(state_t | x_0..x_t) are not an hmmlearn
API (predict_proba is smoothed): they are hmmlearn's own forward lattice (_hmmc.forward_log
over _compute_log_likelihood), each row normalised with logsumexp.
"""

import json
import platform
import sys

import numpy as np
import scipy
import sklearn
from scipy.special import logsumexp

import hmmlearn
from hmmlearn import _hmmc
from hmmlearn.hmm import GaussianHMM


def build(case, params):
    model = GaussianHMM(
        n_components=len(params["startProb"]),
        covariance_type=case["covariance"],
        min_covar=case["minCovar"],
        covars_prior=case["covarsPrior"],
        n_iter=case["maxIterations"],
        tol=case["tolerance"],
        init_params="",
        params="stmc",
        implementation="log",
    )
    model.n_features = len(params["means"][0])
    model.startprob_ = np.array(params["startProb"], dtype=float)
    model.transmat_ = np.array(params["transmat"], dtype=float)
    model.means_ = np.array(params["means"], dtype=float)
    model.covars_ = np.array(params["covars"], dtype=float)
    return model


def filtered(model, X):
    log_frame = model._compute_log_likelihood(X)
    _, fwd = _hmmc.forward_log(model.startprob_, model.transmat_, log_frame)
    return np.exp(fwd - logsumexp(fwd, axis=1, keepdims=True))


def run_case(case):
    X = np.array(case["observations"], dtype=float)
    model = build(case, case["init"])
    log_prob, path = model.decode(X, algorithm="viterbi")
    result = {
        "name": case["name"],
        "score": float(model.score(X)),
        "bic": float(model.bic(X)),
        "frameLogLikelihood": model._compute_log_likelihood(X).tolist(),
        "filtered": filtered(model, X).tolist(),
        "smoothed": model.predict_proba(X).tolist(),
        "viterbi": {"logProbability": float(log_prob), "path": path.tolist()},
    }
    fitted = build(case, case["init"])
    fitted.fit(X)
    result["fit"] = {
        "startProb": fitted.startprob_.tolist(),
        "transmat": fitted.transmat_.tolist(),
        "means": fitted.means_.tolist(),
        # _covars_ keeps the native shape: (n, d) for diag, (n, d, d) for full.
        "covars": fitted._covars_.tolist(),
        "history": [float(v) for v in fitted.monitor_.history],
        "iterations": int(fitted.monitor_.iter),
        "score": float(fitted.score(X)),
        "filtered": filtered(fitted, X).tolist(),
    }
    return result


def main():
    if len(sys.argv) != 3:
        print("usage: hmmlearn_reference.py INPUT.json OUTPUT.json", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as handle:
        request = json.load(handle)
    response = {
        "versions": {
            "python": platform.python_version(),
            "hmmlearn": hmmlearn.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "sklearn": sklearn.__version__,
        },
        "cases": [run_case(case) for case in request["cases"]],
    }
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(response, handle, allow_nan=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
