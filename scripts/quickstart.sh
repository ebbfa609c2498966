#!/usr/bin/env bash
# The README's main command: install what is missing, build, run the quickstart experiment on the
# embedded synthetic data. Results land in results/quickstart/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/aelab run configs/quickstart.json "$@"
