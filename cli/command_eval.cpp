// `aelab eval DATA --solver NAME [--set key=value ...] [--on validation|test] [--metrics LIST] ...`: trains
// one solver on the training users and evaluates the held-out users. DATA is any source a config's
// data section takes (cli/eval_data_options.hpp): a vae_cf split folder, a raw file split by the
// strong-generalization protocol, or a given train/test split (--format lightgcn).
// `aelab eval --data SPLIT_DIR --gap --set rank=K --set lambda=L --set p=P ...`: the approximation-gap
// report (experiments/approximation_gap.hpp) at that point instead: exact and the solvers compared with
// it, each with its Eq. 7 objective, relative gap, metric and difference to exact.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <set>

#include "cli/backend.hpp"
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/eval_data_options.hpp"
#include "core/eval/evaluation.hpp"
#include "core/linalg/blas.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/number_text.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "experiments/common/config_sections.hpp"
#include "experiments/common/data_source.hpp"
#include "experiments/gap/approximation_gap.hpp"
#include "solvers/builtin.hpp"

namespace aelab::cli {

namespace {

std::string fixed(double x, int digits) { return std::isfinite(x) ? fixed_text(x, digits) : "n/a"; }

std::string general(double x) { return significant_text(x, 6); }

// The per-iteration trace of an iterative solver as a table.
void print_trace(const Trace& trace) {
  if (trace.empty()) {
    std::cout << "trace       none (the solver records no per-epoch trace)\n";
    return;
  }
  std::vector<std::string> columns = {trace.iteration_name, trace.objective_name};
  if (!trace.residual_name.empty()) columns.push_back(trace.residual_name);
  columns.insert(columns.end(), trace.extra_columns.begin(), trace.extra_columns.end());
  columns.push_back("seconds");
  const auto cell = [](std::string text, std::size_t width) {
    text.resize(std::max(text.size(), width) + 2, ' ');
    return text;
  };
  std::vector<std::size_t> width;
  for (const auto& c : columns) width.push_back(std::max<std::size_t>(c.size(), 12));
  for (std::size_t c = 0; c < columns.size(); ++c) std::cout << cell(columns[c], width[c]);
  std::cout << "\n";
  for (const TracePoint& p : trace.points) {
    std::vector<std::string> values = {std::to_string(p.iteration), general(p.objective)};
    if (!trace.residual_name.empty()) values.push_back(general(p.residual));
    for (std::size_t e = 0; e < trace.extra_columns.size(); ++e) values.push_back(e < p.extra.size() ? general(p.extra[e]) : "-");
    values.push_back(general(p.seconds));
    for (std::size_t c = 0; c < values.size(); ++c) std::cout << cell(values[c], width[c]);
    std::cout << "\n";
  }
}

void print_eigen(const EigenReport& e) {
  std::cout << "eigen       " << e.method << ", k " << e.k_computed << ", gap at cut-off " << general(e.gap)
            << " (relative " << general(e.relative_gap) << "), max residual " << general(e.max_residual)
            << ", iterations " << e.iterations << "\n";
}

void print_text(const SolverEvaluation& evaluation, const std::string& data, const SplitData& split,
                double load_seconds) {
  const FitReport& report = evaluation.report;
  std::cout << "solver      " << evaluation.solver << " " << evaluation.params.str() << "\n";
  std::cout << "data        " << data << " (train " << split.train.n_rows() << " users x " << split.n_items()
            << " items, " << split.train.nnz() << " interactions; " << dtype_name(evaluation.dtype) << ")\n";
  std::cout << "on          " << evaluation.on << ": " << evaluation.result.uids.size() << " users evaluated, "
            << evaluation.result.n_excluded << " excluded (no held-out items)\n";
  std::size_t width = 12;
  for (const MetricSpec& m : evaluation.metrics) width = std::max(width, m.name().size() + 1);
  for (const MetricSpec& m : evaluation.metrics) {
    std::string name = m.name();
    name.resize(width, ' ');
    const MetricSummary s = evaluation.result.summary(m.name());
    std::cout << name << fixed(s.mean, 5) << " +- " << fixed(s.se, 5) << "\n";
  }
  for (const MetricSpec& m : evaluation.metrics) std::cout << "  " << m.definition() << "\n";
  std::cout << "objective   " << (report.objective ? general(*report.objective) : "n/a (not defined for this solver)") << "\n";
  if (report.eigen) print_eigen(*report.eigen);
  if (report.inverse) std::cout << "inverse     " << (report.inverse->reused ? "reused" : "computed") << "\n";
  // Stages in the order they ran, then the fit and the evaluation.
  std::cout << "seconds     load " << fixed(load_seconds, 2);
  for (const auto& [stage, seconds] : report.seconds.stages()) std::cout << " " << stage << " " << fixed(seconds, 2);
  std::cout << " fit " << fixed(evaluation.fit_seconds, 2) << " evaluate " << fixed(evaluation.result.seconds, 2) << "\n";
  std::cout << "peak RSS    " << format_bytes(evaluation.peak_rss_bytes) << "\n";
  for (const auto& w : report.warnings) std::cout << "warning     " << w << "\n";
}

std::vector<std::string> comma_list(const std::string& text, const std::string& option) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) throw Error("aelab eval: --" + option + " expects names separated by commas, got \"" + text + "\"");
    items.push_back(item);
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

// --set KEY=VALUE pairs of a gap report: rank, lambda, p make the point (rank is required; lambda and
// p default to 300 and 0.33, the solvers' shared defaults); SOLVER.NAME=VALUE goes to that solver;
// any other NAME=VALUE to every solver that has that parameter.
GapPoint gap_settings(const nlohmann::json& given, ApproximationGapOptions& options) {
  GapPoint point;
  if (!given.contains("rank"))
    throw Error("aelab eval --gap: --set rank=K is required (a positive integer or full)");
  const nlohmann::json& rank = given["rank"];
  if (rank.is_string() && rank.get<std::string>() == "full") point.rank = Rank::full_rank();
  else if (rank.is_number_integer() && rank.get<long long>() > 0) point.rank = Rank::of(rank.get<std::uint64_t>());
  else throw Error("aelab eval --gap: rank: expected a positive integer or \"full\", got " + rank.dump());
  for (const char* name : {"lambda", "p"})
    if (given.contains(name)) {
      if (!given[name].is_number()) throw Error(std::string("aelab eval --gap: ") + name + ": expected a number, got " + given[name].dump());
      (std::string(name) == "lambda" ? point.reg.lambda : point.reg.p) = given[name].get<double>();
    }
  for (const auto& item : given.items()) {
    const std::string& key = item.key();
    if (key == "rank" || key == "lambda" || key == "p") continue;
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
      options.common[key] = item.value();
    } else {
      if (dot == 0 || dot + 1 == key.size())
        throw Error("aelab eval --gap: --set expects NAME=VALUE or SOLVER.NAME=VALUE, got \"" + key + "\"");
      options.per_solver[key.substr(0, dot)][key.substr(dot + 1)] = item.value();
    }
  }
  return point;
}

// The split whose `on` users are scored: a given split's test users by a model of every training row,
// its validation users (the carve-out) by a model of the rest; other sources have one split.
SplitData chosen_split(const DataConfig& data_config, const std::string& on,
                       const std::function<void(const std::string&)>& log) {
  ExperimentData data = load_experiment_data(data_config, "", log);
  return data.refit && on == "test" ? std::move(*data.refit) : std::move(data.split);
}

}  // namespace

int command_eval(const Arguments& args) {
  CommandLine cl("aelab eval",
                 "Trains a solver on the training users and evaluates the held-out users (metrics with standard\n"
                 "errors). The data: a vae_cf split folder (--data), a raw file split by the strong-generalization\n"
                 "protocol (--format F --input PATH --heldout H), or a given train/test split (--format lightgcn\n"
                 "--train PATH --test PATH: trained on every training row and scored on test; --on validation\n"
                 "uses the seeded carve-out of the training rows instead).");
  std::string dtype = "float64", backend = "local";
  int block = 256;
  std::optional<std::string> on, solver_name, gap_solvers, metric, metric_list;
  std::vector<std::string> settings;
  std::optional<int> threads;
  std::optional<std::size_t> batch_users;
  bool gap = false, force_memory = false, json = false, trace = false, quiet = false;
  const EvalDataArguments data_args(cl);
  cl.option("--solver", solver_name, "NAME", "solver name (see aelab solvers)");
  cl.repeatable("--set", settings, "KEY=VALUE", "solver parameter (e.g. --set lambda=500 --set rank=full)");
  cl.flag("--gap", gap,
          "approximation-gap report instead of one solver: exact (the Eq. 7 optimum) and the\n"
          "solvers of --gap-solvers at --set rank=K,lambda=L,p=P; other --set NAME=VALUE go to\n"
          "every solver having NAME, --set SOLVER.NAME=VALUE to one (e.g. admm.omega=500)");
  cl.option("--gap-solvers", gap_solvers, "LIST",
            "solvers compared with exact (default closed_form_approx,admm,zero_diagonal,\n"
            "unconstrained; admm is reported as admm_last and admm_best)");
  cl.option("--metric", metric, "NAME", "with --gap: the metric of the table (default ndcg@100)");
  cl.option("--on", on, "PART", "held-out users to evaluate: validation or test (default: test for\n"
                               "--format lightgcn, validation otherwise)")
      ->check(one_of({"validation", "test"}));
  cl.option("--metrics", metric_list, "LIST",
            "metrics to compute, e.g. recall_ngcf@20,ndcg@20 (default: ndcg@100,recall@20,recall@50;\n"
            "with --format lightgcn recall_ngcf@20,ndcg@20,hitrate@20,precision@20)");
  cl.option("--dtype", dtype, "TYPE", "precision of the dense linear algebra: float64 (default) or float32")
      ->check(one_of({"float64", "float32"}));
  cl.option("--threads", threads, "N", "BLAS and Gram threads (default: all cores)")->check(integer_in(1, 1024));
  cl.option("--batch-users", batch_users, "N", "held-out users scored per batch (default: about 256 MiB of scores)")
      ->check(integer_at_least(1));
  cl.option("--backend", backend, "NAME",
            "local (default) or scalapack: the fit and the scoring on the MPI processes of\n"
            "mpirun/srun (closed forms only; docs/DISTRIBUTED.md)")
      ->check(one_of({"local", "scalapack"}));
  cl.option("--block", block, "N", "with --backend scalapack: block size of the block-cyclic matrices (default 256)")
      ->check(integer_in(1, 65536));
  cl.flag("--force-memory", force_memory, "fit even when the memory estimate exceeds the available memory");
  cl.flag("--json", json, "print exactly one JSON object instead of text");
  cl.flag("--trace", trace, "also print the solver's per-epoch trace (iterative solvers)");
  cl.flag("--quiet", quiet, "no progress lines on stderr");
  if (!cl.parse(args)) return 0;
  if (gap && solver_name) throw Error("aelab eval: --solver and --gap exclude each other (--gap-solvers chooses the solvers of a gap report)");
  if (!gap && gap_solvers) throw Error("aelab eval: --gap-solvers needs --gap");
  if (!gap && metric) throw Error("aelab eval: --metric needs --gap (without it every metric is printed)");
  if (gap && trace) throw Error("aelab eval: --trace is not available with --gap (the --json report holds every solver's trace)");
  if (!gap && !solver_name) throw Error("aelab eval: --solver is required (see aelab eval --help)");
  if (backend == "local") refuse_parallel_launch("aelab eval --backend local");
  if (backend == "scalapack" && gap) throw Error("aelab eval: --gap runs on the local backend only");
  if (backend == "scalapack" && !scalapack_available())
    throw Error("aelab eval: --backend scalapack: this aelab was built without AELAB_DISTRIBUTED (needs MPI and "
                "ScaLAPACK, scripts/install-deps.sh)");
  const Registry registry = builtin_registry();
  nlohmann::json given = nlohmann::json::object();
  for (const std::string& pair : settings) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("aelab eval: --set expects KEY=VALUE, got \"" + pair + "\"");
    given[pair.substr(0, eq)] = parse_cli_value(pair.substr(eq + 1));
  }
  const Solver* solver = gap ? nullptr : &registry.get(*solver_name);
  ParamSet params;
  ApproximationGapOptions gap_options;
  GapPoint point;
  if (gap) {
    point = gap_settings(given, gap_options);
    if (gap_solvers) gap_options.solvers = comma_list(*gap_solvers, "gap-solvers");
    if (metric) gap_options.metric = MetricSpec::parse(*metric).name();
  } else {
    params = solver->make_params(given);
  }

  // The data section is checked (paths, its keys) before anything is fitted.
  nlohmann::json resolved;
  const std::string here = std::filesystem::current_path().string();
  const DataConfig data_config = parse_data_section(data_args.data_section(), ConfigLocation{"", here, here}, resolved);

  EvaluationOptions options;
  options.on = on.value_or(data_args.given_split() ? "test" : "validation");
  options.metrics = data_args.given_split() ? given_split_metrics() : default_metrics();
  if (metric_list) {
    options.metrics.clear();
    for (const std::string& name : comma_list(*metric_list, "metrics")) {
      try {
        options.metrics.push_back(MetricSpec::parse(name));
      } catch (const Error& e) {
        throw Error(std::string("aelab eval: --metrics: ") + e.what());
      }
    }
  }
  options.dtype = parse_dtype(dtype);
  options.force_memory = force_memory;
  if (threads) {
    options.threads = *threads;
    set_blas_threads(options.threads);
  }
  if (batch_users) options.batch_users = *batch_users;
  if (!quiet) options.log = [](const std::string& line) { std::cerr << "aelab eval: " << line << "\n"; };

  if (gap) {
    gap_options.on = options.on;
    gap_options.metrics = options.metrics;
    if (std::none_of(options.metrics.begin(), options.metrics.end(),
                     [&](const MetricSpec& m) { return m.name() == gap_options.metric; }))
      gap_options.metrics.push_back(MetricSpec::parse(gap_options.metric));
    gap_options.dtype = options.dtype;
    gap_options.force_memory = options.force_memory;
    gap_options.batch_users = options.batch_users;
    gap_options.log = options.log;
    plan_approximation_gap(registry, point, gap_options);  // every setting checked before the data are read
  }

  const std::string data_text = data_args.description();
  if (backend == "scalapack")
    return eval_on_scalapack([&] { return chosen_split(data_config, options.on, nullptr); }, data_text, *solver_name,
                             params, options, block,
                             [&](const SolverEvaluation& evaluation, const SplitData& split, double load_seconds) {
                               if (json) {
                                 nlohmann::json out = evaluation.to_json();
                                 out["seconds"]["load"] = load_seconds;
                                 std::cout << out.dump() << "\n";
                                 return;
                               }
                               print_text(evaluation, data_text, split, load_seconds);
                             });

  Timer load_timer;
  const SplitData split = chosen_split(data_config, options.on, options.log);
  const double load_seconds = load_timer.seconds();
  if (options.log) options.log("read " + data_text + " in " + fixed(load_seconds, 2) + " s");

  if (gap) {
    LinalgCache cache(split.train, options.threads);
    const GapReport report = approximation_gap(cache, split, registry, point, gap_options);
    if (json) {
      nlohmann::json out = report.to_json(/*with_reports=*/true);
      out["data"] = data_text;
      out["seconds_load"] = load_seconds;
      std::cout << out.dump() << "\n";
    } else {
      std::cout << "data: " << data_text << "\n" << format_approximation_gap(report);
    }
    return 0;
  }

  const SolverEvaluation evaluation = evaluate_solver(split, *solver, params, registry, options);
  if (json) {
    nlohmann::json out = evaluation.to_json();
    out["seconds"]["load"] = load_seconds;
    std::cout << out.dump() << "\n";
    return 0;
  }
  print_text(evaluation, data_text, split, load_seconds);
  if (trace) print_trace(evaluation.report.trace);
  return 0;
}

}  // namespace aelab::cli
