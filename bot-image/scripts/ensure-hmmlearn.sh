#!/usr/bin/env bash
# Creates (only if missing or wrong) the Python venv the hmmlearn parity test runs against, outside
# the repository, and prints the path of its python on stdout. Progress goes to stderr.
#
#   venv:   ${HMMTRADE_CACHE_DIR:-$HOME/.cache/hmmtrade}/venv-hmmlearn
#   python: $PYTHON (default python3), used only to create the venv
#
# The test finds the interpreter through HMMLEARN_PYTHON (default: the venv above), see
# bot-image/src/trader/hmm/testing/config.ts. Versions are pinned exactly: the parity tolerances
# were measured against them.
set -euo pipefail

cache_dir="${HMMTRADE_CACHE_DIR:-$HOME/.cache/hmmtrade}"
venv="$cache_dir/venv-hmmlearn"
python_bin="$venv/bin/python"
base_python="${PYTHON:-python3}"

pins=(
  hmmlearn==0.3.3
  numpy==2.4.6
  scipy==1.17.1
  scikit-learn==1.9.1
  joblib==1.6.0
  threadpoolctl==3.8.0
  narwhals==2.29.0
  cloudpickle==3.1.3
)

check_venv() {
  [[ -x "$python_bin" ]] || return 1
  "$python_bin" - <<'PY' >/dev/null 2>&1
import hmmlearn, numpy, scipy, sklearn
assert hmmlearn.__version__ == "0.3.3", hmmlearn.__version__
assert numpy.__version__ == "2.4.6", numpy.__version__
assert scipy.__version__ == "1.17.1", scipy.__version__
assert sklearn.__version__ == "1.9.1", sklearn.__version__
PY
}

if ! check_venv; then
  if ! command -v "$base_python" >/dev/null 2>&1; then
    echo "ensure-hmmlearn: $base_python not found; install Python 3.11+ (apt-get install python3 python3-venv)" >&2
    exit 1
  fi
  echo "ensure-hmmlearn: creating $venv" >&2
  mkdir -p "$cache_dir"
  if ! "$base_python" -m venv --clear "$venv" >&2; then
    echo "ensure-hmmlearn: '$base_python -m venv' failed; on Debian: apt-get install -y python3-venv" >&2
    exit 1
  fi
  "$python_bin" -m pip install --quiet --disable-pip-version-check "${pins[@]}" >&2
  if ! check_venv; then
    echo "ensure-hmmlearn: $venv does not import the pinned hmmlearn/numpy/scipy/scikit-learn" >&2
    exit 1
  fi
fi

echo "$python_bin"
