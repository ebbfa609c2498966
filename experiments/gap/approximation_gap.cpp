#include "experiments/gap/approximation_gap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"
#include "experiments/sweep/results.hpp"
#include "solvers/admm/admm.hpp"

namespace aelab {

namespace {

const char* const kExact = "exact";
const char* const kAdmm = "admm";

// A relative gap below -kNegativeGapTolerance is reported: some solver found a lower Eq. 7 than exact.
// exact's default tolerance (relative gradient norm 1e-6) leaves about 1e-12 of relative objective (docs/EXACT.md),
// and the solvers' objective evaluators agree to about 1e-12 relative.
constexpr double kNegativeGapTolerance = 1e-9;

std::string path(const std::string& where, const std::string& key) { return where.empty() ? key : where + "." + key; }

bool is_point_param(const std::string& name) { return name == "rank" || name == "lambda" || name == "p"; }

std::string general(double x, int digits = 6) {
  if (!std::isfinite(x)) return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, x);
  return text;
}

std::string fixed(double x, int digits) {
  if (!std::isfinite(x)) return general(x);
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, x);
  return text;
}

std::string signed_fixed(double x, int digits) {
  if (!std::isfinite(x)) return general(x);
  char text[64];
  std::snprintf(text, sizeof text, "%+.*f", digits, x);
  return text;
}

std::string scientific(double x) {
  if (!std::isfinite(x)) return general(x);
  char text[64];
  std::snprintf(text, sizeof text, "%.3e", x);
  return text;
}

// The parameters given for one solver: the point, the common values it has, its own values.
nlohmann::json given_params(const Solver& solver, const GapPoint& point, const ApproximationGapOptions& options) {
  nlohmann::json given = nlohmann::json::object();
  given["rank"] = point.rank.to_json();
  given["lambda"] = point.lambda;
  given["p"] = point.p;
  for (const auto& item : options.common.items())
    if (solver.has_param(item.key())) given[item.key()] = item.value();
  if (options.per_solver.contains(solver.name()))
    for (const auto& item : options.per_solver.at(solver.name()).items()) given[item.key()] = item.value();
  return given;
}

void check_not_reserved(const std::string& name, const std::string& solver, const std::string& at) {
  if (is_point_param(name))
    throw Error(at + ": " + name + " is set by the point of the approximation gap (rank, lambda, p are shared by every solver)");
  if (name == "keep_best" && (solver.empty() || solver == kAdmm))
    throw Error(at + ": keep_best is not a setting of the approximation gap: admm is reported with both its last (admm_last) "
                "and its best (admm_best) iterate");
}

nlohmann::json metrics_json(const EvaluationResult& result, const std::vector<MetricSpec>& metrics) {
  nlohmann::json out = nlohmann::json::object();
  for (const MetricSpec& m : metrics) {
    const MetricSummary s = result.summary(m.name());
    out[m.name()] = {{"mean", s.mean}, {"se", s.se}};
  }
  return out;
}

nlohmann::json null_metrics(const std::vector<MetricSpec>& metrics) {
  nlohmann::json out = nlohmann::json::object();
  for (const MetricSpec& m : metrics) out[m.name()] = {{"mean", nullptr}, {"se", nullptr}};
  return out;
}

// A row from a fitted model: objective, status, warnings and metrics; gaps are added later.
nlohmann::json model_row(const std::string& label, const Solver& solver, const ParamSet& params,
                         const FittedModel& model, double fit_seconds, const EvaluationResult& evaluation,
                         const std::vector<MetricSpec>& metrics) {
  const nlohmann::json& d = model.diagnostics();
  nlohmann::json row = nlohmann::json::object();
  row["label"] = label;
  row["solver"] = solver.name();
  row["params"] = params.values();
  row["objective"] = d.contains("objective") && d["objective"].is_number() ? d["objective"] : nlohmann::json(nullptr);
  row["metrics"] = metrics_json(evaluation, metrics);
  row["fit_seconds"] = fit_seconds;
  const bool stopped = d.contains("stopped") && d["stopped"].is_string();
  const bool exact_not_converged = solver.name() == kExact && d.contains("converged") && !d["converged"].get<bool>();
  row["warnings"] = d.contains("warnings") && d["warnings"].is_array() ? d["warnings"] : nlohmann::json::array();
  // exact always says why it stopped ("tolerance reached" included); the others only when early.
  if (stopped && (solver.name() != kExact || exact_not_converged)) row["status"] = "stopped";
  else row["status"] = row["warnings"].empty() ? "ok" : "warning";
  row["message"] = stopped ? d["stopped"] : nlohmann::json("");
  row["n_nonfinite_scores"] = evaluation.n_nonfinite_scores;
  row["diagnostics"] = d;
  return row;
}

nlohmann::json failed_row(const std::string& label, const Solver& solver, const ParamSet& params,
                          double fit_seconds, const std::string& message, const std::vector<MetricSpec>& metrics) {
  nlohmann::json row = nlohmann::json::object();
  row["label"] = label;
  row["solver"] = solver.name();
  row["params"] = params.values();
  row["objective"] = nullptr;
  row["metrics"] = null_metrics(metrics);
  row["fit_seconds"] = fit_seconds;
  row["status"] = "failed";
  row["message"] = message;
  row["warnings"] = nlohmann::json::array();
  row["n_nonfinite_scores"] = 0;
  row["diagnostics"] = nlohmann::json::object();
  return row;
}

template <typename T>
SharedInverse<T> precompute_inverse(LinalgCache& cache, const GapPoint& point, bool force_memory, double& seconds) {
  SharedInverse<T> inverse = cache.inverse<T>(point.lambda, point.p, force_memory);
  seconds = inverse.reused ? 0.0 : inverse.seconds;
  return inverse;
}

}  // namespace

std::vector<std::string> default_gap_solvers() { return {"closed_form_approx", "admm", "zero_diagonal", "unconstrained"}; }

std::string GapPoint::str() const {
  return "rank=" + rank.str() + ",lambda=" + general(lambda, 15) + ",p=" + general(p, 15);
}

std::vector<GapEntry> plan_approximation_gap(const Registry& registry, const GapPoint& point,
                                             const ApproximationGapOptions& options, const std::string& where) {
  if (options.on != "validation" && options.on != "test")
    throw Error(path(where, "on") + ": expected \"validation\" or \"test\", got \"" + options.on + "\"");
  std::string metric_names;
  bool metric_found = false;
  for (const MetricSpec& m : options.metrics) {
    metric_names += (metric_names.empty() ? "" : ", ") + m.name();
    metric_found = metric_found || m.name() == options.metric;
  }
  if (!metric_found)
    throw Error(path(where, "metric") + ": \"" + options.metric + "\" is not evaluated (metrics: " + metric_names + ")");
  const Solver* exact = registry.find(kExact);
  if (!exact) throw Error("approximation gap: the exact solver is not registered");
  if (options.solvers.empty()) throw Error(path(where, "solvers") + ": expected at least one solver to compare with exact");

  std::vector<const Solver*> solvers = {exact};
  std::set<std::string> seen;
  for (std::size_t i = 0; i < options.solvers.size(); ++i) {
    const std::string& name = options.solvers[i];
    const std::string at = path(where, "solvers") + "[" + std::to_string(i) + "]";
    if (name == kExact) throw Error(at + ": exact is the reference of every gap and is always fitted; do not list it");
    if (!seen.insert(name).second) throw Error(at + ": \"" + name + "\" is listed twice");
    const Solver* solver = registry.find(name);
    if (!solver) {
      std::string known;
      for (const auto& n : registry.names()) known += (known.empty() ? "" : ", ") + n;
      throw Error(at + ": unknown solver \"" + name + "\" (known: " + known + ")");
    }
    for (const char* needed : {"rank", "lambda", "p"})
      if (!solver->has_param(needed))
        throw Error(at + ": solver \"" + name + "\" has no parameter \"" + needed +
                    "\", so it cannot be compared at a (rank, lambda, p) point");
    solvers.push_back(solver);
  }

  // The point itself, against exact's specification (the solvers share these parameters' meaning).
  for (const ParamSpec& spec : exact->params()) {
    if (spec.name == "rank") validate_param_value(spec, point.rank.to_json(), path(where, "rank"));
    if (spec.name == "lambda") validate_param_value(spec, point.lambda, path(where, "lambda"));
    if (spec.name == "p") validate_param_value(spec, point.p, path(where, "p"));
  }
  if (!options.common.is_object()) throw Error(path(where, "common") + ": expected an object of parameter values");
  for (const auto& item : options.common.items()) {
    const std::string at = path(path(where, "common"), item.key());
    check_not_reserved(item.key(), "", at);
    bool used = false;
    for (const Solver* solver : solvers)
      for (const ParamSpec& spec : solver->params())
        if (spec.name == item.key()) {
          validate_param_value(spec, item.value(), at);
          used = true;
        }
    if (!used) throw Error(at + ": no solver of the report has a parameter \"" + item.key() + "\"");
  }
  if (!options.per_solver.is_object())
    throw Error(path(where, "solver_params") + ": expected an object {\"solver\": {parameters}}");
  for (const auto& item : options.per_solver.items()) {
    const std::string at = path(path(where, "solver_params"), item.key());
    if (std::none_of(solvers.begin(), solvers.end(), [&](const Solver* s) { return s->name() == item.key(); }))
      throw Error(at + ": \"" + item.key() + "\" is not a solver of this report (exact or one of solvers)");
    if (!item.value().is_object()) throw Error(at + ": expected an object of parameter values");
    for (const auto& param : item.value().items()) check_not_reserved(param.key(), item.key(), path(at, param.key()));
  }

  std::vector<GapEntry> entries;
  for (const Solver* solver : solvers) {
    const std::string at = path(path(where, "solver_params"), solver->name());
    entries.push_back({solver, solver->make_params(given_params(*solver, point, options), at)});
  }
  return entries;
}

nlohmann::json approximation_gap(LinalgCache& cache, const SplitData& split, const Registry& registry,
                                 const GapPoint& point, const ApproximationGapOptions& options) {
  const std::vector<GapEntry> entries = plan_approximation_gap(registry, point, options);
  const HeldOutSet& held_out = options.on == "test" ? split.test : split.validation;
  if (cache.train().n_rows() != split.train.n_rows() || cache.train().n_cols() != split.n_items() ||
      cache.train().nnz() != split.train.nnz())
    throw Error("approximation gap: the LinalgCache was built on another training matrix than the split's");
  if (held_out.fold_in.n_cols() != split.n_items() || held_out.held_out.n_cols() != split.n_items())
    throw Error("approximation gap: the " + options.on + " users have " + std::to_string(held_out.fold_in.n_cols()) +
                " items but the training data has " + std::to_string(split.n_items()));
  if (held_out.n_users() == 0) throw Error("approximation gap: the split has no " + options.on + " users");
  const auto info = [&options](const std::string& line) {
    if (options.log) options.log(line);
  };

  // The one inverse of the point, before any fit, so that no solver's fit_seconds carries it.
  const std::size_t inversions_before = cache.stats().inversions;
  double inverse_seconds = 0;
  {
    Timer timer;
    info("approximation gap at " + point.str() + ": inverse of G + Lambda");
    if (options.dtype == Dtype::float32) precompute_inverse<float>(cache, point, options.force_memory, inverse_seconds);
    else precompute_inverse<double>(cache, point, options.force_memory, inverse_seconds);
  }

  FitContext ctx(cache);
  ctx.dtype = options.dtype;
  ctx.force_memory = options.force_memory;
  ctx.validation = &split.validation;
  ctx.log = options.log;

  nlohmann::json rows = nlohmann::json::array();
  nlohmann::json warnings = nlohmann::json::array();
  std::size_t n_users = 0, n_excluded = 0;
  const auto score = [&](const FittedModel& model) {
    EvaluationResult result = evaluate(model, held_out, options.metrics, options.batch_users);
    n_users = result.uids.size();
    n_excluded = result.n_excluded;
    return result;
  };

  for (const GapEntry& entry : entries) {
    const Solver& solver = *entry.solver;
    info("approximation gap at " + point.str() + ": fitting " + solver.name() + " (" + entry.params.str() + ")");
    Timer timer;
    try {
      if (solver.name() == kAdmm) {
        AdmmModels models = fit_admm_last_and_best(ctx, entry.params);
        const double seconds = timer.seconds();
        rows.push_back(model_row("admm_last", solver, entry.params.with("keep_best", false), *models.last, seconds,
                                 score(*models.last), options.metrics));
        rows.back()["iterate"] = "last";
        if (models.best) {
          rows.push_back(model_row("admm_best", solver, entry.params.with("keep_best", true), *models.best, seconds,
                                   score(*models.best), options.metrics));
        } else {  // rank full: no iterations, one closed-form model
          nlohmann::json same = rows.back();
          same["label"] = "admm_best";
          same["params"] = entry.params.with("keep_best", true).values();
          rows.push_back(std::move(same));
        }
        rows.back()["iterate"] = "best";
        rows.back()["shared_fit"] = "admm_last";  // one run: its fit_seconds are admm_last's
      } else {
        const std::unique_ptr<FittedModel> model = solver.fit(ctx, entry.params);
        const double seconds = timer.seconds();
        rows.push_back(model_row(solver.name(), solver, entry.params, *model, seconds, score(*model), options.metrics));
      }
    } catch (const Error& e) {
      if (solver.name() == kExact)
        throw Error("approximation gap at " + point.str() + ": the exact solver failed, so no gap can be measured: " +
                    e.what());
      info("approximation gap: " + solver.name() + " failed: " + e.what());
      const std::string message = e.what();
      if (solver.name() == kAdmm) {
        rows.push_back(failed_row("admm_last", solver, entry.params.with("keep_best", false), timer.seconds(), message,
                                  options.metrics));
        rows.back()["iterate"] = "last";
        rows.push_back(failed_row("admm_best", solver, entry.params.with("keep_best", true), timer.seconds(), message,
                                  options.metrics));
        rows.back()["iterate"] = "best";
      } else {
        rows.push_back(failed_row(solver.name(), solver, entry.params, timer.seconds(), message, options.metrics));
      }
      warnings.push_back(solver.name() + " failed: " + message);
    }
  }

  // Gaps and metric differences against the first row, exact.
  const nlohmann::json& exact_row = rows.front();
  const nlohmann::json& ed = exact_row["diagnostics"];
  if (!exact_row["objective"].is_number())
    throw Error("approximation gap: the exact solver reported no Eq. 7 objective");
  const double exact_objective = exact_row["objective"].get<double>();
  nlohmann::json exact = nlohmann::json::object();
  exact["objective"] = exact_objective;
  for (const char* key : {"converged", "stopped", "relative_gradient_norm", "tolerance", "iterations"})
    exact[key] = ed.contains(key) ? ed[key] : nlohmann::json(nullptr);
  const bool converged = ed.value("converged", false);
  std::string reference = "converged optimum";
  if (!converged) {
    const std::string stop = ed.contains("stopped") && ed["stopped"].is_string() ? ed["stopped"].get<std::string>()
                                                                                 : std::string("unknown stop");
    reference = "NOT converged: " + stop;
    warnings.push_back("exact stopped before its tolerance (" + stop +
                       "): every gap is relative to a non-converged point, whose objective is only an upper bound on "
                       "the optimum (gaps are then underestimated and may be negative); raise exact's max_iterations");
  }
  for (nlohmann::json& row : rows) {
    const bool has_objective = row["objective"].is_number();
    row["relative_gap"] =
        has_objective ? nlohmann::json((row["objective"].get<double>() - exact_objective) / exact_objective) : nlohmann::json(nullptr);
    nlohmann::json differences = nlohmann::json::object();
    for (const MetricSpec& m : options.metrics) {
      const nlohmann::json& mine = row["metrics"][m.name()]["mean"];
      const nlohmann::json& theirs = exact_row["metrics"][m.name()]["mean"];
      differences[m.name()] = mine.is_number() && theirs.is_number()
                                  ? nlohmann::json(mine.get<double>() - theirs.get<double>())
                                  : nlohmann::json(nullptr);
    }
    row["metric_difference"] = std::move(differences);
    const std::string label = row["label"];
    if (row["relative_gap"].is_number() && row["relative_gap"].get<double>() < -kNegativeGapTolerance)
      warnings.push_back(label + "'s Eq. 7 objective is below exact's (relative gap " +
                         general(row["relative_gap"].get<double>(), 3) +
                         "): exact's stationary point is not the global optimum" +
                         (converged ? std::string() : std::string(" or exact did not converge")));
    if (!has_objective && row["status"] != "failed")
      warnings.push_back(label + " reports no Eq. 7 objective: no gap");
    if (row["n_nonfinite_scores"].get<std::size_t>() > 0)
      warnings.push_back(label + " produced " + std::to_string(row["n_nonfinite_scores"].get<std::size_t>()) +
                         " non-finite scores (a diverged model)");
  }

  nlohmann::json report = nlohmann::json::object();
  report["point"] = {{"rank", point.rank.to_json()}, {"lambda", point.lambda}, {"p", point.p}};
  report["on"] = options.on;
  report["dtype"] = dtype_name(options.dtype);
  report["metric"] = options.metric;
  nlohmann::json metric_names = nlohmann::json::array();
  for (const MetricSpec& m : options.metrics) metric_names.push_back(m.name());
  report["metrics"] = std::move(metric_names);
  report["n_items"] = split.n_items();
  report["n_train_users"] = split.train.n_rows();
  report["n_users"] = n_users;
  report["n_users_excluded"] = n_excluded;
  report["exact"] = std::move(exact);
  report["reference"] = reference;
  report["inverse"] = {{"seconds", inverse_seconds}, {"inversions", cache.stats().inversions - inversions_before}};
  report["rows"] = std::move(rows);
  report["warnings"] = std::move(warnings);
  return report;
}

std::string format_approximation_gap(const nlohmann::json& report) {
  std::ostringstream out;
  const nlohmann::json& point = report["point"];
  const std::string metric = report["metric"];
  out << "approximation gap at rank " << (point["rank"].is_string() ? point["rank"].get<std::string>() : point["rank"].dump())
      << ", lambda " << general(point["lambda"].get<double>()) << ", p " << general(point["p"].get<double>()) << " ("
      << report["n_train_users"].get<std::size_t>() << " training users x " << report["n_items"].get<std::size_t>()
      << " items, " << report["dtype"].get<std::string>() << "); " << metric << " on " << report["n_users"].get<std::size_t>()
      << " " << report["on"].get<std::string>() << " users\n";
  const nlohmann::json& exact = report["exact"];
  out << "exact: " << (exact["converged"].is_boolean() && exact["converged"].get<bool>() ? "converged" : "NOT CONVERGED")
      << " (" << (exact["stopped"].is_string() ? exact["stopped"].get<std::string>() : std::string("-"))
      << "; relative gradient norm "
      << (exact["relative_gradient_norm"].is_number() ? general(exact["relative_gradient_norm"].get<double>(), 3) : "-")
      << ", tolerance " << (exact["tolerance"].is_number() ? general(exact["tolerance"].get<double>(), 3) : "-")
      << ", iterations " << (exact["iterations"].is_number() ? exact["iterations"].dump() : "-")
      << "); gaps are relative to L_exact = " << general(exact["objective"].get<double>(), 12) << "\n\n";

  const std::vector<std::string> header = {"solver", "Eq. 7 objective", "relative gap", metric, "+- se",
                                           "diff to exact", "fit s", "status"};
  std::vector<std::vector<std::string>> cells = {header};
  for (const nlohmann::json& row : report["rows"]) {
    const nlohmann::json& m = row["metrics"][metric];
    const nlohmann::json& diff = row["metric_difference"][metric];
    cells.push_back({row["label"].get<std::string>(),
                     row["objective"].is_number() ? general(row["objective"].get<double>(), 10) : "-",
                     row["relative_gap"].is_number() ? scientific(row["relative_gap"].get<double>()) : "-",
                     m["mean"].is_number() ? fixed(m["mean"].get<double>(), 5) : "-",
                     m["se"].is_number() ? fixed(m["se"].get<double>(), 5) : "-",
                     diff.is_number() ? signed_fixed(diff.get<double>(), 5) : "-",
                     fixed(row["fit_seconds"].get<double>(), 2) + (row.contains("shared_fit") ? "*" : ""),
                     row["label"] == "exact" ? (row["status"] == "ok" ? "converged" : "NOT converged")
                                             : row["status"].get<std::string>()});
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : cells)
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t c = 0; c < line.size(); ++c) {
      std::string cell = line[c];
      // Names and status left-aligned, numbers right-aligned.
      if (c == 0 || c + 1 == line.size()) cell.resize(width[c], ' ');
      else cell = std::string(width[c] - cell.size(), ' ') + cell;
      text += cell + (c + 1 == line.size() ? "" : "  ");
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  }
  out << "\n";
  bool shared = false;
  for (const nlohmann::json& row : report["rows"]) shared = shared || row.contains("shared_fit");
  if (shared) out << "* one admm run gives both its last and its best iterate: the time is that run's\n";
  out << "inverse of G + Lambda: " << fixed(report["inverse"]["seconds"].get<double>(), 2) << " s, computed "
      << report["inverse"]["inversions"].get<std::size_t>() << " time(s) and shared by every fit (not in fit s)\n";
  for (const nlohmann::json& row : report["rows"]) {
    const std::string message = row["message"].is_string() ? row["message"].get<std::string>() : "";
    const std::string label = row["label"];
    if (row["status"] != "ok" && !message.empty()) out << label << ": " << message << "\n";
    for (const nlohmann::json& w : row["warnings"])
      if (w.is_string() && w.get<std::string>() != message) out << label << ": " << w.get<std::string>() << "\n";
  }
  for (const nlohmann::json& w : report["warnings"]) out << "warning: " << w.get<std::string>() << "\n";
  return out.str();
}

namespace {

std::string csv_number(const nlohmann::json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  return v.is_number() ? format_double(v.get<double>()) : "";
}

std::string csv_text(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c == '\n' ? ' ' : c;
  }
  return quoted + "\"";
}

}  // namespace

std::string approximation_gap_csv(const std::vector<nlohmann::json>& reports) {
  std::ostringstream out;
  std::vector<std::string> metrics;
  if (!reports.empty())
    for (const auto& m : reports.front()["metrics"]) metrics.push_back(m.get<std::string>());
  out << "rank,lambda,p,label,solver,objective,relative_gap";
  for (const auto& m : metrics) out << "," << m << "," << m << "_se," << m << "_difference";
  out << ",fit_seconds,status,exact_converged\n";
  for (const nlohmann::json& report : reports) {
    const nlohmann::json& point = report["point"];
    const std::string rank = point["rank"].is_string() ? point["rank"].get<std::string>() : point["rank"].dump();
    const bool converged = report["exact"]["converged"].is_boolean() && report["exact"]["converged"].get<bool>();
    for (const nlohmann::json& row : report["rows"]) {
      out << rank << "," << csv_number(point["lambda"]) << "," << csv_number(point["p"]) << ","
          << csv_text(row["label"]) << "," << csv_text(row["solver"]) << "," << csv_number(row["objective"]) << ","
          << csv_number(row["relative_gap"]);
      for (const auto& m : metrics)
        out << "," << csv_number(row["metrics"][m]["mean"]) << "," << csv_number(row["metrics"][m]["se"]) << ","
            << csv_number(row["metric_difference"][m]);
      out << "," << csv_number(row["fit_seconds"]) << "," << csv_text(row["status"]) << ","
          << (converged ? "true" : "false") << "\n";
    }
  }
  return out.str();
}

}  // namespace aelab
