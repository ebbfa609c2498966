// `aelab run` with "execution": {"backend": "scalapack"} under mpirun: the same summary metrics and
// selected points as the local backend, the refusals (one line naming the JSON path), the memory per
// process of --dry-run and the manifest, and a run killed on one process resumed without losing a
// finished point. Built only with AELAB_DISTRIBUTED (tests/CMakeLists.txt); this binary starts mpirun.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/distributed/closed_form.hpp"
#include "tests/mpi_launch.hpp"
#include "tests/test_support.hpp"

using aelab::test::CliResult;
using aelab::test::error_lines;
using aelab::test::read_text;
using aelab::test::run_aelab;
using aelab::test::run_mpi;
using aelab::test::TempDir;
using aelab::test::write_text;

namespace fs = std::filesystem;

namespace {

// HetRec Last.fm with artists of >= min_sc listeners (min_sc 20: n = 804 items, 10: n = 1,530).
nlohmann::json lastfm_data(const std::string& path, int min_sc) {
  return {{"format", "hetrec-lastfm"}, {"path", path}, {"min_uc", 5}, {"min_sc", min_sc}, {"heldout_users", 150}};
}

nlohmann::json synthetic_data(int items) {
  return {{"synthetic", {{"users", 600}, {"items", items}, {"latent_dim", 4}, {"mean_items_per_user", 30}, {"seed", 2}}},
          {"threshold", 3.5},
          {"heldout_users", 50}};
}

nlohmann::json sweep_config(const nlohmann::json& data, const nlohmann::json& solvers, const std::string& out) {
  return {{"schema_version", 1}, {"name", "distributed-run"}, {"seed", 1}, {"data", data},
          {"evaluation", {{"metrics", {"ndcg@100", "recall@20"}}}}, {"solvers", solvers},
          {"output", {{"dir", out}, {"plots", nlohmann::json::array()}}}};
}

nlohmann::json on_scalapack(nlohmann::json config, int block) {
  config["execution"] = {{"backend", "scalapack"}, {"block", block}};
  return config;
}

std::string write_config(const TempDir& dir, const std::string& name, const nlohmann::json& config) {
  const std::string path = dir.file(name);
  write_text(path, config.dump(2));
  return path;
}

// summary.csv as (every column but value and se) -> value.
std::map<std::string, double> summary_values(const std::string& dir) {
  std::istringstream in(read_text(dir + "/summary.csv"));
  std::string line;
  std::getline(in, line);
  REQUIRE(line.find(",metric,value,se,") != std::string::npos);
  std::map<std::string, double> values;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
    if (!line.empty() && line.back() == ',') fields.push_back("");
    REQUIRE(fields.size() >= 4);
    const std::size_t value_at = fields.size() - 3;  // ..., metric, value, se, n_users
    std::string key;
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (i != value_at && i != value_at + 1) key += fields[i] + "|";
    values[key] = std::stod(fields[value_at]);
  }
  return values;
}

// selection.json's chosen point of every (solver, group).
std::vector<std::string> selected_points(const std::string& dir) {
  const auto selection = nlohmann::json::parse(read_text(dir + "/selection.json"));
  std::vector<std::string> chosen;
  for (const auto& solver : selection["solvers"])
    for (const auto& group : solver["groups"])
      chosen.push_back(group["per"].dump() + " " + group["selected"]["point_file"].get<std::string>());
  return chosen;
}

void check_same_summary(const std::string& got_dir, const std::string& expected_dir) {
  const auto got = summary_values(got_dir), expected = summary_values(expected_dir);
  REQUIRE(got.size() == expected.size());
  for (const auto& [key, value] : expected) {
    CAPTURE(key);
    REQUIRE(got.count(key) == 1);
    // The Eq. 7 objective is a sum of n^2 terms in another order: relative agreement.
    const bool objective = key.find("|objective|") != std::string::npos;
    CHECK(std::abs(got.at(key) - value) <= (objective ? 1e-9 * std::abs(value) : 1e-9));
  }
  CHECK(selected_points(got_dir) == selected_points(expected_dir));
}

std::size_t point_files(const std::string& dir) {
  std::size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    n += entry.path().extension() == ".json" && entry.path().filename().string().front() != '.';
  return n;
}

std::map<std::string, std::string> point_file_bytes(const std::string& dir) {
  std::map<std::string, std::string> bytes;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) bytes[fs::relative(entry.path(), dir).string()] = read_text(entry.path().string());
  return bytes;
}

// "points: 12 (10 fitted now, 2 stored, ..." -> {10, 2}.
std::pair<int, int> fitted_and_stored(const std::string& out) {
  const std::size_t at = out.find("points: ");
  REQUIRE(at != std::string::npos);
  int total = 0, fitted = 0, stored = 0;
  REQUIRE(std::sscanf(out.c_str() + at, "points: %d (%d fitted now, %d stored", &total, &fitted, &stored) == 3);
  return {fitted, stored};
}

const nlohmann::json iterative_entry = {
    {"id", "admm"}, {"solver", "admm"}, {"fixed", {{"epochs", 2}}}, {"grid", {{"rank", {10}}, {"lambda", {30}}, {"p", {0.1}}}}};

nlohmann::json closed_form_entry(const nlohmann::json& ranks, const nlohmann::json& lambdas) {
  return {{"id", "closed_form_approx"}, {"solver", "closed_form_approx"},
          {"grid", {{"rank", ranks}, {"lambda", lambdas}, {"p", {0.25}}}}};
}

}  // namespace

SHARED_DATA_TEST_CASE("aelab run on the scalapack backend at 1, 2 and 4 processes gives the local summary and selection") {
  SHARED_DATA_OR_SKIP(ratings, "hetrec2011-lastfm-2k/user_artists.dat");
  TempDir dir;
  const nlohmann::json solvers = {
      closed_form_entry({10, 50, 100, "full"}, {30, 300}),
      {{"id", "unconstrained"}, {"solver", "unconstrained"}, {"grid", {{"rank", {10, 50, "full"}}, {"lambda", {100}}, {"p", {0.1}}}}},
      {{"id", "ease"}, {"solver", "zero_diagonal"}, {"grid", {{"rank", {"full"}}, {"lambda", {100, 300}}, {"p", {0}}}}}};
  const nlohmann::json local = sweep_config(lastfm_data(ratings, 20), solvers, dir.file("local"));
  const CliResult expected = run_aelab({"run", write_config(dir, "local.json", local), "--quiet"});
  REQUIRE_MESSAGE(expected.exit_code == 0, expected.err);
  // Block 32 on n = 804: 26 block rows and columns, so each process owns 26 block rows and 13 block
  // columns on the 1 x 2 grid, 13 of each on the 2 x 2 grid.
  for (int processes : {1, 2, 4}) {
    CAPTURE(processes);
    const std::string out = dir.file("np" + std::to_string(processes));
    nlohmann::json config = on_scalapack(local, 32);
    config["output"]["dir"] = out;
    const CliResult got = run_mpi(processes, {"run", write_config(dir, "dist.json", config), "--quiet"});
    REQUIRE_MESSAGE(got.exit_code == 0, got.err);
    check_same_summary(out, dir.file("local"));
    const auto manifest = nlohmann::json::parse(read_text(out + "/manifest.json"));
    CHECK(manifest["execution"]["processes"] == processes);
    CHECK(manifest["execution"]["block"] == 32);
    const auto point = nlohmann::json::parse(read_text(out + "/points/ease/epochs=10,lambda=100,p=0,rank=full,seed=1.json"));
    CHECK(point.dump().find("scalapack") != std::string::npos);
  }
  // A scalapack config started without a launcher runs as one process, as aelab eval --backend scalapack does.
  nlohmann::json single = on_scalapack(local, 32);
  single["output"]["dir"] = dir.file("no-launcher");
  const CliResult no_launcher = run_aelab({"run", write_config(dir, "single.json", single), "--quiet"});
  REQUIRE_MESSAGE(no_launcher.exit_code == 0, no_launcher.err);
  check_same_summary(dir.file("no-launcher"), dir.file("local"));
}

TEST_CASE("solvers that cannot run distributed are refused with one line naming the JSON path, at --check and at run") {
  TempDir dir;
  const nlohmann::json refused[] = {
      iterative_entry,
      {{"id", "als"}, {"solver", "zero_diagonal"}, {"grid", {{"rank", {10}}, {"lambda", {30}}, {"p", {0.1}}}}},
      {{"id", "popularity"}, {"solver", "popularity"}},
      {{"id", "lanczos"}, {"solver", "closed_form_approx"}, {"fixed", {{"eigen", "arpack"}}},
       {"grid", {{"rank", {10}}, {"lambda", {30}}, {"p", {0.25}}}}}};
  const std::string messages[] = {
      "solvers[1] (admm): solver admm cannot run on the scalapack backend: it has no closed form W = I - C S",
      "solvers[1] (als): solver zero_diagonal cannot run on the scalapack backend: its rank 10 model is iterative",
      "solvers[1] (popularity): solver popularity cannot run on the scalapack backend",
      "solvers[1] (lanczos): solver closed_form_approx: eigen \"arpack\" has no distributed form on the scalapack backend"};
  for (int i = 0; i < 4; ++i) {
    CAPTURE(messages[i]);
    const nlohmann::json config = on_scalapack(
        sweep_config(synthetic_data(200), {closed_form_entry({10, "full"}, {30}), refused[i]}, dir.file("out")), 16);
    const std::string path = write_config(dir, "config.json", config);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"run", path, "--check"}, {"run", path, "--dry-run"}, {"run", path}}) {
      CAPTURE(args.back());
      for (int processes : {1, 2}) {
        const CliResult r = run_mpi(processes, args);
        CHECK(r.exit_code == 1);
        const auto lines = error_lines(r.err);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0] == "aelab: error: " + path + ": " + lines[0].substr(lines[0].find("solvers[1]")));
        CHECK(lines[0].find(messages[i]) != std::string::npos);
        CHECK(r.out.empty());
      }
      const CliResult no_launcher = run_aelab(args);
      CHECK(no_launcher.exit_code == 1);
      CHECK(no_launcher.err.find(messages[i]) != std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir.file("out")));  // refused before anything is written
  }
}

TEST_CASE("aelab run on the local backend refuses P launched copies, and a block size needs the scalapack backend") {
  TempDir dir;
  nlohmann::json config = sweep_config(synthetic_data(200), nlohmann::json::array({closed_form_entry({10}, {30})}), dir.file("out"));
  const std::string local = write_config(dir, "local.json", config);
  const CliResult r = run_mpi(2, {"run", local, "--check"});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("aelab: error: aelab run with execution.backend \"local\" runs on one process, but the launcher "
                   "started 2") != std::string::npos);
  CHECK(run_aelab({"run", local, "--check"}).exit_code == 0);
  config["execution"] = {{"block", 16}};
  const CliResult block = run_aelab({"run", write_config(dir, "block.json", config), "--check"});
  CHECK(block.exit_code == 1);
  CHECK(block.err.find("execution.block: expected \"backend\": \"scalapack\" with a block size") != std::string::npos);
}

TEST_CASE("--dry-run prints the memory per process, P, the grid and the block; the manifest records them") {
  TempDir dir;
  const nlohmann::json config = on_scalapack(
      sweep_config(synthetic_data(300), nlohmann::json::array({closed_form_entry({5, 10, "full"}, {30})}), dir.file("out")), 16);
  const std::string path = write_config(dir, "config.json", config);
  std::map<int, nlohmann::json> memory;
  for (int processes : {1, 2}) {
    CAPTURE(processes);
    const CliResult dry = run_mpi(processes, {"run", path, "--dry-run", "--quiet"});
    REQUIRE_MESSAGE(dry.exit_code == 0, dry.err);
    const std::string grid = processes == 1 ? "grid 1 x 1" : "grid 1 x 2";
    const std::string layout = "backend scalapack: " + std::to_string(processes) + " process(es), " + grid + ", block 16";
    CHECK(dry.out.find(layout) != std::string::npos);
    CHECK(dry.out.find("estimated peak memory per process: ") != std::string::npos);
    // Printed once, by rank 0.
    CHECK(dry.out.find("estimated peak memory") == dry.out.rfind("estimated peak memory"));
    if (processes == 1) CHECK_FALSE(fs::exists(dir.file("out")));  // a dry run writes nothing

    const CliResult run = run_mpi(processes, {"run", path, "--quiet", "--force"});
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    const auto manifest = nlohmann::json::parse(read_text(dir.file("out/manifest.json")));
    const auto& execution = manifest["execution"];
    CHECK(execution["backend"] == "scalapack");
    CHECK(execution["processes"] == processes);
    CHECK(execution["grid"]["rows"] == 1);
    CHECK(execution["grid"]["cols"] == processes);
    CHECK(execution["block"] == 16);
    memory[processes] = manifest["memory_estimate"];
    CHECK(memory[processes]["per_process"] == true);
    // The largest fit is the rank sweep's decomposition at rank 10 (core/distributed/closed_form.hpp),
    // by the block method on these ~300 items.
    const std::size_t n = manifest["data"]["sizes"]["items"].get<std::size_t>();
    CHECK(memory[processes]["largest_fit_bytes"].get<std::size_t>() ==
          aelab::distributed::closed_form_bytes_per_process(n, processes, 10, 8));
    // Rank 0 alone runs the block eigensolver's iteration: its bases are counted once per node.
    const std::size_t extra = aelab::distributed::closed_form_rank0_extra_bytes(n, 10, 8);
    CHECK(extra > 0);
    CHECK(memory[processes]["leader_extra_bytes"].get<std::size_t>() == extra);
    CHECK(memory[processes]["node_bytes"].get<std::size_t>() ==
          processes * memory[processes]["total_bytes"].get<std::size_t>() + extra);
  }
  CHECK(memory[2]["largest_fit_bytes"].get<std::size_t>() < memory[1]["largest_fit_bytes"].get<std::size_t>());
}

TEST_CASE("the memory guard refuses a scalapack run whose processes on this node need more than is available") {
  TempDir dir;
  // Tens of thousands of items at rank 500 on 1 x 2: per process three n^2/2 shares and pdsyevr's n^2
  // workspace, 20 n^2 bytes, far above this machine's memory for two processes.
  nlohmann::json config = on_scalapack(
      sweep_config(synthetic_data(60000), nlohmann::json::array({closed_form_entry({500}, {30})}), dir.file("out")), 256);
  config["data"]["synthetic"]["users"] = 20000;
  config["data"]["synthetic"]["mean_items_per_user"] = 60;
  const std::string path = write_config(dir, "config.json", config);
  const CliResult dry = run_mpi(2, {"run", path, "--dry-run", "--quiet"});
  REQUIRE_MESSAGE(dry.exit_code == 0, dry.err);
  CHECK(dry.out.find("warning: the estimate exceeds the memory available now") != std::string::npos);
  const CliResult run = run_mpi(2, {"run", path, "--quiet"});
  CHECK(run.exit_code == 1);
  const auto lines = error_lines(run.err);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find(path + ": the estimated peak memory ") != std::string::npos);
  CHECK(lines[0].find("(2 processes on this node, ") != std::string::npos);
  CHECK(point_files(dir.file("out/points")) == 0);
}

TEST_CASE("a point the writer cannot store ends every process with one line; the stored points stay") {
  TempDir dir;
  const nlohmann::json solvers = {
      closed_form_entry({10, "full"}, {30}),
      {{"id", "ease"}, {"solver", "zero_diagonal"}, {"grid", {{"rank", {"full"}}, {"lambda", {100}}, {"p", {0}}}}}};
  const std::string path =
      write_config(dir, "config.json", on_scalapack(sweep_config(synthetic_data(200), solvers, dir.file("out")), 16));
  // A file where ease's point folder goes: its first point cannot be written.
  fs::create_directories(dir.file("out/points"));
  write_text(dir.file("out/points/ease"), "");
  const CliResult r = run_mpi(2, {"run", path, "--quiet"});
  CHECK(r.exit_code != 0);
  const auto lines = error_lines(r.err);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("aelab: error: (rank 0 of 2) cannot write the results of ease ") == 0);
  CHECK(point_files(dir.file("out/points/closed_form_approx")) == 2);  // fitted before ease, kept
}

SHARED_DATA_TEST_CASE("a scalapack run killed on one process resumes, fitting only the missing points and losing none") {
  SHARED_DATA_OR_SKIP(ratings, "hetrec2011-lastfm-2k/user_artists.dat");
  TempDir dir;
  // n = 1,530, block 64; three rank sweeps of about 2 s each on two processes (pdsyevr): the kill
  // lands a few milliseconds after the first point file, seconds before the last.
  const nlohmann::json config = on_scalapack(
      sweep_config(lastfm_data(ratings, 10), nlohmann::json::array({closed_form_entry({10, 50, "full"}, {10, 100, 1000})}),
                   dir.file("whole")),
      64);
  const std::string path = write_config(dir, "config.json", config);
  const CliResult whole = run_mpi(2, {"run", path, "--quiet"});
  REQUIRE_MESSAGE(whole.exit_code == 0, whole.err);
  constexpr std::size_t points = 9;
  REQUIRE(point_files(dir.file("whole/points")) == points);

  const std::string killed = dir.file("killed");
  const pid_t launcher = aelab::test::spawn_mpi(2, {"run", path, "--quiet", "--out", killed}, dir.file("killed.out"),
                                                dir.file("killed.err"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (point_files(killed + "/points") == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const pid_t rank1 = aelab::test::mpi_rank_pid(launcher, 1);
  REQUIRE(rank1 > 0);
  ::kill(rank1, SIGKILL);
  CHECK(aelab::test::wait_exit_code(launcher) != 0);
  const std::size_t before = point_files(killed + "/points");
  CAPTURE(before);
  REQUIRE(before >= 1);
  REQUIRE(before < points);  // the kill landed before the last point
  const auto stored = point_file_bytes(killed + "/points");

  const CliResult resumed = run_mpi(2, {"run", path, "--out", killed});
  REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
  const auto [fitted, reused] = fitted_and_stored(resumed.out);
  CHECK(reused == static_cast<int>(before));
  CHECK(fitted == static_cast<int>(points - before));
  const auto after = point_file_bytes(killed + "/points");
  for (const auto& [file, bytes] : stored) {
    CAPTURE(file);
    REQUIRE(after.count(file) == 1);
    CHECK(after.at(file) == bytes);
  }
  CHECK(read_text(killed + "/summary.csv") == read_text(dir.file("whole/summary.csv")));
}

TEST_CASE("a given split selected on its carve-out: the scalapack refit gives the local test numbers and resumes") {
  const std::string fixture = aelab::test::source_path("tests/fixtures/ngcf-small/");
  const nlohmann::json data = {{"protocol", "given_split"}, {"train", fixture + "train.txt"}, {"test", fixture + "test.txt"}};
  const nlohmann::json solvers = {
      closed_form_entry({8, 16, "full"}, {1, 10}),
      {{"id", "unconstrained"}, {"solver", "unconstrained"}, {"grid", {{"rank", {8, "full"}}, {"lambda", {10}}, {"p", {0.1}}}}},
      {{"id", "ease"}, {"solver", "zero_diagonal"}, {"grid", {{"rank", {"full"}}, {"lambda", {1, 10}}, {"p", {0}}}}}};
  TempDir dir;
  nlohmann::json local = sweep_config(data, solvers, dir.file("local"));
  local["evaluation"]["metrics"] = {"recall_ngcf@20", "ndcg@20"};
  local["selection"] = {{"on", "validation"}, {"metric", "ndcg@20"}, {"per", {"rank"}}};
  const CliResult expected = run_aelab({"run", write_config(dir, "local.json", local), "--quiet"});
  REQUIRE_MESSAGE(expected.exit_code == 0, expected.err);
  REQUIRE(point_files(dir.file("local/refit")) > 0);
  // Block 8 on the fixture's 60 items: 8 block rows and 4 block columns per process on the 1 x 2 grid.
  nlohmann::json config = on_scalapack(local, 8);
  config["output"]["dir"] = dir.file("np2");
  const std::string path = write_config(dir, "dist.json", config);
  const CliResult got = run_mpi(2, {"run", path, "--quiet"});
  REQUIRE_MESSAGE(got.exit_code == 0, got.err);
  check_same_summary(dir.file("np2"), dir.file("local"));
  CHECK(point_files(dir.file("np2/refit")) == point_files(dir.file("local/refit")));

  const auto refits = point_file_bytes(dir.file("np2/refit"));
  const CliResult again = run_mpi(2, {"run", path, "--quiet"});
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(point_file_bytes(dir.file("np2/refit")) == refits);  // nothing refitted, nothing rewritten
  check_same_summary(dir.file("np2"), dir.file("local"));
}
