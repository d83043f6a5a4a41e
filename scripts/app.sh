#!/usr/bin/env bash
# Set up (first run only) and launch the app on the shipped checkpoints: `bash scripts/app.sh [streamlit options]`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m explorer.ui.shell.serve "$@"   # streamlit run streamlit_app.py, heavy imports done first
