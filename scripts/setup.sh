#!/usr/bin/env bash
# Set up the project's virtual environment in .venv: `bash scripts/setup.sh` (app) or `bash scripts/setup.sh --dev`
# (app + tests: pytest, Playwright and Debian's Chromium for the browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
[ "${1:-}" = "--dev" ] && dev=true

if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
pip() { .venv/bin/python -m pip --disable-pip-version-check -q "$@"; }

# torch first, pinned: a loose spec would pull a multi-GB CUDA build where a CPU wheel is what this machine has.
# On a machine with a GPU, install the torch build you want before running this script; it is kept.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  pip install "torch==${TORCH_VERSION:-2.13.0}"
fi
# constraints.txt: the exact versions the tests last passed with, made on one Python version (its second line).
py=$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
pinned=()
if grep -q "^# python $py " constraints.txt; then
  pinned=(-c constraints.txt)
else
  echo "setup.sh: constraints.txt was made on another Python than $py; installing from the lower bounds alone" >&2
fi
if $dev; then
  pip install "${pinned[@]}" -r requirements-dev.txt
else
  pip install "${pinned[@]}" -r requirements.txt
fi
pip install --no-deps -e .

# Fill numba's on-disk cache for umap-learn once (~30 s on a fresh machine), so that the app's first custom UMAP
# in any later server process loads compiled code instead of compiling it.
if [ ! -f .venv/.umap-warm ]; then
  .venv/bin/python -m explorer.projection --warm-up >/dev/null && touch .venv/.umap-warm
fi

if $dev && [ ! -x /usr/bin/chromium ]; then
  # The browser tests drive Debian's Chromium through Playwright (Playwright's own browser download is not used).
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

if $dev && [ ! -d /usr/share/datasets/fashion-mnist ]; then
  # Train it yourself's tests train on Fashion-MNIST's training split (Debian's dataset-fashion-mnist); the app's
  # other tests run on the shipped evaluation samples.
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi
