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

// Path of a file under ../shared/data (the real data sets), or nullopt when that folder is absent.
// Tests that need it call SHARED_DATA_OR_SKIP, which skips with a clear message only when absent.
std::optional<std::string> shared_data(const std::string& relative);
std::string source_path(const std::string& relative);

// The protocol split of ml-latest-small's ratings.csv used by the real-data tests (SPEC 3: rating >
// 3.5, min_uc 5, H 50, seed 98765); min_sc > 0 also drops items with fewer kept rows, a smaller
// catalogue for tests that only check plumbing or need fast fits.
VaeCfSplit ml_latest_small_split(const std::string& ratings, std::size_t min_sc = 0);

// A random binary matrix with `density`, every row and column non-empty (for small algebra tests).
BinaryCsr random_binary(std::size_t rows, std::size_t cols, double density, unsigned seed);

}  // namespace aelab::test

#define SHARED_DATA_OR_SKIP(var, relative)                                                 \
  const auto var##_opt = ::aelab::test::shared_data(relative);                            \
  if (!var##_opt) {                                                                        \
    MESSAGE("SKIPPED: ../shared/data/" relative " is absent on this machine");            \
    return;                                                                                \
  }                                                                                        \
  const std::string var = *var##_opt
