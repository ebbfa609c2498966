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

std::optional<std::string> shared_data(const std::string& relative) {
  const char* override_dir = std::getenv("AELAB_SHARED_DATA");
  const fs::path path = fs::path(override_dir ? override_dir : AELAB_SHARED_DATA_DIR) / relative;
  if (!fs::exists(path)) return std::nullopt;
  return fs::weakly_canonical(path).string();
}

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
