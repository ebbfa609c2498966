// The approximation-gap report (experiments/approximation_gap.hpp) on the ml-latest-small protocol
// split with items of fewer than 20 positive ratings removed (about 600 items, so every fit takes a
// fraction of a second): its numbers equal those of fitting each solver on its own, L_exact is the
// lowest objective, gaps are >= 0, admm's one run gives both iterates, a non-converged exact and a
// failing solver are reported, options are validated, and `aelab eval --gap` prints the report.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>

#include "core/data/loaders.hpp"
#include "core/data/split.hpp"
#include "core/data/vae_cf.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/solver/models.hpp"
#include "core/util/number_text.hpp"
#include "experiments/gap/approximation_gap.hpp"
#include "experiments/common/gnuplot.hpp"
#include "experiments/sweep/plots.hpp"
#include "experiments/sweep/results.hpp"
#include "solvers/admm/admm.hpp"
#include "solvers/builtin.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

const nlohmann::json& row(const nlohmann::json& report, const std::string& label) {
  for (const nlohmann::json& r : report["rows"])
    if (r["label"] == label) return r;
  FAIL("no row " << label);
  static const nlohmann::json none;
  return none;
}

GapPoint point(std::uint64_t rank, double lambda = 20, double p = 0.33) {
  GapPoint pt;
  pt.rank = Rank::of(rank);
  pt.reg = Regularizer{lambda, p};
  return pt;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

SHARED_DATA_TEST_CASE("gap report: each row equals a separate fit; exact is lowest; gaps >= 0; one inverse") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const SplitData split = to_split_data(test::ml_latest_small_split(ratings, 20));
  const Registry registry = builtin_registry();
  ApproximationGapOptions options;
  for (std::uint64_t k : {10, 40}) {
    CAPTURE(k);
    LinalgCache cache(split.train);
    const GapReport typed = approximation_gap(cache, split, registry, point(k), options);
    const nlohmann::json report = typed.to_json(/*with_reports=*/true);
    CHECK(report["inverse"]["inversions"] == 1);
    CHECK(cache.stats().inversions == 1);
    REQUIRE(report["rows"].size() == 6);
    CHECK(report["rows"][0]["label"] == "exact");
    CHECK(report["reference"]["status"] == "converged optimum");
    CHECK(report["reference"]["converged"] == true);
    const double exact_objective = report["reference"]["objective"].get<double>();
    const double exact_ndcg = row(report, "exact")["metrics"]["ndcg@100"]["mean"].get<double>();

    // Every row against its own fit in a fresh cache (as `aelab eval` would fit it).
    struct Expected {
      const char* label;
      std::string spec;
    };
    const std::string at = "rank=" + std::to_string(k) + ",lambda=20,p=0.33";
    for (const Expected& e : {Expected{"exact", "exact:" + at}, Expected{"closed_form_approx", "closed_form_approx:" + at},
                              Expected{"admm_last", "admm:" + at}, Expected{"admm_best", "admm:keep_best=true," + at},
                              Expected{"zero_diagonal", "zero_diagonal:" + at}, Expected{"unconstrained", "unconstrained:" + at}}) {
      CAPTURE(e.label);
      LinalgCache own_cache(split.train);
      FitContext ctx(own_cache);
      ctx.registry = &registry;
      const SolverSpec spec = parse_solver_spec(registry, e.spec);
      const auto model = spec.solver->fit(ctx, spec.params);
      const EvaluationResult evaluation = evaluate(*model, split.validation, default_metrics());
      const nlohmann::json& r = row(report, e.label);
      CHECK(r["status"] != "failed");
      CHECK(r["params"] == spec.params.to_json());
      const double objective = model->report().objective.value();
      CHECK(r["objective"].get<double>() == doctest::Approx(objective).epsilon(1e-12));
      for (const MetricSpec& m : default_metrics()) {
        CHECK(r["metrics"][m.name()]["mean"].get<double>() ==
              doctest::Approx(evaluation.summary(m.name()).mean).epsilon(1e-12));
        CHECK(r["metrics"][m.name()]["se"].get<double>() == doctest::Approx(evaluation.summary(m.name()).se).epsilon(1e-12));
      }
      if (!model->report().trace.empty())
        CHECK(r["report"]["iterations"]["returned"] == model->report().trace.returned);
      // The gap and the metric difference are what their definitions say.
      CHECK(r["relative_gap"].get<double>() == doctest::Approx((objective - exact_objective) / exact_objective).epsilon(1e-9));
      CHECK(r["metric_difference"]["ndcg@100"].get<double>() ==
            doctest::Approx(r["metrics"]["ndcg@100"]["mean"].get<double>() - exact_ndcg).epsilon(1e-12));
      // L_exact is the lowest objective; gaps are >= 0 up to the exact solver's tolerance.
      CHECK(exact_objective <= objective * (1 + 1e-9));
      CHECK(r["relative_gap"].get<double>() >= -1e-9);
      CHECK(r["fit_seconds"].get<double>() >= 0);
    }
    MESSAGE("k = " << k << ": closed_form_approx gap " << row(report, "closed_form_approx")["relative_gap"]
                   << ", admm_last " << row(report, "admm_last")["relative_gap"] << ", admm_best "
                   << row(report, "admm_best")["relative_gap"] << ", zero_diagonal "
                   << row(report, "zero_diagonal")["relative_gap"] << ", unconstrained "
                   << row(report, "unconstrained")["relative_gap"]);
    // admm's best iterate is never worse than its last; both come from one run.
    CHECK(row(report, "admm_best")["objective"].get<double>() <= row(report, "admm_last")["objective"].get<double>());
    CHECK(row(report, "admm_best")["shared_fit"] == "admm_last");
    CHECK(row(report, "exact")["relative_gap"].get<double>() == 0.0);
    CHECK(report["warnings"].is_array());
    const std::string table = format_approximation_gap(typed);
    CHECK(table.find("closed_form_approx") != std::string::npos);
    CHECK(table.find("exact: converged") != std::string::npos);
  }
}

SHARED_DATA_TEST_CASE("admm's variants: one run, the models of keep_best off and on; rank full shares one model") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const SplitData split = to_split_data(test::ml_latest_small_split(ratings, 20));
  const Registry registry = builtin_registry();
  const Solver& admm = registry.get("admm");
  LinalgCache cache(split.train);
  FitContext ctx(cache);
  // These settings diverge (the last iterate is far worse than the best), so the two differ.
  const ParamSet params = admm.make_params({{"rank", 10}, {"lambda", 20}, {"p", 0.33}});
  const std::vector<VariantSpec> variants = admm.variants(params);
  const std::vector<std::shared_ptr<FittedModel>> both = admm.fit_variants(ctx, params);
  REQUIRE(variants.size() == 2);
  REQUIRE(both.size() == 2);
  CHECK(variants[0].label == "admm_last");
  CHECK(variants[1].label == "admm_best");
  const auto last = admm.fit(ctx, variants[0].params);
  const auto best = admm.fit(ctx, variants[1].params);
  CHECK_FALSE(variants[0].params.boolean("keep_best"));
  CHECK(variants[1].params.boolean("keep_best"));
  REQUIRE(both[0] != both[1]);
  const auto factors = [](const FittedModel& m) {
    const auto* lr = dynamic_cast<const LowRankModel<double>*>(&m);
    REQUIRE(lr != nullptr);
    return std::make_pair(lr->U(), lr->V());
  };
  CHECK(arma::approx_equal(factors(*both[0]).first, factors(*last).first, "absdiff", 0.0));
  CHECK(arma::approx_equal(factors(*both[0]).second, factors(*last).second, "absdiff", 0.0));
  CHECK(arma::approx_equal(factors(*both[1]).first, factors(*best).first, "absdiff", 0.0));
  CHECK(arma::approx_equal(factors(*both[1]).second, factors(*best).second, "absdiff", 0.0));
  for (const auto& [variant, alone] : {std::make_pair(both[0].get(), last.get()), std::make_pair(both[1].get(), best.get())}) {
    const FitReport& a = variant->report();
    const FitReport& b = alone->report();
    CHECK(a.objective == b.objective);
    CHECK(a.trace.returned == b.trace.returned);
    CHECK(a.trace.best == b.trace.best);
    CHECK(a.trace.completed == b.trace.completed);
    CHECK(a.stop_reason == b.stop_reason);
    CHECK(a.warnings == b.warnings);
  }
  // The same iteration (the traces differ only in their wall times).
  const Trace& trace = both[0]->report().trace;
  REQUIRE(trace.points.size() == last->report().trace.points.size());
  REQUIRE(trace.points.size() == both[1]->report().trace.points.size());
  for (std::size_t i = 0; i < trace.points.size(); ++i) {
    CHECK(trace.points[i].objective == last->report().trace.points[i].objective);
    CHECK(trace.points[i].residual == last->report().trace.points[i].residual);
    CHECK(trace.points[i].objective == both[1]->report().trace.points[i].objective);
  }
  CHECK(both[1]->report().objective.value() < both[0]->report().objective.value());
  CHECK(both[1]->report().trace.returned == both[1]->report().trace.best);

  const std::vector<std::shared_ptr<FittedModel>> full = admm.fit_variants(ctx, params.with("rank", Rank::full_rank()));
  REQUIRE(full.size() == 2);
  CHECK(full[0] != nullptr);
  CHECK(full[0] == full[1]);
}

SHARED_DATA_TEST_CASE("gap report: a non-converged exact is flagged, negative gaps warn, a failing solver is a failed row") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const SplitData split = to_split_data(test::ml_latest_small_split(ratings, 20));
  const Registry registry = builtin_registry();
  LinalgCache cache(split.train);
  ApproximationGapOptions options;
  options.solvers = {"closed_form_approx", "zero_diagonal"};
  // Two iterations from a random start: far from the optimum, so Algorithm 1 is below "exact".
  options.per_solver = {{"exact", {{"init", "random"}, {"max_iterations", 2}}}};
  options.on = "test";
  const GapReport typed = approximation_gap(cache, split, registry, point(10), options);
  const nlohmann::json report = typed.to_json(true);
  CHECK(report["reference"]["converged"] == false);
  CHECK(report["reference"]["status"].get<std::string>().rfind("NOT converged: iteration limit", 0) == 0);
  CHECK(row(report, "exact")["status"] == "stopped");
  CHECK(row(report, "closed_form_approx")["relative_gap"].get<double>() < 0);
  const std::string warnings = report["warnings"].dump();
  CHECK(warnings.find("non-converged point") != std::string::npos);
  CHECK(warnings.find("closed_form_approx's Eq. 7 objective is below exact's") != std::string::npos);
  CHECK(report["on"] == "test");
  CHECK(report["n_users"].get<std::size_t>() + report["n_users_excluded"].get<std::size_t>() == split.test.n_users());
  CHECK(format_approximation_gap(typed).find("NOT CONVERGED") != std::string::npos);

  // zero_diagonal refuses rank 1 (a documented degenerate case): a failed row, the report goes on.
  ApproximationGapOptions rank1;
  rank1.solvers = {"zero_diagonal", "unconstrained"};
  const GapReport typed1 = approximation_gap(cache, split, registry, point(1), rank1);
  const nlohmann::json r1 = typed1.to_json(true);
  REQUIRE(r1["rows"].size() == 3);
  CHECK(row(r1, "zero_diagonal")["status"] == "failed");
  CHECK(row(r1, "zero_diagonal")["message"].get<std::string>().find("rank 1 is degenerate") != std::string::npos);
  CHECK(row(r1, "zero_diagonal")["relative_gap"].is_null());
  CHECK(row(r1, "unconstrained")["relative_gap"].get<double>() >= -1e-9);
  CHECK(r1["warnings"].dump().find("zero_diagonal failed") != std::string::npos);
  // The CSV has one line per row and as many fields as its header.
  const std::string csv = approximation_gap_csv({typed, typed1});
  std::istringstream lines(csv);
  std::string line;
  std::vector<std::size_t> fields;
  while (std::getline(lines, line)) fields.push_back(static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')));
  REQUIRE(fields.size() == 1 + 3 + 3);
  for (std::size_t f : fields) CHECK(f == fields.front());
  CHECK(csv.rfind("rank,lambda,p,label,solver,objective,relative_gap,ndcg@100,ndcg@100_se,ndcg@100_difference", 0) == 0);
}

TEST_CASE("gap options are validated before any fit, with the path of the mistake") {
  const Registry registry = builtin_registry();
  const auto plan = [&](const ApproximationGapOptions& o, GapPoint p = point(10)) {
    return error_of([&] { plan_approximation_gap(registry, p, o, "approximation_gap"); });
  };
  ApproximationGapOptions o;
  CHECK(plan(o) == "(no error)");
  CHECK(plan_approximation_gap(registry, point(10), o).size() == 5);
  o.solvers = {"closed_form_approx", "exact"};
  CHECK(plan(o).find("approximation_gap.solvers[1]: exact is the reference") == 0);
  o.solvers = {"closed_form_approx", "closed_form_approx"};
  CHECK(plan(o).find("listed twice") != std::string::npos);
  o.solvers = {"closed_form_aprox"};
  CHECK(plan(o).find("approximation_gap.solvers[0]: unknown solver \"closed_form_aprox\"") == 0);
  o.solvers = {"popularity"};
  CHECK(plan(o).find("has no parameter \"rank\"") != std::string::npos);
  o = ApproximationGapOptions();
  o.per_solver = {{"admm", {{"keep_best", true}}}};
  CHECK(plan(o).find("approximation_gap.solver_params.admm.keep_best: keep_best is not a setting") == 0);
  o.per_solver = {{"admm", {{"rank", 5}}}};
  CHECK(plan(o).find("rank is set by the point") != std::string::npos);
  o.per_solver = {{"admm", {{"omega", -1}}}};
  CHECK(plan(o).find("approximation_gap.solver_params.admm.omega") == 0);
  o.per_solver = {{"mlp", {{"epochs", 2}}}};
  CHECK(plan(o).find("is not a solver of this report") != std::string::npos);
  o = ApproximationGapOptions();
  o.common = {{"epochs", 0}};
  CHECK(plan(o).find("approximation_gap.common.epochs") == 0);
  o.common = {{"omegaa", 1}};
  CHECK(plan(o).find("no solver of the report has a parameter \"omegaa\"") != std::string::npos);
  o = ApproximationGapOptions();
  o.metric = "ndcg@10";
  CHECK(plan(o).find("approximation_gap.metric: \"ndcg@10\" is not evaluated") == 0);
  o = ApproximationGapOptions();
  o.on = "train";
  CHECK(plan(o).find("approximation_gap.on") == 0);
  CHECK(plan(ApproximationGapOptions(), point(10, -1)).find("approximation_gap.lambda") == 0);
  CHECK(plan(ApproximationGapOptions(), point(10, 20, 1.0)).find("approximation_gap.p") == 0);
  // Common values reach every solver having them, per-solver values override them.
  o = ApproximationGapOptions();
  o.common = {{"epochs", 3}, {"seed", 5}};
  o.per_solver = {{"zero_diagonal", {{"epochs", 7}}}};
  for (const GapEntry& e : plan_approximation_gap(registry, point(10), o)) {
    CAPTURE(e.solver->name());
    if (e.solver->has_param("seed")) CHECK(e.params.integer("seed") == 5);
    if (e.solver->name() == "admm") CHECK(e.params.integer("epochs") == 3);
    if (e.solver->name() == "zero_diagonal") CHECK(e.params.integer("epochs") == 7);
    CHECK(e.params.rank("rank") == Rank::of(10));
  }
}

SHARED_DATA_TEST_CASE("aelab eval --gap prints the table, and with --json one object holding every solver") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  test::TempDir dir;
  write_vae_cf(dir.file("split"), test::ml_latest_small_split(ratings, 20));
  const auto json = test::run_aelab({"eval", "--data", dir.file("split"), "--gap", "--set", "rank=10", "--set", "lambda=20",
                                     "--set", "p=0.33", "--set", "admm.epochs=5", "--json", "--quiet"});
  INFO(json.err);
  REQUIRE(json.exit_code == 0);
  const nlohmann::json report = nlohmann::json::parse(json.out);
  std::set<std::string> labels;
  for (const auto& r : report["rows"]) labels.insert(r["label"].get<std::string>());
  CHECK(labels == std::set<std::string>{"exact", "closed_form_approx", "admm_last", "admm_best", "zero_diagonal", "unconstrained"});
  CHECK(row(report, "admm_last")["params"]["epochs"] == 5);
  CHECK(report["point"]["rank"] == 10);
  for (const auto& r : report["rows"]) {
    CHECK(r["objective"].is_number());
    CHECK(r["relative_gap"].get<double>() >= -1e-9);
  }

  const auto text = test::run_aelab({"eval", "--data", dir.file("split"), "--gap", "--set", "rank=10", "--set",
                                     "lambda=20", "--gap-solvers", "closed_form_approx,unconstrained", "--on", "test",
                                     "--metric", "recall@20", "--quiet"});
  INFO(text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("recall@20 on 50 test users") != std::string::npos);
  CHECK(text.out.find("relative gap") != std::string::npos);
  CHECK(text.out.find("unconstrained") != std::string::npos);
  CHECK(text.out.find("admm") == std::string::npos);

  const auto both = test::run_aelab({"eval", "--data", dir.file("split"), "--gap", "--solver", "admm", "--set", "rank=10"});
  CHECK(both.exit_code == 1);
  CHECK(both.err.find("--solver and --gap exclude each other") != std::string::npos);
  const auto no_rank = test::run_aelab({"eval", "--data", dir.file("split"), "--gap"});
  CHECK(no_rank.exit_code == 1);
  CHECK(no_rank.err.find("--set rank=K is required") != std::string::npos);
  const auto bad = test::run_aelab({"eval", "--data", dir.file("split"), "--gap", "--set", "rank=10", "--set", "admm.omega=-3"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("solver_params.admm.omega") != std::string::npos);
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
}

namespace {

std::string gap_config(const std::string& ratings, const std::string& out_dir, const nlohmann::json& section) {
  nlohmann::json config = {
      {"schema_version", 1},
      {"name", "gap"},
      {"data",
       {{"format", "movielens-csv"}, {"path", ratings}, {"threshold", 3.5}, {"min_uc", 5}, {"min_sc", 20}, {"heldout_users", 50}}},
      {"solvers",
       {{{"id", "closed_form_approx"}, {"solver", "closed_form_approx"},
         {"grid", {{"rank", {5, 20, "full"}}, {"lambda", {10, 30}}, {"p", {0.33}}}}},
        {{"id", "popularity"}, {"solver", "popularity"}}}},
      {"output", {{"dir", out_dir}}},
      {"approximation_gap", section}};
  return config.dump(1);
}

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

SHARED_DATA_TEST_CASE("aelab run: the approximation_gap section writes its table (CSV + JSON) and plots, and resumes") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  test::TempDir dir;
  const std::string out = dir.file("results");
  // At the lambda and p selected for closed_form_approx (the default entry), at its finite ranks.
  test::write_text(dir.file("gap.json"), gap_config(ratings, out, {{"solver_params", {{"admm", {{"epochs", 5}}}}}}));
  const auto first = test::run_aelab({"run", dir.file("gap.json")});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("approximation gap: 2 points (2 computed now, 0 stored, 0 failed)") != std::string::npos);

  const nlohmann::json gap = nlohmann::json::parse(test::read_text(out + "/approximation_gap.json"));
  const nlohmann::json selection = nlohmann::json::parse(test::read_text(out + "/selection.json"));
  REQUIRE(gap["points"].size() == 2);
  CHECK(gap["config"]["selected_from"] == "closed_form_approx");
  CHECK(gap["config"]["on"] == "test");
  for (const auto& report : gap["points"]) {
    // Each point is closed_form_approx's selection at that rank, and its row equals the sweep's point.
    const auto& rank = report["point"]["rank"];
    const nlohmann::json* chosen = nullptr;
    for (const auto& group : selection["solvers"][0]["groups"])
      if (group["per"]["rank"] == rank) chosen = &group["selected"];
    REQUIRE(chosen != nullptr);
    CHECK(report["point"]["lambda"] == (*chosen)["params"]["lambda"]);
    CHECK(report["point"]["p"] == (*chosen)["params"]["p"]);
    CHECK(row(report, "closed_form_approx")["objective"].get<double>() ==
          doctest::Approx((*chosen)["objective"].get<double>()).epsilon(1e-12));
    CHECK(row(report, "closed_form_approx")["metrics"]["ndcg@100"]["mean"].get<double>() ==
          doctest::Approx((*chosen)["test"]["ndcg@100"]["mean"].get<double>()).epsilon(1e-12));
    CHECK(report["reference"]["converged"] == true);
    CHECK(row(report, "admm_last")["params"]["epochs"] == 5);
    CHECK(!row(report, "closed_form_approx").contains("report"));  // the summary leaves them to the point files
    for (const auto& r : report["rows"]) CHECK(r["relative_gap"].get<double>() >= -1e-9);
  }
  const std::string csv = test::read_text(out + "/approximation_gap.csv");
  CHECK(count_lines(csv) == 1 + 2 * 6);
  CHECK(std::filesystem::exists(out + "/approximation_gap/lambda=" +
                                round_trip_text(gap["points"][0]["point"]["lambda"].get<double>()) + ",p=0.33,rank=5.json"));
  CHECK(std::filesystem::exists(out + "/plots/approximation_gap_vs_rank.gp"));
  CHECK(std::filesystem::exists(out + "/plots/approximation_gap_ndcg100_difference_vs_rank.dat"));
  if (!find_gnuplot().empty()) {
    CHECK(std::filesystem::exists(out + "/plots/approximation_gap_vs_rank.svg"));
    CHECK(std::filesystem::exists(out + "/plots/approximation_gap_vs_rank.png"));
  } else {
    MESSAGE("gnuplot is not installed: scripts only");
  }
  // The plot's data are the relative gaps, one block per solver.
  const std::string dat = test::read_text(out + "/plots/approximation_gap_vs_rank.dat");
  CHECK(dat.find("# closed_form_approx") != std::string::npos);
  CHECK(dat.find("# admm_best") != std::string::npos);

  // A rerun reuses the stored reports (and writes the same CSV).
  const auto second = test::run_aelab({"run", dir.file("gap.json")});
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(second.out.find("approximation gap: 2 points (0 computed now, 2 stored, 0 failed)") != std::string::npos);
  CHECK(test::read_text(out + "/approximation_gap.csv") == csv);
}

SHARED_DATA_TEST_CASE("aelab run: a fixed-point approximation_gap section with rank full; section errors name their path") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  test::TempDir dir;
  const std::string out = dir.file("results");
  test::write_text(dir.file("gap.json"),
                   gap_config(ratings, out,
                              {{"ranks", {"full", 10}}, {"lambda", 20}, {"p", 0.33}, {"on", "validation"},
                               {"solvers", {"closed_form_approx", "admm", "unconstrained"}}}));
  const auto run = test::run_aelab({"run", dir.file("gap.json"), "--quiet", "--no-plots"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const nlohmann::json gap = nlohmann::json::parse(test::read_text(out + "/approximation_gap.json"));
  REQUIRE(gap["points"].size() == 2);
  CHECK(gap["points"][0]["point"]["rank"] == 10);
  const nlohmann::json& full = gap["points"][1];
  CHECK(full["point"]["rank"] == "full");
  CHECK(full["on"] == "validation");
  // At full rank every EDLAE solver is B^ (gap 0 up to the two closed-form evaluators); the
  // unconstrained ridge model keeps a diagonal and is worse under Eq. 7.
  CHECK(std::abs(row(full, "closed_form_approx")["relative_gap"].get<double>()) < 1e-9);
  CHECK(std::abs(row(full, "admm_last")["relative_gap"].get<double>()) < 1e-9);
  CHECK(row(full, "admm_best")["objective"] == row(full, "admm_last")["objective"]);
  CHECK(row(full, "unconstrained")["relative_gap"].get<double>() > 1e-6);
  CHECK_FALSE(std::filesystem::exists(out + "/plots/approximation_gap_vs_rank.gp"));  // --no-plots

  // Mistakes in the section: one line with the JSON path, before any data is read.
  const auto check = [&](const nlohmann::json& section) {
    test::write_text(dir.file("bad.json"), gap_config(ratings, out, section));
    return test::run_aelab({"run", dir.file("bad.json"), "--check"});
  };
  const auto both = check({{"lambda", 20}, {"p", 0.33}, {"selected_from", "closed_form_approx"}, {"ranks", {10}}});
  CHECK(both.exit_code == 1);
  CHECK(both.err == "aelab: error: approximation_gap.selected_from: give either selected_from or lambda and p, not both\n");
  const auto no_ranks = check({{"lambda", 20}, {"p", 0.33}});
  CHECK(no_ranks.err.find("approximation_gap.ranks: required with a fixed lambda and p") != std::string::npos);
  const auto bad_rank = check({{"ranks", {7}}});
  CHECK(bad_rank.err.find("approximation_gap.ranks[0]: rank 7 is not among the ranks of entry \"closed_form_approx\"") !=
        std::string::npos);
  const auto bad_solver = check({{"solvers", {"closed_form_approx", "exact"}}});
  CHECK(bad_solver.err.find("approximation_gap.solvers[1]: exact is the reference") != std::string::npos);
  const auto bad_metric = check({{"metric", "ndcg@10"}});
  CHECK(bad_metric.err.find("approximation_gap.metric: \"ndcg@10\" is not evaluated") != std::string::npos);
  const auto ok = check({{"ranks", {5}}});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("approximation gap at 1 ranks") != std::string::npos);
}
