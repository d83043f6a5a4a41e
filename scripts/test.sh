#!/usr/bin/env bash
# Set up (first run only) and run every test, browser tests included: `bash scripts/test.sh [pytest options]`.
# The live widgets' browser modules have tests of their own in Node's built-in runner (tests/js/), run first when
# `node` is installed (Debian: apt-get install nodejs). pytest runs on two workers (pytest-xdist) that take tests
# one by one (a browser test file's server starts once per worker that runs it): `-n 0` runs in one process,
# `-m "not browser"` leaves out the tests that drive a real browser (docs/architecture.md, "Tests").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
if command -v node >/dev/null; then
  node --test tests/js/*.test.mjs
else
  echo "node not found: skipping the browser modules' tests (tests/js/)" >&2
fi
exec .venv/bin/python -m pytest -q -n "${TEST_WORKERS:-2}" --dist load "$@"
