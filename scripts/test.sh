#!/usr/bin/env bash
# The README's test command (and CI's): install what is missing, build, run every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j2
