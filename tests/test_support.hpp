#pragma once
// Helpers shared by the test suites.
#include <optional>
#include <string>
#include <vector>

#include <armadillo>

#include "core/data/binary_csr.hpp"
#include "core/data/vae_cf.hpp"

namespace aelab::test {

// A fresh empty folder under the build tree's tmp/, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};
// Runs the built aelab binary with `args` (each passed as one argument, no shell interpretation).
CliResult run_aelab(const std::vector<std::string>& args);

// Path of a file under ../shared/data (the real data sets; $AELAB_SHARED_DATA overrides the folder),
// or nullopt when it is absent. Test cases that need such a file are declared with
// SHARED_DATA_TEST_CASE and get it with SHARED_DATA_OR_SKIP (below).
std::optional<std::string> shared_data(const std::string& relative);

// The doctest suite of the data-dependent test cases. CTest runs it as a test of its own,
// <binary>_shared_data (tests/CMakeLists.txt), and the other cases as <binary>, so a missing file
// makes only the data test report "skipped" (exit status kSkipReturnCode), and the rest still pass or fail.
constexpr const char* kSharedDataSuite = "shared_data";
constexpr int kSkipReturnCode = 77;
// SHARED_DATA_OR_SKIP's decision for `relative` in the running test case: its path; or nullopt after
// recording a skip (the binary then exits with kSkipReturnCode unless a case failed). It fails the
// test case instead when the case is not declared with SHARED_DATA_TEST_CASE, or when the file is
// absent while $AELAB_REQUIRE_SHARED_DATA is set (scripts/test.sh sets it when the data folder exists).
std::optional<std::string> shared_data_or_skip(const std::string& relative);
// Test cases that skipped for absent data in this run.
int skipped_cases();
std::string source_path(const std::string& relative);

// The protocol split of ml-latest-small's ratings.csv used by the real-data tests (docs/MATH.md §3: rating >
// 3.5, min_uc 5, H 50, seed 98765); min_sc > 0 also drops items with fewer kept rows, a smaller
// catalogue for tests that only check plumbing or need fast fits.
VaeCfSplit ml_latest_small_split(const std::string& ratings, std::size_t min_sc = 0);

// A random binary matrix with `density`, every row and column non-empty (for small algebra tests).
BinaryCsr random_binary(std::size_t rows, std::size_t cols, double density, unsigned seed);

}  // namespace aelab::test

#define SHARED_DATA_TEST_CASE(name) TEST_CASE(name * doctest::test_suite(::aelab::test::kSharedDataSuite))

#define SHARED_DATA_OR_SKIP(var, relative)                                  \
  const auto var##_opt = ::aelab::test::shared_data_or_skip(relative);     \
  if (!var##_opt) return;                                                   \
  const std::string var = *var##_opt
