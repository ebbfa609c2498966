#include "tests/test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <doctest/doctest.h>

#include "core/data/loaders.hpp"
#include "core/data/split.hpp"

namespace aelab::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  const fs::path base = fs::current_path() / "tmp";
  fs::create_directories(base);
  path_ = (base / ("t" + std::to_string(::getpid()) + "_" + std::to_string(counter++))).string();
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_text(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}


CliResult run_aelab(const std::vector<std::string>& args) {
  TempDir capture;
  const std::string out_path = capture.file("stdout"), err_path = capture.file("stderr");
  // Output still buffered in this process would otherwise be written again by the child's freopen.
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    std::vector<std::string> storage{AELAB_BINARY_PATH};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    if (!std::freopen(out_path.c_str(), "w", stdout) || !std::freopen(err_path.c_str(), "w", stderr)) ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

namespace {

std::string shared_data_dir() {
  const char* override_dir = std::getenv("AELAB_SHARED_DATA");
  return override_dir ? override_dir : AELAB_SHARED_DATA_DIR;
}

// The suite of the running test case, for shared_data_or_skip (doctest tells listeners only).
std::string running_suite;
int skips = 0;

struct RunningTestCase : doctest::IReporter {
  explicit RunningTestCase(const doctest::ContextOptions&) {}
  void test_case_start(const doctest::TestCaseData& in) override { running_suite = in.m_test_suite; }
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

REGISTER_LISTENER("aelab_running_test_case", 1, RunningTestCase);

std::optional<std::string> shared_data(const std::string& relative) {
  const fs::path path = fs::path(shared_data_dir()) / relative;
  if (!fs::exists(path)) return std::nullopt;
  return fs::weakly_canonical(path).string();
}

std::optional<std::string> shared_data_or_skip(const std::string& relative) {
  if (running_suite != kSharedDataSuite)
    FAIL("this test case reads ../shared/data/" << relative
                                               << " but is not declared with SHARED_DATA_TEST_CASE, so CTest could not "
                                                  "report it as skipped");
  auto path = shared_data(relative);
  if (path) return path;
  const char* required = std::getenv("AELAB_REQUIRE_SHARED_DATA");
  if (required && *required)
    FAIL(shared_data_dir() << "/" << relative << " is absent, but AELAB_REQUIRE_SHARED_DATA is set (the data folder exists)");
  ++skips;
  MESSAGE("SKIPPED: " << shared_data_dir() << "/" << relative << " is absent on this machine");
  return std::nullopt;
}

int skipped_cases() { return skips; }

std::string source_path(const std::string& relative) { return std::string(AELAB_TEST_SOURCE_DIR) + "/" + relative; }

VaeCfSplit ml_latest_small_split(const std::string& ratings, std::size_t min_sc) {
  SplitOptions options;
  options.threshold = 3.5;
  options.min_uc = 5;
  options.min_sc = min_sc;
  options.heldout_users = 50;
  return make_split(load_interactions({"movielens-csv", ratings}), options);
}

BinaryCsr random_binary(std::size_t rows, std::size_t cols, double density, unsigned seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution bit(density);
  std::uniform_int_distribution<std::uint32_t> any_row(0, static_cast<std::uint32_t>(rows - 1)),
      any_col(0, static_cast<std::uint32_t>(cols - 1));
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::uint32_t r = 0; r < rows; ++r)
    for (std::uint32_t c = 0; c < cols; ++c)
      if (bit(rng)) pairs.emplace_back(r, c);
  for (std::uint32_t r = 0; r < rows; ++r) pairs.emplace_back(r, any_col(rng));
  for (std::uint32_t c = 0; c < cols; ++c) pairs.emplace_back(any_row(rng), c);
  return BinaryCsr::from_pairs(rows, cols, std::move(pairs));
}

}  // namespace aelab::test
