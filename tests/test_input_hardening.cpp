// Hostile and malformed input (issue 15): every reader turns it into one aelab::Error line naming the
// file and the line or JSON path, never a crash and never a half-written result.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "core/data/loaders.hpp"
#include "core/data/ngcf_text.hpp"
#include "core/solver/registry.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "experiments/common/config_sections.hpp"
#include "experiments/common/json_reader.hpp"
#include "experiments/common/stored_record.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/point_store.hpp"
#include "experiments/sweep/runner.hpp"
#include "solvers/popularity/popularity.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("JSON: a value nested 100,000 deep is a one-line error, not a crash") {
  test::TempDir dir;
  const std::string config = dir.file("deep.json");
  test::write_text(config, "{\"schema_version\": 1, \"name\": \"deep\",\n \"description\": " + nested_arrays(100000) + "}\n");
  const test::CliResult r = test::run_aelab({"run", "--check", config});
  CHECK(r.exit_code == 1);  // 139 (SIGSEGV) before the checked reader
  CHECK(r.err.rfind("aelab: error: " + config + ":2:", 0) == 0);
  CHECK(r.err.find("description[0]") != std::string::npos);
  CHECK(r.err.find("nested deeper than 64") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);

  // 64 levels are allowed, 65 are not.
  CHECK_NOTHROW(parse_json_text(nested_arrays(64), "a.json"));
  CHECK_THROWS_WITH_AS(parse_json_text(nested_arrays(65), "a.json"),
                       doctest::Contains("a.json:1:65: [0][0]"), Error);
}

TEST_CASE("JSON: a duplicate key is an error naming the file, line and JSON path") {
  CHECK_THROWS_WITH_AS(parse_json_text("{\"data\": {\"format\": \"csv\",\n  \"format\": \"citeulike\"}}", "c.json"),
                       "c.json:2:10: data.format: duplicate key (each key may appear once in an object)", Error);
  CHECK_THROWS_WITH_AS(parse_json_text("[{}, {\"a\": 1, \"a\": 1}]", "c.json"),
                       doctest::Contains("c.json:1:17: [1].a: duplicate key"), Error);
  // The same key in different objects is fine.
  CHECK_NOTHROW(parse_json_text("{\"a\": {\"a\": 1}, \"b\": {\"a\": 2}}", "c.json"));
}

TEST_CASE("JSON: a number beyond double range is an error with its position") {
  CHECK_THROWS_WITH_AS(parse_json_text("{\"seed\":\n  1e400}", "c.json"),
                       "c.json:2:7: invalid JSON: number overflow parsing '1e400'", Error);
  CHECK_THROWS_WITH_AS(parse_json_text("[-1e400]", "c.json"), doctest::Contains("c.json:1:"), Error);
}

TEST_CASE("a config path that is a folder") {
  test::TempDir dir;
  CHECK_THROWS_WITH_AS(read_config_file(dir.path(), {}, "/"), (dir.path() + ": is a directory, expected a JSON file").c_str(),
                       Error);
}

TEST_CASE("stored point and record files: deep, duplicate-key or overflowing JSON is refitted, not a crash") {
  test::TempDir dir;
  const PointStore store(dir.path());
  const ParamSet params;
  const std::string point = store.json_path("s", params);
  std::filesystem::create_directories(std::filesystem::path(point).parent_path());
  const StoredRecordKind kind{"aelab-test-1", "test record", "settings"};
  for (const std::string& text : {"{\"params\": " + nested_arrays(100000) + "}", std::string("{\"params\": {}, \"params\": {}}"),
                                  std::string("{\"params\": 1e999}")}) {
    test::write_text(point, text);
    std::string why;
    CHECK_FALSE(store.load("s", params, "k", why).has_value());
    CHECK(why.find("unreadable (" + point + ":1:") == 0);
    CHECK_FALSE(read_stored_record(point, kind, "k", [](const nlohmann::json&) { return true; }, why).has_value());
    CHECK(why.find("not a test record file (" + point + ":1:") == 0);
  }
}

namespace {

// A valid small split: training users 0-1, validation user 2, test user 3.
VaeCfSplit small_split() {
  VaeCfSplit split;
  split.unique_sid = {"10", "20", "30"};
  split.train = {{0, 0}, {0, 1}, {1, 1}, {1, 2}};
  split.validation_tr = {{2, 0}, {2, 1}};
  split.validation_te = {{2, 2}};
  split.test_tr = {{3, 1}};
  split.test_te = {{3, 0}};
  return split;
}

std::string read_error(const std::string& dir) {
  try {
    read_vae_cf(dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("vae_cf folders: held-out users leaking into training or each other, te without tr, repeated items") {
  test::TempDir tmp;
  const std::string dir = tmp.file("split");
  write_vae_cf(dir, small_split());
  CHECK_NOTHROW(read_vae_cf(dir));

  VaeCfSplit split = small_split();
  split.test_tr.push_back({1, 0});
  write_vae_cf(dir, split);
  CHECK(read_error(dir) == dir + "/test_tr.csv: user 1 is also a training user (train.csv); held-out users must not be trained on");

  split = small_split();
  split.validation_te.push_back({0, 0});
  write_vae_cf(dir, split);
  CHECK(read_error(dir) ==
        dir + "/validation_te.csv: user 0 is also a training user (train.csv); held-out users must not be trained on");

  split = small_split();
  split.test_te.push_back({2, 2});
  write_vae_cf(dir, split);
  CHECK(read_error(dir) == dir + "/test_te.csv: user 2 is also a validation user (validation_tr.csv, validation_te.csv)");

  split = small_split();
  split.validation_te.push_back({5, 1});
  write_vae_cf(dir, split);
  CHECK(read_error(dir) ==
        dir + "/validation_te.csv: user 5 has no fold-in rows in validation_tr.csv (every held-out user needs some)");

  split = small_split();
  split.unique_sid = {"10", "20", "10"};
  write_vae_cf(dir, split);
  CHECK(read_error(dir) == dir + "/unique_sid.txt:3: item \"10\" is listed again (first on line 1)");
}

namespace {

std::string load_error(const std::string& format, const std::string& path) {
  LoadOptions options;
  options.format = format;
  options.path = path;
  try {
    load_interactions(options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("index formats: negative or out-of-range item indices are errors naming the file and line") {
  test::TempDir dir;
  const std::string users = dir.file("users.dat");
  test::write_text(users, "2 0 1\n2 3 -1\n");
  CHECK(load_error("citeulike", users) == users + ":2: expected an item index (a non-negative integer below 4294967296), got \"-1\"");
  test::write_text(users, "1 4294967296\n");
  CHECK(load_error("citeulike", users) == users + ":1: expected an item index (a non-negative integer below 4294967296), got \"4294967296\"");
  test::write_text(users, "1 4294967295\n");
  CHECK(load_error("citeulike", users) == "(no error)");

  // NGCF text ids are row and column indices, refused the same way.
  const std::string train = dir.file("train.txt");
  test::write_text(train, "0 1 2\n1 -3\n");
  CHECK_THROWS_WITH_AS(read_ngcf_text(train), (train + ":2: expected an item id (a non-negative integer), got \"-3\"").c_str(), Error);
  test::write_text(train, "0 1 2\n4294967296 1\n");
  CHECK_THROWS_WITH_AS(read_ngcf_text(train), (train + ":2: expected a user id below 4294967296, got \"4294967296\"").c_str(), Error);
}

TEST_CASE("aelab data inspect reports negative ids, negative values and exact duplicate rows of label formats") {
  test::TempDir dir;
  const std::string file = dir.file("user_artists.dat");
  test::write_text(file, "userID\tartistID\tweight\n2\t51\t10\n-4\t51\t3\n2\t-7\t-5\n2\t51\t10\n2\t51\t11\n");
  const test::CliResult r = test::run_aelab({"data", "inspect", "--format", "hetrec-lastfm", "--input", file});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("unusual: 1 row with a negative user id, 1 row with a negative item id, 1 negative weight, "
                   "1 exact duplicate row (same user, item and weight)\n") != std::string::npos);

  test::write_text(file, "userID\tartistID\tweight\n2\t51\t10\n3\t51\t3\n");
  const test::CliResult clean = test::run_aelab({"data", "inspect", "--format", "hetrec-lastfm", "--input", file});
  CHECK(clean.out.find("unusual: none\n") != std::string::npos);
}

namespace {

// A sweep small enough for a test: two points of one solver on 60 synthetic users.
std::string tiny_config(const std::string& out_dir, bool save_split) {
  return R"({"schema_version": 1, "name": "tiny", "seed": 1,
  "data": {"synthetic": {"users": 60, "items": 20, "latent_dim": 2, "mean_items_per_user": 6, "seed": 1},
           "heldout_users": 10, "save_split": )" +
         std::string(save_split ? "true" : "false") + R"(},
  "evaluation": {"metrics": ["ndcg@10"]},
  "selection": {"on": "validation", "metric": "ndcg@10"},
  "solvers": [{"id": "cfa", "solver": "closed_form_approx", "grid": {"rank": [2, 4], "lambda": [10], "p": [0.1]}}],
  "output": {"dir": ")" + out_dir + R"("}})";
}

std::vector<std::string> temporaries_under(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp-") != std::string::npos || name.find(".old-") != std::string::npos) found.push_back(entry.path().string());
  }
  return found;
}

}  // namespace

TEST_CASE("a run removes the temporaries an interrupted run left anywhere in its output folder") {
  test::TempDir dir;
  const std::string out = dir.file("out");
  const std::string config = dir.file("tiny.json");
  test::write_text(config, tiny_config(out, /*save_split=*/true));
  REQUIRE(test::run_aelab({"run", config, "--quiet", "--no-plots"}).exit_code == 0);
  // What a run killed while writing each of these leaves behind.
  std::filesystem::create_directories(out + "/plots");
  test::write_text(out + "/.manifest.json.tmp-1-0-1", "{");
  test::write_text(out + "/.timings.csv.tmp-1-1-1", "x");
  test::write_text(out + "/plots/.ndcg.svg.tmp-1-2-1", "<svg");
  std::filesystem::create_directories(out + "/.split.tmp-1-3-1");
  test::write_text(out + "/.split.tmp-1-3-1/train.csv", "uid,sid\n");
  std::filesystem::create_directories(out + "/.split.old-1-4-1");
  test::write_text(out + "/.split.old-1-4-1/train.csv", "uid,sid\n");
  REQUIRE(temporaries_under(out).size() == 5);

  REQUIRE(test::run_aelab({"run", config, "--quiet", "--no-plots"}).exit_code == 0);
  CHECK(temporaries_under(out).empty());
  CHECK(std::filesystem::exists(out + "/split/train.csv"));
}

// ---------------------------------------------------------------------------------------------------
// Kill tests that do not depend on timing: the run is a forked copy of this process whose solver (or
// file writer, or gnuplot) announces where it is by creating a file and then waits, so the test kills
// it (SIGKILL) at exactly that point, then checks what a rerun finds.

namespace {

using namespace std::chrono_literals;

std::string g_gate;  // the folder the blocking solver reports to; "" when it does not block

void create_file(const std::string& path) { test::write_text(path, ""); }

// Waits for `path` (from the parent); false after `seconds` so that a broken test fails, not hangs.
// A child that ended early (an error) leaves <gate>/report; waiting on then would be pointless.
bool await_file(const std::string& path, double seconds = 120) {
  const std::string report = std::filesystem::path(path).parent_path().string() + "/report";
  for (auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
       std::chrono::steady_clock::now() < end; std::this_thread::sleep_for(5ms)) {
    if (std::filesystem::exists(path)) return true;
    if (std::filesystem::exists(report)) {
      MESSAGE("the run ended first: " << test::read_text(report));
      return false;
    }
  }
  return false;
}

// Popularity under another name, with a rank parameter that makes a grid; each fit creates
// <gate>/entered-<rank> and waits for <gate>/release-<rank>.
class BlockingSolver : public Solver {
 public:
  std::string name() const override { return "blocking"; }
  std::string description() const override { return "test: popularity that waits for the test"; }
  // The rank only numbers the fits (and gives the plots their axis).
  std::vector<ParamSpec> params() const override { return {rank_param_spec()}; }
  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    if (!g_gate.empty()) {
      const std::string id = params.rank("rank").str();
      create_file(g_gate + "/entered-" + id);
      while (!std::filesystem::exists(g_gate + "/release-" + id)) std::this_thread::sleep_for(5ms);
    }
    return popularity_->fit(ctx, ParamSet());
  }

 private:
  std::unique_ptr<Solver> popularity_ = make_popularity_solver();
};

std::string blocking_config(const std::string& out_dir) {
  return R"({"schema_version": 1, "name": "blocking", "seed": 1,
  "data": {"synthetic": {"users": 60, "items": 20, "latent_dim": 2, "mean_items_per_user": 6, "seed": 1},
           "heldout_users": 10, "save_split": true},
  "evaluation": {"metrics": ["ndcg@10"]},
  "selection": {"on": "validation", "metric": "ndcg@10"},
  "solvers": [{"id": "b", "solver": "blocking", "grid": {"rank": [1, 2, 3]}}],
  "output": {"dir": ")" + out_dir + R"(", "plots": ["metric_vs_rank"]}})";
}

// Runs the sweep in a child process; its report ("<reused> <computed>") or error goes to <gate>/report.
pid_t start_run(const std::string& config_text, const std::string& gate, bool plots, const std::function<void()>& setup = {}) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  int code = 0;
  try {
    g_gate = gate;
    if (setup) setup();
    Registry registry;
    registry.add(std::make_unique<BlockingSolver>());
    const std::string cwd = std::filesystem::current_path().string();
    const ExperimentConfig config = parse_experiment_config(nlohmann::json::parse(config_text), ConfigLocation{"", cwd, cwd}, registry);
    std::ostringstream sink;
    RunOptions options;
    options.quiet = true;
    options.plots = plots;
    options.out = &sink;
    options.log = &sink;
    const RunReport report = run_sweep(config, options);
    test::write_text(gate + "/report", std::to_string(report.reused) + " " + std::to_string(report.computed));
  } catch (const std::exception& e) {
    test::write_text(gate + "/report", std::string("error: ") + e.what());
    code = 1;
  }
  ::_exit(code);
}

void kill_run(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

int finish_run(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool process_alive(pid_t pid) {
  if (::kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, command, state;
  stat >> pid_field >> command >> state;
  return state != "Z";  // a zombie has died; whether its new parent reaps it is not ours to test
}

// A "gnuplot" first on PATH that records its pid in <gate>/gnuplot.pid and then sleeps.
void install_fake_gnuplot(const std::string& bin, const std::string& gate) {
  std::filesystem::create_directories(bin);
  test::write_text(bin + "/gnuplot", "#!/bin/sh\necho $$ > " + gate + "/gnuplot.pid.tmp\nmv " + gate + "/gnuplot.pid.tmp " +
                                         gate + "/gnuplot.pid\nexec sleep 60\n");
  std::filesystem::permissions(bin + "/gnuplot", std::filesystem::perms::owner_all);
}

}  // namespace

TEST_CASE("killed mid-fit, mid-point-write and mid-plot: the rerun loses no finished point and leaves no temporaries") {
  test::TempDir dir;
  const std::string out = dir.file("out"), config = blocking_config(out);
  const std::string point = out + "/points/b/rank=";
  auto gate = [&](const std::string& phase) {
    const std::string g = dir.file("gate-" + phase);
    std::filesystem::create_directories(g);
    return g;
  };

  // 1. Mid-fit: point 1 finished, killed inside the fit of point 2.
  const std::string fit_gate = gate("fit");
  create_file(fit_gate + "/release-1");
  pid_t pid = start_run(config, fit_gate, /*plots=*/false);
  REQUIRE(await_file(fit_gate + "/entered-2"));
  kill_run(pid);
  CHECK(std::filesystem::exists(point + "1.json"));
  CHECK_FALSE(std::filesystem::exists(point + "2.json"));

  // 2. Mid-point-write: killed between point 2's complete temporary sidecar and its rename.
  const std::string write_gate = gate("write");
  for (const char* id : {"1", "2", "3"}) create_file(write_gate + "/release-" + id);
  pid = start_run(config, write_gate, /*plots=*/false, [&] {
    set_commit_hook_for_tests([&](const std::string&, const std::string& target) {
      if (target.find("rank=2") == std::string::npos) return;
      create_file(write_gate + "/writing");
      for (;;) ::pause();
    });
  });
  REQUIRE(await_file(write_gate + "/writing"));
  kill_run(pid);
  CHECK_FALSE(std::filesystem::exists(point + "2.json"));
  CHECK_FALSE(temporaries_under(out).empty());  // the kill did land mid-write

  // 3. Mid-plot: every point finished, killed while gnuplot runs; gnuplot must not outlive the run.
  const std::string plot_gate = gate("plot");
  for (const char* id : {"1", "2", "3"}) create_file(plot_gate + "/release-" + id);
  const std::string bin = dir.file("bin");
  install_fake_gnuplot(bin, plot_gate);
  pid = start_run(config, plot_gate, /*plots=*/true, [&] {
    const char* path = std::getenv("PATH");
    ::setenv("PATH", (bin + ":" + (path ? path : "/usr/bin:/bin")).c_str(), 1);
  });
  REQUIRE(await_file(plot_gate + "/gnuplot.pid"));
  const pid_t gnuplot = static_cast<pid_t>(std::stol(test::read_text(plot_gate + "/gnuplot.pid")));
  kill_run(pid);
  bool gnuplot_stopped = false;
  for (int i = 0; i < 500 && !gnuplot_stopped; ++i, std::this_thread::sleep_for(10ms)) gnuplot_stopped = !process_alive(gnuplot);
  CHECK(gnuplot_stopped);
  if (!gnuplot_stopped) ::kill(gnuplot, SIGKILL);
  for (int id = 1; id <= 3; ++id) CHECK(std::filesystem::exists(point + std::to_string(id) + ".json"));

  // 4. The rerun reuses all three points, fits nothing, and cleans up.
  const std::string rerun_gate = gate("rerun");
  pid = start_run(config, rerun_gate, /*plots=*/false, [&] { g_gate.clear(); });
  CHECK(finish_run(pid) == 0);
  CHECK(test::read_text(rerun_gate + "/report") == "3 0");
  CHECK(temporaries_under(out).empty());
}

TEST_CASE("aelab plot on a results folder whose manifest lacks a key: a one-line error, not an internal one") {
  test::TempDir dir;
  test::write_text(dir.file("manifest.json"), "{\"config\": {}}");
  test::write_text(dir.file("selection.json"), "{}");
  const test::CliResult r = test::run_aelab({"plot", dir.path()});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "aelab: error: " + dir.path() +
                     ": manifest.json or selection.json is not as aelab run writes it (key 'name' not found)\n");
}

TEST_CASE("vae_cf: a stray huge training uid is refused by the memory guard, not a failed allocation") {
  VaeCfSplit split = small_split();
  split.train.push_back({4000000000ull, 0});
  CHECK_THROWS_WITH_AS(to_split_data(split), doctest::Contains("the 4000000001 rows that training uid 4000000000 implies"), Error);
}

// ---------------------------------------------------------------------------------------------------
// Ranks above the number of items, refused with their JSON path as early as the item count is known.

TEST_CASE("a rank above the items: refused at --check for synthetic data, at --dry-run once a file is read") {
  test::TempDir dir;
  const std::string out = dir.file("out");
  const std::string config = dir.file("tiny.json");
  std::string text = tiny_config(out, /*save_split=*/true);
  test::write_text(config, text);
  REQUIRE(test::run_aelab({"run", config, "--quiet", "--no-plots"}).exit_code == 0);

  const std::string too_big = dir.file("too_big.json");
  test::write_text(too_big, std::string(text).replace(text.find("[2, 4]"), 6, "[2, 21]"));
  const test::CliResult check = test::run_aelab({"run", "--check", too_big});
  CHECK(check.exit_code != 0);
  CHECK(check.err == "aelab: error: " + too_big +
                         ": solvers[0].grid.rank[1]: rank 21 exceeds the items of the synthetic generator (20)\n");

  // The same grid on the saved split folder: --check cannot know the items and says so; --dry-run can.
  const std::string from_files = dir.file("from_files.json");
  const std::string data_before = text.substr(text.find("\"data\""), text.find("\"evaluation\"") - text.find("\"data\""));
  std::string file_config = std::string(text).replace(text.find(data_before), data_before.size(),
                                                      "\"data\": {\"split_dir\": \"" + out + "/split\"},\n  ");
  file_config.replace(file_config.find("[2, 4]"), 6, "[2, 4000]");
  file_config.replace(file_config.find(out + "\"}}"), out.size(), dir.file("out2"));
  test::write_text(from_files, file_config);
  const test::CliResult unknown = test::run_aelab({"run", "--check", from_files});
  CHECK(unknown.exit_code == 0);
  CHECK(unknown.out.find("note: ranks are checked against the number of items when the data are read") != std::string::npos);
  const test::CliResult dry = test::run_aelab({"run", "--dry-run", from_files});
  INFO(dry.err);
  CHECK(dry.exit_code != 0);
  CHECK(dry.err.find("\naelab: error: " + from_files +
                     ": solvers[0].grid.rank[1]: rank 4000 exceeds the number of items of the data (20)\n") != std::string::npos);
  CHECK(!std::filesystem::exists(dir.file("out2")));

  const std::string gap = dir.file("gap.json");
  std::string gap_text = text;
  gap_text.insert(gap_text.rfind('}'), ", \"approximation_gap\": {\"lambda\": 10, \"p\": 0.1, \"ranks\": [2, 25]}");
  test::write_text(gap, gap_text);
  const test::CliResult gap_check = test::run_aelab({"run", "--check", gap});
  INFO(gap_check.err);
  CHECK(gap_check.exit_code != 0);
  CHECK(gap_check.err.find("approximation_gap.ranks: rank 25 exceeds the items of the synthetic generator (20)") != std::string::npos);
}

// ---------------------------------------------------------------------------------------------------
// Commands that write without the run lock (aelab split --out, aelab plot) remove what a killed earlier
// call left, but only files whose writer has exited.

namespace {

// A process id that has certainly exited: a child that was waited for.
pid_t exited_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

}  // namespace

TEST_CASE("aelab split --out: a killed earlier split's temporaries are removed, a split it moved aside comes back") {
  test::TempDir dir;
  const std::string ratings = dir.file("ratings.csv");
  REQUIRE(test::run_aelab({"synth", "--out", ratings, "--users", "80", "--items", "30", "--mean-items", "8"}).exit_code == 0);
  const std::string out = dir.file("split");
  const std::vector<std::string> split_args = {"split", "--format", "movielens-csv", "--input", ratings, "--heldout", "10", "--out", out};
  REQUIRE(test::run_aelab(split_args).exit_code == 0);
  const std::string train = test::read_text(out + "/train.csv");

  // Killed between moving the old split aside and moving the new one in: no target, the old one aside.
  const std::string dead = std::to_string(exited_pid());
  std::filesystem::rename(out, dir.file(".split.old-" + dead + "-0-1"));
  std::filesystem::create_directories(dir.file(".split.tmp-" + dead + "-1-1"));
  test::write_text(dir.file(".split.tmp-" + dead + "-1-1/train.csv"), "uid,sid\n");
  std::filesystem::create_directories(dir.file(".split.tmp-1-2-1"));  // pid 1 runs: a live writer's folder
  // The old split is back, so without --force the folder exists.
  const test::CliResult refused = test::run_aelab(split_args);
  CHECK(refused.exit_code != 0);
  CHECK(refused.err.find("already exists (use --force to replace it)") != std::string::npos);
  CHECK(test::read_text(out + "/train.csv") == train);
  CHECK(!std::filesystem::exists(dir.file(".split.old-" + dead + "-0-1")));
  CHECK(!std::filesystem::exists(dir.file(".split.tmp-" + dead + "-1-1")));
  CHECK(std::filesystem::exists(dir.file(".split.tmp-1-2-1")));
  std::filesystem::remove(dir.file(".split.tmp-1-2-1"));

  std::vector<std::string> replace_args = split_args;
  replace_args[replace_args.size() - 3] = "20";  // --heldout 20: another split
  replace_args.push_back("--force");
  REQUIRE(test::run_aelab(replace_args).exit_code == 0);
  CHECK(test::read_text(out + "/train.csv") != train);
  CHECK(temporaries_under(dir.path()).empty());  // the old split went out in one exchange
}

TEST_CASE("aelab plot: a killed earlier plot's temporaries are removed, a live writer's are kept") {
  test::TempDir dir;
  const std::string out = dir.file("out");
  const std::string config = dir.file("tiny.json");
  test::write_text(config, tiny_config(out, /*save_split=*/false));
  REQUIRE(test::run_aelab({"run", config, "--quiet", "--no-plots"}).exit_code == 0);
  const std::string dead = std::to_string(exited_pid());
  std::filesystem::create_directories(out + "/plots");
  const std::string orphan = out + "/plots/.ndcg_vs_rank.svg.tmp-" + dead + "-0-1";
  const std::string live = out + "/plots/.ndcg_vs_rank.png.tmp-1-0-1";
  test::write_text(orphan, "<svg");
  test::write_text(live, "png");
  test::run_aelab({"plot", out});  // renders only where gnuplot is installed; the cleanup runs either way
  CHECK(!std::filesystem::exists(orphan));
  CHECK(std::filesystem::exists(live));

  const std::string figure = dir.file("fig1.svg");
  const std::string combined_orphan = dir.file(".fig1.panel1.dat.tmp-" + dead + "-0-1");
  test::write_text(combined_orphan, "x");
  test::run_aelab({"plot", "--combine", out, "--out", figure});
  CHECK(!std::filesystem::exists(combined_orphan));
}
