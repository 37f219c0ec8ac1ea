#!/usr/bin/env bash
# A venv with schemathesis (PyPI), outside the repo, created only when missing; prints its `st`.
set -euo pipefail
VERSION=4.32.5
VENV="${HMMTRADE_CACHE_DIR:-$HOME/.cache/hmmtrade}/venv-schemathesis-$VERSION"
if [ ! -x "$VENV/bin/st" ]; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
fi
echo "$VENV/bin/st"
