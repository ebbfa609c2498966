#!/usr/bin/env bash
# The README's test command (and CI's): install what is missing, build, run every test suite.
# Test cases that read the real data sets skip (CTest reports them as skipped) only where the data
# folder is absent; where it exists (as in CI) every one of its files must be there, so a skip there,
# a partial folder included, is a failure (tests/test_support.hpp: AELAB_REQUIRE_SHARED_DATA).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
data_dir="${AELAB_SHARED_DATA:-$(pwd)/../shared/data}"
if [ -d "$data_dir" ]; then
  export AELAB_REQUIRE_SHARED_DATA=1
  echo "test.sh: $data_dir exists: data tests must run, none may skip"
else
  unset AELAB_REQUIRE_SHARED_DATA
  echo "test.sh: $data_dir is absent: data tests are reported as skipped"
fi
sanitized_in_ci="test_loaders test_npz test_ngcf_text test_vae_cf test_given_split test_config test_input_hardening test_fuzz_regressions"
cd build
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
ctest --output-on-failure -j2 | tee "$log" || status=$?
if [ -n "${AELAB_REQUIRE_SHARED_DATA:-}" ] && grep -q '\*\*\*Skipped\|(Skipped)' "$log"; then
  echo "test.sh: tests were skipped although $data_dir exists" >&2
  status=1
fi
# The readers and the config suites again under AddressSanitizer and UBSan. The whole suite under the
# sanitizers does not fit CI's time (docs/FUZZING.md has the measurement): `scripts/sanitize.sh` runs it.
SANITIZE_TESTS="$sanitized_in_ci" ../scripts/sanitize.sh || status=1
exit "$status"
