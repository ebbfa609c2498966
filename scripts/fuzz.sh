#!/usr/bin/env bash
# Runs one libFuzzer harness of tests/fuzz for SECONDS: scripts/fuzz.sh TARGET SECONDS [libFuzzer options]
#   TARGET: config, point, vae_cf, citeulike, movielens, lastfm, npz, ngcf_text (or all: each in turn)
# Builds build-fuzz/ with clang++ -fsanitize=fuzzer,address,undefined (cmake -DAELAB_FUZZ=ON) when
# needed. The growing corpus is build-fuzz/corpus/TARGET, seeded from tests/fuzz/corpus/TARGET and
# tests/fixtures; crashing inputs land in build-fuzz/artifacts/TARGET/ (commit them to
# tests/fuzz/regressions/TARGET/ with the fix; docs/FUZZING.md). The last lines of the log are the
# figures docs/FUZZING.md quotes (#runs, cov, ft). A crash stops the run (libFuzzer's default).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer options]}"
seconds="${2:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer options]}"
shift 2
targets=(config point vae_cf citeulike movielens lastfm npz ngcf_text)
if [[ "$target" == all ]]; then
  for t in "${targets[@]}"; do "$0" "$t" "$seconds" "$@"; done
  exit 0
fi
[[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz.sh: unknown target $target (expected one of: ${targets[*]} all)" >&2; exit 2; }

build="$root/build-fuzz"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  CXX="${FUZZ_CXX:-clang++-14}" cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DAELAB_FUZZ=ON \
    -DAELAB_BUILD_TESTS=OFF -DAELAB_BUILD_EXAMPLES=OFF >/dev/null
fi
# FUZZ_NO_BUILD=1: run the binaries as built (several fuzz.sh at once while the tree is edited).
[[ -n "${FUZZ_NO_BUILD:-}" ]] || cmake --build "$build" --target "fuzz_$target" -j "${JOBS:-2}" >/dev/null

seeds=("$root/tests/fuzz/corpus/$target")
case "$target" in
  npz) seeds+=("$root/tests/fixtures/npz" "$root/tests/fixtures/ngcf-small") ;;
  ngcf_text) seeds+=("$root/tests/fixtures/ngcf-small") ;;
esac
[[ -d "$root/tests/fuzz/regressions/$target" ]] && seeds+=("$root/tests/fuzz/regressions/$target")
corpus="$build/corpus/$target"
artifacts="$build/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
existing=()
for s in "${seeds[@]}"; do [[ -d "$s" ]] && existing+=("$s"); done
# Readers refuse huge inputs by their memory guard; 2 GB keeps a refusal from looking like a leak.
exec "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
  -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" "$corpus" "${existing[@]}"
