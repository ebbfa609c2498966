// `aelab eval --data SPLIT_DIR --solver NAME [--set key=value ...] [--on validation|test] ...`: trains one
// solver on the training users of a vae_cf split folder and evaluates the held-out users.
// `aelab eval --data SPLIT_DIR --gap --set rank=K --set lambda=L --set p=P ...`: the approximation-gap
// report (experiments/approximation_gap.hpp) at that point instead: exact and the solvers compared with
// it, each with its Eq. 7 objective, relative gap, metric and difference to exact.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <set>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "core/data/vae_cf.hpp"
#include "core/eval/evaluation.hpp"
#include "core/linalg/blas.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "experiments/gap/approximation_gap.hpp"
#include "solvers/builtin.hpp"

namespace aelab::cli {

namespace {

std::string fixed(double x, int digits) {
  if (!std::isfinite(x)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, x);
  return text;
}

std::string general(double x) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}

std::string cell(const nlohmann::json& v) {
  if (v.is_number_float()) return general(v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  return v.dump();
}

// The per-epoch "trace" of an iterative solver as a table: one column per key seen in any epoch.
void print_trace(const nlohmann::json& diagnostics) {
  if (!diagnostics.contains("trace") || !diagnostics["trace"].is_array() || diagnostics["trace"].empty()) {
    std::cout << "trace       none (the solver records no per-epoch trace)\n";
    return;
  }
  const nlohmann::json& trace = diagnostics["trace"];
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const auto& row : trace)
    if (row.is_object())
      for (const auto& item : row.items())
        if (seen.insert(item.key()).second) keys.push_back(item.key());
  std::vector<std::size_t> width;
  for (const auto& k : keys) width.push_back(std::max<std::size_t>(k.size(), 12));
  for (std::size_t c = 0; c < keys.size(); ++c) {
    std::string h = keys[c];
    h.resize(width[c] + 2, ' ');
    std::cout << h;
  }
  std::cout << "\n";
  for (const auto& row : trace) {
    for (std::size_t c = 0; c < keys.size(); ++c) {
      std::string v = row.is_object() && row.contains(keys[c]) ? cell(row[keys[c]]) : "-";
      v.resize(std::max(v.size(), width[c]) + 2, ' ');
      std::cout << v;
    }
    std::cout << "\n";
  }
}

void print_text(const nlohmann::json& report, const std::string& data_dir, const SplitData& split) {
  std::cout << "solver      " << report["solver"].get<std::string>() << " ";
  std::string params;
  for (const auto& item : report["params"].items()) params += (params.empty() ? "" : ",") + item.key() + "=" + cell(item.value());
  std::cout << params << "\n";
  std::cout << "data        " << data_dir << " (train " << split.train.n_rows() << " users x " << split.n_items()
            << " items, " << split.train.nnz() << " interactions; " << report["dtype"].get<std::string>() << ")\n";
  std::cout << "on          " << report["on"].get<std::string>() << ": " << report["n_users"] << " users evaluated, "
            << report["n_users_excluded"] << " excluded (no held-out items)\n";
  for (const auto& item : report["metrics"].items()) {
    std::string name = item.key();
    name.resize(12, ' ');
    std::cout << name << fixed(item.value()["mean"].get<double>(), 5) << " +- " << fixed(item.value()["se"].get<double>(), 5)
              << "\n";
  }
  std::cout << "objective   " << (report["objective"].is_number() ? general(report["objective"].get<double>()) : "n/a (not defined for this solver)")
            << "\n";
  const nlohmann::json& d = report["diagnostics"];
  if (d.contains("eigen") && d["eigen"].is_object()) {
    const auto& e = d["eigen"];
    std::cout << "eigen       " << cell(e.value("method", nlohmann::json())) << ", k " << cell(e.value("k_computed", nlohmann::json()))
              << ", gap at cut-off " << cell(e.value("gap", nlohmann::json())) << " (relative "
              << cell(e.value("relative_gap", nlohmann::json())) << "), max residual "
              << cell(e.value("max_residual", nlohmann::json())) << ", iterations " << cell(e.value("iterations", nlohmann::json()))
              << "\n";
  }
  if (d.contains("inverse_reused")) std::cout << "inverse     " << (d["inverse_reused"].get<bool>() ? "reused" : "computed") << "\n";
  // Stages in the order they run, then whatever else the solver timed.
  std::cout << "seconds    ";
  const std::vector<std::string> order = {"load", "gram", "inverse", "eigen_matrix", "eigen", "factors", "epochs",
                                          "objective", "total", "fit", "evaluate"};
  const nlohmann::json& seconds = report["seconds"];
  for (const auto& key : order)
    if (seconds.contains(key) && seconds[key].is_number()) std::cout << " " << key << " " << fixed(seconds[key].get<double>(), 2);
  for (const auto& item : seconds.items())
    if (item.value().is_number() && std::find(order.begin(), order.end(), item.key()) == order.end())
      std::cout << " " << item.key() << " " << fixed(item.value().get<double>(), 2);
  std::cout << "\n";
  std::cout << "peak RSS    " << format_bytes(report["peak_rss_bytes"].get<std::size_t>()) << "\n";
  if (d.contains("warnings"))
    for (const auto& w : d["warnings"]) std::cout << "warning     " << cell(w) << "\n";
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
      (std::string(name) == "lambda" ? point.lambda : point.p) = given[name].get<double>();
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

}  // namespace

int command_eval(const Arguments& args) {
  CommandLine cl("aelab eval",
                 "Trains a solver on the training users of a vae_cf split folder and evaluates the held-out users\n"
                 "(nDCG@100, Recall@20, Recall@50 with standard errors).",
                 {{"data", "SPLIT_DIR", "vae_cf split folder (train.csv, validation_tr.csv, ..., unique_sid.txt)"},
                  {"solver", "NAME", "solver name (see aelab solvers)"},
                  {"set", "KEY=VALUE", "solver parameter, repeatable (e.g. --set lambda=500 --set rank=full)"},
                  {"gap", "", "approximation-gap report instead of one solver: exact (the Eq. 7 optimum) and the\n"
                              "solvers of --gap-solvers at --set rank=K,lambda=L,p=P; other --set NAME=VALUE go to\n"
                              "every solver having NAME, --set SOLVER.NAME=VALUE to one (e.g. admm.omega=500)"},
                  {"gap-solvers", "LIST", "solvers compared with exact (default closed_form_approx,admm,zero_diagonal,\n"
                                          "unconstrained; admm is reported as admm_last and admm_best)"},
                  {"metric", "NAME", "with --gap: the metric of the table (default ndcg@100)"},
                  {"on", "PART", "held-out users to evaluate: validation (default) or test"},
                  {"dtype", "TYPE", "precision of the dense linear algebra: float64 (default) or float32"},
                  {"threads", "N", "BLAS and Gram threads (default: all cores)"},
                  {"batch-users", "N", "held-out users scored per batch (default: about 256 MiB of scores)"},
                  {"force-memory", "", "fit even when the memory estimate exceeds the available memory"},
                  {"json", "", "print exactly one JSON object instead of text"},
                  {"trace", "", "also print the solver's per-epoch trace (iterative solvers)"},
                  {"quiet", "", "no progress lines on stderr"}});
  if (!cl.parse(args)) return 0;
  if (!cl.positional().empty()) throw Error("aelab eval: unexpected argument '" + cl.positional()[0] + "' (see aelab eval --help)");
  const std::string data_dir = cl.required("data");
  const bool gap = cl.flag("gap");
  if (gap && cl.value("solver")) throw Error("aelab eval: --solver and --gap exclude each other (--gap-solvers chooses the solvers of a gap report)");
  if (!gap && cl.value("gap-solvers")) throw Error("aelab eval: --gap-solvers needs --gap");
  if (!gap && cl.value("metric")) throw Error("aelab eval: --metric needs --gap (without it every metric is printed)");
  if (gap && cl.flag("trace")) throw Error("aelab eval: --trace is not available with --gap (the --json report holds every solver's trace)");
  const Registry registry = builtin_registry();
  nlohmann::json given = nlohmann::json::object();
  for (const std::string& pair : cl.values("set")) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("aelab eval: --set expects KEY=VALUE, got \"" + pair + "\"");
    given[pair.substr(0, eq)] = parse_cli_value(pair.substr(eq + 1));
  }
  const Solver* solver = gap ? nullptr : &registry.get(cl.required("solver"));
  ParamSet params;
  ApproximationGapOptions gap_options;
  GapPoint point;
  if (gap) {
    point = gap_settings(given, gap_options);
    if (auto list = cl.value("gap-solvers")) gap_options.solvers = comma_list(*list, "gap-solvers");
    if (auto metric = cl.value("metric")) {
      const MetricSpec spec = MetricSpec::parse(*metric);
      gap_options.metric = spec.name();
      if (std::none_of(gap_options.metrics.begin(), gap_options.metrics.end(),
                       [&](const MetricSpec& m) { return m.name() == spec.name(); }))
        gap_options.metrics.push_back(spec);
    }
  } else {
    params = solver->make_params(given);
  }

  EvaluationOptions options;
  options.on = cl.value("on").value_or("validation");
  if (options.on != "validation" && options.on != "test")
    throw Error("aelab eval: --on expects validation or test, got \"" + options.on + "\"");
  options.dtype = parse_dtype(cl.value("dtype").value_or("float64"));
  options.force_memory = cl.flag("force-memory");
  if (auto threads = cl.integer("threads")) {
    if (*threads < 1 || *threads > 1024) throw Error("aelab eval: --threads expects an integer in [1, 1024]");
    options.threads = static_cast<int>(*threads);
    set_blas_threads(options.threads);
  }
  if (auto batch = cl.integer("batch-users")) {
    if (*batch < 1) throw Error("aelab eval: --batch-users expects a positive integer");
    options.batch_users = static_cast<std::size_t>(*batch);
  }
  const bool json = cl.flag("json");
  if (!cl.flag("quiet")) options.log = [](const std::string& line) { std::cerr << "aelab eval: " << line << "\n"; };

  if (gap) {
    gap_options.on = options.on;
    gap_options.dtype = options.dtype;
    gap_options.force_memory = options.force_memory;
    gap_options.batch_users = options.batch_users;
    gap_options.log = options.log;
    plan_approximation_gap(registry, point, gap_options);  // every setting checked before the data are read
  }

  Timer load_timer;
  const SplitData split = to_split_data(read_vae_cf(data_dir));
  const double load_seconds = load_timer.seconds();
  if (options.log) options.log("read " + data_dir + " in " + fixed(load_seconds, 2) + " s");

  if (gap) {
    LinalgCache cache(split.train, options.threads);
    nlohmann::json report = approximation_gap(cache, split, registry, point, gap_options);
    report["data"] = data_dir;
    report["seconds_load"] = load_seconds;
    if (json) std::cout << report.dump() << "\n";
    else std::cout << "data: " << data_dir << "\n" << format_approximation_gap(report);
    return 0;
  }

  nlohmann::json report = evaluate_solver(split, *solver, params, options);
  report["seconds"]["load"] = load_seconds;
  if (json) {
    std::cout << report.dump() << "\n";
    return 0;
  }
  print_text(report, data_dir, split);
  if (cl.flag("trace")) print_trace(report["diagnostics"]);
  return 0;
}

}  // namespace aelab::cli
