#!/usr/bin/env bash
# Builds aelab and the test suite with -fsanitize=address,undefined into build-sanitize/ and runs it:
#   scripts/sanitize.sh [ctest options]                 # every test binary
#   SANITIZE_TESTS="test_a test_b" scripts/sanitize.sh  # only these binaries (what CI runs)
# CXX picks the compiler (default: the system c++, GCC here). Any sanitizer report fails the test that
# triggered it (-fno-sanitize-recover=all, halt_on_error). Prints the wall time of the build and of the
# tests (docs/FUZZING.md quotes them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-sanitize"
jobs="${JOBS:-2}"
start=$(date +%s)
# -O1, as the sanitizers' documentation advises: about half the compile time of -O2 -g here, and the
# suite's heavy work is in BLAS, which is not instrumented either way.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1 -DAELAB_SANITIZE=ON >/dev/null
selected=()
if [ -n "${SANITIZE_TESTS:-}" ]; then
  read -r -a binaries <<<"$SANITIZE_TESTS"
  cmake --build "$build" -j "$jobs" --target aelab "${binaries[@]}"
  # Each binary's own CTest tests: <binary> and <binary>_shared_data.
  pattern="^($(IFS='|'; echo "${binaries[*]}"))(_shared_data)?\$"
  selected=(-R "$pattern")
else
  cmake --build "$build" -j "$jobs"
fi
built=$(date +%s)
# OpenBLAS and libgomp keep their thread pools until exit: not leaks of aelab's.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0}"
# Open MPI's allocations are suppressed by library and plugin name (lsan.supp); keeping its plugins
# loaded and unwinding slowly but fully lets the suppressions see those names.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0}"
export OMPI_MCA_mca_base_component_disable_dlclose=1
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
(cd "$build" && ctest -j "$jobs" --output-on-failure "${selected[@]}" "$@") || status=$?
finished=$(date +%s)
echo "sanitize.sh: build $((built - start)) s, tests $((finished - built)) s, total $((finished - start)) s (exit $status)"
exit $status
