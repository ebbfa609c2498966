#include "experiments/gap/approximation_gap.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "core/linalg/linalg_cache.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/csv.hpp"
#include "core/util/error.hpp"
#include "core/util/number_text.hpp"
#include "core/util/timer.hpp"

namespace aelab {

namespace {

// A relative gap below -kNegativeGapTolerance is reported: some solver found a lower Eq. 7 than the
// reference. exact's default tolerance (relative gradient norm 1e-6) leaves about 1e-12 of relative
// objective (docs/EXACT.md), and the solvers' objective evaluators agree to about 1e-12 relative.
constexpr double kNegativeGapTolerance = 1e-9;

std::string path(const std::string& where, const std::string& key) { return where.empty() ? key : where + "." + key; }

bool is_point_param(const std::string& name) {
  return name == kRankParam || name == kLambdaParam || name == kDropoutParam;
}

bool is_variant_param(const Solver& solver, const std::string& name) {
  const auto variants = solver.traits().variant_params;
  return std::find(variants.begin(), variants.end(), name) != variants.end();
}

// The parameters given for one solver: the point, the common values it has, its own values.
nlohmann::json given_params(const Solver& solver, const GapPoint& point, const ApproximationGapOptions& options) {
  nlohmann::json given = point.params().to_json();
  for (const auto& item : options.common.items())
    if (solver.has_param(item.key())) given[item.key()] = item.value();
  if (options.per_solver.contains(solver.name()))
    for (const auto& item : options.per_solver.at(solver.name()).items()) given[item.key()] = item.value();
  return given;
}

void check_not_reserved(const std::string& name, const std::vector<const Solver*>& solvers, const std::string& at) {
  if (is_point_param(name))
    throw Error(at + ": " + name + " is set by the point of the approximation gap (rank, lambda, p are shared by every solver)");
  for (const Solver* solver : solvers)
    if (is_variant_param(*solver, name))
      throw Error(at + ": " + name + " is not a setting of the approximation gap: " + solver->name() +
                  " is reported once for each of its values, from one run");
}

const Solver& find_solver(const Registry& registry, const std::string& name, const std::string& at) {
  const Solver* solver = registry.find(name);
  if (!solver) throw Error(at + ": unknown solver \"" + name + "\" (known: " + registry.names_text() + ")");
  for (const char* needed : {kRankParam, kLambdaParam, kDropoutParam})
    if (!solver->has_param(needed))
      throw Error(at + ": solver \"" + name + "\" has no parameter \"" + needed +
                  "\", so it cannot be compared at a (rank, lambda, p) point");
  return *solver;
}

void check_metric(const ApproximationGapOptions& options, const std::string& where) {
  if (options.on != "validation" && options.on != "test")
    throw Error(path(where, "on") + ": expected \"validation\" or \"test\", got \"" + options.on + "\"");
  std::string names;
  for (const MetricSpec& m : options.metrics) {
    if (m.name() == options.metric) return;
    names += (names.empty() ? "" : ", ") + m.name();
  }
  throw Error(path(where, "metric") + ": \"" + options.metric + "\" is not evaluated (metrics: " + names + ")");
}

void check_common(const ApproximationGapOptions& options, const std::vector<const Solver*>& solvers,
                  const std::string& where) {
  if (!options.common.is_object()) throw Error(path(where, "common") + ": expected an object of parameter values");
  for (const auto& item : options.common.items()) {
    const std::string at = path(path(where, "common"), item.key());
    check_not_reserved(item.key(), solvers, at);
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
    const auto solver = std::find_if(solvers.begin(), solvers.end(), [&](const Solver* s) { return s->name() == item.key(); });
    if (solver == solvers.end())
      throw Error(at + ": \"" + item.key() + "\" is not a solver of this report (" + solvers.front()->name() +
                  " or one of solvers)");
    if (!item.value().is_object()) throw Error(at + ": expected an object of parameter values");
    for (const auto& param : item.value().items()) check_not_reserved(param.key(), {*solver}, path(at, param.key()));
  }
}

}  // namespace

std::string GapPoint::str() const { return "rank=" + rank.str() + "," + reg.str(); }

ParamSet GapPoint::params() const {
  const std::vector<ParamSpec> specs = {rank_param_spec(), lambda_param_spec(), dropout_param_spec()};
  return validate_params("approximation gap", specs,
                         {{kRankParam, rank.to_json()}, {kLambdaParam, reg.lambda}, {kDropoutParam, reg.p}});
}

std::vector<std::string> default_gap_solvers(const Registry& registry) {
  std::vector<std::string> names;
  for (const Solver* solver : registry.in_order()) {
    const SolverTraits traits = solver->traits();
    if (traits.eq7_model && !traits.eq7_reference) names.push_back(solver->name());
  }
  return names;
}

std::string default_gap_reference(const Registry& registry) {
  std::vector<std::string> names;
  for (const Solver* solver : registry.in_order())
    if (solver->traits().eq7_reference) names.push_back(solver->name());
  if (names.size() != 1)
    throw Error("approximation gap: " + std::to_string(names.size()) +
                " registered solvers minimise Eq. 7 to a stationary point; name the reference explicitly");
  return names.front();
}

std::vector<GapEntry> plan_approximation_gap(const Registry& registry, const GapPoint& point,
                                             const ApproximationGapOptions& options, const std::string& where) {
  check_metric(options, where);
  const std::string reference_name = options.reference.empty() ? default_gap_reference(registry) : options.reference;
  const Solver& reference = find_solver(registry, reference_name, path(where, "reference"));
  const std::vector<std::string> names = options.solvers.empty() ? default_gap_solvers(registry) : options.solvers;
  if (names.empty())
    throw Error(path(where, "solvers") + ": expected at least one solver to compare with " + reference_name);
  std::vector<const Solver*> solvers = {&reference};
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string at = path(where, "solvers") + "[" + std::to_string(i) + "]";
    if (names[i] == reference_name)
      throw Error(at + ": " + reference_name + " is the reference of every gap and is always fitted; do not list it");
    if (!seen.insert(names[i]).second) throw Error(at + ": \"" + names[i] + "\" is listed twice");
    solvers.push_back(&find_solver(registry, names[i], at));
  }
  // The point itself, against the standard specifications (every solver shares their meaning).
  validate_param_value(rank_param_spec(), point.rank.to_json(), path(where, kRankParam));
  validate_param_value(lambda_param_spec(), point.reg.lambda, path(where, kLambdaParam));
  validate_param_value(dropout_param_spec(), point.reg.p, path(where, kDropoutParam));
  check_common(options, solvers, where);

  std::vector<GapEntry> entries;
  for (const Solver* solver : solvers) {
    const std::string at = path(path(where, "solver_params"), solver->name());
    entries.push_back({solver, solver->make_params(given_params(*solver, point, options), at)});
  }
  return entries;
}

std::string GapReference::status() const { return converged ? "converged optimum" : "NOT converged: " + stop_reason; }

namespace {

GapRow model_row(const VariantSpec& variant, const FittedModel& model, const Solver& solver, double fit_seconds,
                 const EvaluationResult& evaluation, const std::vector<MetricSpec>& metrics, bool is_reference) {
  const FitReport& r = model.report();
  GapRow row;
  row.label = variant.label;
  row.solver = solver.name();
  row.params = variant.params;
  row.plot_color = variant.plot_color.empty() ? solver.traits().plot_color : variant.plot_color;
  row.objective = r.objective;
  for (const MetricSpec& m : metrics) {
    const MetricSummary s = evaluation.summary(m.name());
    row.metrics[m.name()] = {s.mean, s.se};
  }
  row.fit_seconds = fit_seconds;
  row.warnings = r.warnings;
  const bool not_converged = r.convergence && !r.convergence->converged;
  if (r.stopped_early || (is_reference && not_converged)) row.status = "stopped";
  else row.status = row.warnings.empty() ? "ok" : "warning";
  row.message = r.stop_reason;
  row.n_nonfinite_scores = evaluation.n_nonfinite_scores;
  row.report = std::make_shared<const FitReport>(r);
  return row;
}

GapRow failed_row(const VariantSpec& variant, const Solver& solver, double fit_seconds, const std::string& message,
                  const std::vector<MetricSpec>& metrics) {
  GapRow row;
  row.label = variant.label;
  row.solver = solver.name();
  row.params = variant.params;
  row.plot_color = variant.plot_color.empty() ? solver.traits().plot_color : variant.plot_color;
  for (const MetricSpec& m : metrics) row.metrics[m.name()] = {};
  row.fit_seconds = fit_seconds;
  row.status = "failed";
  row.message = message;
  return row;
}

class GapFitter {
 public:
  GapFitter(LinalgCache& cache, const SplitData& split, const Registry& registry, const GapPoint& point,
            const ApproximationGapOptions& options)
      : cache_(cache), split_(split), point_(point), options_(options),
        held_out_(options.on == "test" ? split.test : split.validation), ctx_(cache) {
    ctx_.registry = &registry;
    ctx_.dtype = options.dtype;
    ctx_.force_memory = options.force_memory;
    ctx_.validation = &split.validation;
    ctx_.log = options.log;
  }

  // The one inverse of the point, before any fit, so that no solver's fit_seconds carries it.
  void precompute_inverse() {
    info("approximation gap at " + point_.str() + ": inverse of G + Lambda");
    const auto seconds = [](const auto& inverse) { return inverse.reused ? 0.0 : inverse.seconds; };
    if (options_.dtype == Dtype::float32) inverse_seconds_ = seconds(cache_.inverse<float>(point_.reg, options_.force_memory));
    else inverse_seconds_ = seconds(cache_.inverse<double>(point_.reg, options_.force_memory));
  }

  void fit(const GapEntry& entry, bool is_reference, GapReport& report) {
    const Solver& solver = *entry.solver;
    info("approximation gap at " + point_.str() + ": fitting " + solver.name() + " (" + entry.params.str() + ")");
    Timer timer;
    std::vector<GapRow> rows;
    const std::vector<VariantSpec> variants = solver.variants(entry.params);
    const std::string failure = failure_text([&] {
      const std::vector<std::shared_ptr<FittedModel>> models = solver.fit_variants(ctx_, entry.params);
      const double seconds = timer.seconds();
      if (models.size() != variants.size())
        throw Error(solver.name() + " yielded " + std::to_string(models.size()) + " models for " +
                    std::to_string(variants.size()) + " variants");
      std::map<const FittedModel*, EvaluationResult> evaluations;  // variants sharing one model are scored once
      for (std::size_t v = 0; v < variants.size(); ++v) {
        const FittedModel* model = models[v].get();
        if (!evaluations.count(model)) evaluations.emplace(model, score(*model));
        rows.push_back(model_row(variants[v], *model, solver, seconds, evaluations.at(model), options_.metrics, is_reference));
        if (v > 0) rows.back().shared_fit = rows.front().label;
      }
    });
    if (failure.empty()) {
      for (auto& row : rows) report.rows.push_back(std::move(row));
      return;
    }
    if (is_reference)
      throw Error("approximation gap at " + point_.str() + ": the reference solver " + solver.name() +
                  " failed, so no gap can be measured: " + failure);
    info("approximation gap: " + solver.name() + " failed: " + failure);
    for (const VariantSpec& variant : variants)
      report.rows.push_back(failed_row(variant, solver, timer.seconds(), failure, options_.metrics));
    report.warnings.push_back(solver.name() + " failed: " + failure);
  }

  double inverse_seconds() const { return inverse_seconds_; }
  std::size_t n_users() const { return n_users_; }
  std::size_t n_excluded() const { return n_excluded_; }

 private:
  static std::string failure_text(const std::function<void()>& call) {
    try {
      call();
      return "";
    } catch (const Error& e) {
      return e.what();
    }
  }

  EvaluationResult score(const FittedModel& model) {
    EvaluationResult result = evaluate(model, held_out_, options_.metrics, options_.batch_users);
    n_users_ = result.uids.size();
    n_excluded_ = result.n_excluded;
    return result;
  }

  void info(const std::string& line) const {
    if (options_.log) options_.log(line);
  }

  LinalgCache& cache_;
  const SplitData& split_;
  const GapPoint& point_;
  const ApproximationGapOptions& options_;
  const HeldOutSet& held_out_;
  FitContext ctx_;
  double inverse_seconds_ = 0;
  std::size_t n_users_ = 0, n_excluded_ = 0;
};

void check_inputs(const LinalgCache& cache, const SplitData& split, const ApproximationGapOptions& options) {
  const HeldOutSet& held_out = options.on == "test" ? split.test : split.validation;
  if (cache.train().n_rows() != split.train.n_rows() || cache.train().n_cols() != split.n_items() ||
      cache.train().nnz() != split.train.nnz())
    throw Error("approximation gap: the LinalgCache was built on another training matrix than the split's");
  if (held_out.fold_in.n_cols() != split.n_items() || held_out.held_out.n_cols() != split.n_items())
    throw Error("approximation gap: the " + options.on + " users have " + std::to_string(held_out.fold_in.n_cols()) +
                " items but the training data has " + std::to_string(split.n_items()));
  if (held_out.n_users() == 0) throw Error("approximation gap: the split has no " + options.on + " users");
}

GapReference reference_of(const GapRow& row) {
  if (!row.objective) throw Error("approximation gap: the reference solver " + row.solver + " reported no Eq. 7 objective");
  GapReference reference;
  reference.solver = row.solver;
  reference.objective = *row.objective;
  reference.stop_reason = row.message;
  const std::optional<Convergence> convergence = row.report ? row.report->convergence : std::nullopt;
  reference.converged = convergence && convergence->converged;
  if (convergence && convergence->criterion != "closed form") {
    reference.measure = convergence->measure;
    reference.tolerance = convergence->tolerance;
    reference.iterations = convergence->iterations;
  }
  if (reference.stop_reason.empty()) reference.stop_reason = "unknown stop";
  return reference;
}

// Gaps and metric differences of every row against the first, the reference.
void compare_with_reference(GapReport& report) {
  report.reference = reference_of(report.rows.front());
  const GapReference& ref = report.reference;
  if (!ref.converged)
    report.warnings.push_back(ref.solver + " stopped before its tolerance (" + ref.stop_reason +
                              "): every gap is relative to a non-converged point, whose objective is only an upper "
                              "bound on the optimum (gaps are then underestimated and may be negative); raise " +
                              ref.solver + "'s max_iterations");
  const GapRow reference_row = report.rows.front();
  for (GapRow& row : report.rows) {
    if (row.objective) row.relative_gap = (*row.objective - ref.objective) / ref.objective;
    for (const auto& [name, metric] : row.metrics) {
      const GapMetric& theirs = reference_row.metrics.at(name);
      row.metric_difference[name] =
          metric.mean && theirs.mean ? std::optional<double>(*metric.mean - *theirs.mean) : std::nullopt;
    }
    if (row.relative_gap && *row.relative_gap < -kNegativeGapTolerance)
      report.warnings.push_back(row.label + "'s Eq. 7 objective is below " + ref.solver + "'s (relative gap " +
                                significant_text(*row.relative_gap, 3) + "): " + ref.solver +
                                "'s stationary point is not the global optimum" +
                                (ref.converged ? std::string() : " or " + ref.solver + " did not converge"));
    if (!row.objective && row.status != "failed") report.warnings.push_back(row.label + " reports no Eq. 7 objective: no gap");
    if (row.n_nonfinite_scores > 0)
      report.warnings.push_back(row.label + " produced " + std::to_string(row.n_nonfinite_scores) +
                                " non-finite scores (a diverged model)");
  }
}

}  // namespace

GapReport approximation_gap(LinalgCache& cache, const SplitData& split, const Registry& registry, const GapPoint& point,
                            const ApproximationGapOptions& options) {
  const std::vector<GapEntry> entries = plan_approximation_gap(registry, point, options);
  check_inputs(cache, split, options);
  GapReport report;
  report.point = point;
  report.on = options.on;
  report.dtype = options.dtype;
  report.metric = options.metric;
  for (const MetricSpec& m : options.metrics) report.metrics.push_back(m.name());
  report.n_items = split.n_items();
  report.n_train_users = split.train.n_rows();

  const std::size_t inversions_before = cache.stats().inversions;
  GapFitter fitter(cache, split, registry, point, options);
  fitter.precompute_inverse();
  for (std::size_t e = 0; e < entries.size(); ++e) fitter.fit(entries[e], e == 0, report);
  report.n_users = fitter.n_users();
  report.n_users_excluded = fitter.n_excluded();
  report.inverse_seconds = fitter.inverse_seconds();
  report.inversions = cache.stats().inversions - inversions_before;
  compare_with_reference(report);
  return report;
}

}  // namespace aelab
