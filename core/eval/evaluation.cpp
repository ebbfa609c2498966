#include "core/eval/evaluation.hpp"

#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"

namespace aelab {

nlohmann::json evaluate_solver(const SplitData& split, const Solver& solver, const ParamSet& params,
                               const EvaluationOptions& options) {
  if (options.on != "validation" && options.on != "test")
    throw Error("evaluate: expected \"validation\" or \"test\" for the held-out part, got \"" + options.on + "\"");
  const HeldOutSet& held_out = options.on == "test" ? split.test : split.validation;
  if (held_out.fold_in.n_cols() != split.n_items() || held_out.held_out.n_cols() != split.n_items())
    throw Error("evaluate: the " + options.on + " users have " + std::to_string(held_out.fold_in.n_cols()) +
                " items but the training data has " + std::to_string(split.n_items()));
  if (held_out.n_users() == 0) throw Error("evaluate: the split has no " + options.on + " users");

  LinalgCache linalg(split.train, options.threads);
  FitContext ctx(linalg);
  ctx.dtype = options.dtype;
  ctx.force_memory = options.force_memory;
  ctx.validation = &split.validation;
  ctx.log = options.log;

  Timer timer;
  ctx.info("fitting " + solver.name() + " (" + params.str() + ") on " + std::to_string(split.train.n_rows()) +
           " users x " + std::to_string(split.n_items()) + " items, " + dtype_name(options.dtype));
  const std::unique_ptr<FittedModel> model = solver.fit(ctx, params);
  const double fit_seconds = timer.seconds();
  ctx.info("scoring " + std::to_string(held_out.n_users()) + " " + options.on + " users");
  const EvaluationResult result = evaluate(*model, held_out, options.metrics, options.batch_users);

  nlohmann::json report = nlohmann::json::object();
  report["solver"] = solver.name();
  report["params"] = params.values();
  report["on"] = options.on;
  report["dtype"] = dtype_name(options.dtype);
  nlohmann::json metrics = nlohmann::json::object();
  for (const MetricSpec& m : options.metrics) {
    const MetricSummary s = result.summary(m.name());
    metrics[m.name()] = {{"mean", s.mean}, {"se", s.se}};
  }
  report["metrics"] = std::move(metrics);
  report["n_users"] = result.uids.size();
  report["n_users_excluded"] = result.n_excluded;
  report["n_nonfinite_scores"] = result.n_nonfinite_scores;
  const nlohmann::json& diagnostics = model->diagnostics();
  report["objective"] = diagnostics.contains("objective") ? diagnostics["objective"] : nlohmann::json(nullptr);
  nlohmann::json seconds = diagnostics.contains("seconds") && diagnostics["seconds"].is_object()
                               ? diagnostics["seconds"]
                               : nlohmann::json::object();
  seconds["fit"] = fit_seconds;
  seconds["evaluate"] = result.seconds;
  report["seconds"] = std::move(seconds);
  report["peak_rss_bytes"] = peak_rss_bytes();
  report["diagnostics"] = diagnostics;
  return report;
}

}  // namespace aelab
