// Every input libFuzzer found crashing a reader (tests/fuzz/regressions/<target>/, docs/FUZZING.md),
// and the seed corpora, run through the same harness bodies in the normal build: each must end in an
// aelab::Error or succeed, never another exception (nor a crash, which fails the test binary).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/fuzz/fuzz_targets.hpp"
#include "tests/test_support.hpp"

namespace {

using Harness = void (*)(const std::uint8_t*, std::size_t);

const std::pair<const char*, Harness> kHarnesses[] = {
    {"config", aelab::fuzz::config},       {"point", aelab::fuzz::point},   {"vae_cf", aelab::fuzz::vae_cf},
    {"citeulike", aelab::fuzz::citeulike}, {"movielens", aelab::fuzz::movielens}, {"lastfm", aelab::fuzz::lastfm},
    {"npz", aelab::fuzz::npz},             {"ngcf_text", aelab::fuzz::ngcf_text}};

std::size_t run_folder(const std::string& folder, Harness harness) {
  std::size_t inputs = 0;
  if (!std::filesystem::is_directory(folder)) return 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (!entry.is_regular_file() || entry.path().filename().string()[0] == '.' || entry.path().extension() == ".md") continue;
    const std::string bytes = aelab::test::read_text(entry.path().string());
    INFO(entry.path().string());
    CHECK_NOTHROW(harness(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    ++inputs;
  }
  return inputs;
}

}  // namespace

TEST_CASE("fuzz regressions and seed corpora: only aelab errors") {
  std::size_t seeds = 0;
  for (const auto& [target, harness] : kHarnesses) {
    run_folder(aelab::test::source_path(std::string("tests/fuzz/regressions/") + target), harness);
    seeds += run_folder(aelab::test::source_path(std::string("tests/fuzz/corpus/") + target), harness);
  }
  CHECK(seeds >= 6);
}
