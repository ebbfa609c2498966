#include "core/eval/evaluation.hpp"

#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"

namespace aelab {

SolverEvaluation evaluate_solver(const SplitData& split, const Solver& solver, const ParamSet& params,
                                 const Registry& registry, const EvaluationOptions& options) {
  if (options.on != "validation" && options.on != "test")
    throw Error("evaluate: expected \"validation\" or \"test\" for the held-out part, got \"" + options.on + "\"");
  const HeldOutSet& held_out = options.on == "test" ? split.test : split.validation;
  if (held_out.fold_in.n_cols() != split.n_items() || held_out.held_out.n_cols() != split.n_items())
    throw Error("evaluate: the " + options.on + " users have " + std::to_string(held_out.fold_in.n_cols()) +
                " items but the training data has " + std::to_string(split.n_items()));
  if (held_out.n_users() == 0) throw Error("evaluate: the split has no " + options.on + " users");

  LinalgCache linalg(split.train, options.threads);
  FitContext ctx(linalg);
  ctx.registry = &registry;
  ctx.dtype = options.dtype;
  ctx.force_memory = options.force_memory;
  ctx.validation = &split.validation;
  ctx.log = options.log;

  Timer timer;
  ctx.info("fitting " + solver.name() + " (" + params.str() + ") on " + std::to_string(split.train.n_rows()) +
           " users x " + std::to_string(split.n_items()) + " items, " + dtype_name(options.dtype));
  std::unique_ptr<FittedModel> model = solver.fit(ctx, params);
  SolverEvaluation out;
  out.fit_seconds = timer.seconds();
  ctx.info("scoring " + std::to_string(held_out.n_users()) + " " + options.on + " users");
  out.result = evaluate(*model, held_out, options.metrics, options.batch_users);
  out.solver = solver.name();
  out.params = params;
  out.on = options.on;
  out.dtype = options.dtype;
  out.metrics = options.metrics;
  out.report = std::move(model->report());
  out.peak_rss_bytes = peak_rss_bytes();
  return out;
}

nlohmann::json SolverEvaluation::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  out["solver"] = solver;
  out["params"] = params.to_json();
  out["on"] = on;
  out["dtype"] = dtype_name(dtype);
  nlohmann::json summaries = nlohmann::json::object();
  for (const MetricSpec& m : metrics) {
    const MetricSummary s = result.summary(m.name());
    summaries[m.name()] = {{"mean", s.mean}, {"se", s.se}};
  }
  out["metrics"] = std::move(summaries);
  out["n_users"] = result.uids.size();
  out["n_users_excluded"] = result.n_excluded;
  out["n_nonfinite_scores"] = result.n_nonfinite_scores;
  out["objective"] = report.objective ? nlohmann::json(*report.objective) : nlohmann::json(nullptr);
  nlohmann::json seconds = report.seconds.to_json();
  seconds["fit"] = fit_seconds;
  seconds["evaluate"] = result.seconds;
  out["seconds"] = std::move(seconds);
  out["peak_rss_bytes"] = peak_rss_bytes;
  out["report"] = report.to_json();
  return out;
}

}  // namespace aelab
