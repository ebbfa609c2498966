#pragma once
// Benchmark suites of `aelab bench SUITE [options]` (and the `bench` build target, which runs them
// all at their default sizes). Each suite prints its figures, the machine and the command line, so
// that docs/BENCHMARKS.md can quote them verbatim. Benchmarks are never unit tests.
#include <string>
#include <vector>

namespace aelab::bench {

using Arguments = std::vector<std::string>;

struct Suite {
  const char* name;
  int (*run)(const Arguments& args);
  const char* summary;
};

const std::vector<Suite>& suites();

// `relative` under the shared data folder: $AELAB_SHARED_DATA when set, else the build's
// AELAB_SHARED_DATA_DIR (../shared/data next to the repository).
std::string shared_data_file(const std::string& relative);

// One line describing the machine: CPU model, cores, memory, BLAS build and threads.
std::string machine_description();

}  // namespace aelab::bench
