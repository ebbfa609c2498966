#include "experiments/gap/gap_config.hpp"

#include <algorithm>

#include "core/solver/standard_params.hpp"
#include "core/util/error.hpp"
#include "experiments/common/json_reader.hpp"

namespace aelab {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The ranks of an entry's points, ascending, "full" last.
std::vector<Rank> entry_ranks(const SolverEntry& entry) {
  std::vector<Rank> ranks;
  for (const ParamSet& p : entry.points)
    if (p.has(kRankParam)) {
      const Rank r = p.rank(kRankParam);
      if (std::find(ranks.begin(), ranks.end(), r) == ranks.end()) ranks.push_back(r);
    }
  std::sort(ranks.begin(), ranks.end());
  return ranks;
}

std::string ranks_text(const std::vector<Rank>& ranks) {
  std::vector<std::string> texts;
  for (const Rank& r : ranks) texts.push_back(r.str());
  return join(texts);
}

void parse_metric(const JsonObject& o, const ExperimentConfig& config, GapConfig& gap) {
  gap.options.metric = config.selection.metric;
  if (auto metric = o.string("metric")) {
    try {
      gap.options.metric = MetricSpec::parse(*metric).name();
    } catch (const Error& e) {
      json_fail(o.path_of("metric"), e.what());
    }
    const auto names = config.evaluation.metric_names();
    if (std::find(names.begin(), names.end(), gap.options.metric) == names.end())
      json_fail(o.path_of("metric"),
                "\"" + gap.options.metric + "\" is not evaluated (evaluation.metrics: " + join(names) + ")");
  }
}

void parse_parameters(const JsonObject& o, const ExperimentConfig& config, GapConfig& gap) {
  if (const auto* common = o.find("common")) {
    if (!common->is_object()) json_fail(o.path_of("common"), "expected an object of parameter values, got " + json_show(*common));
    gap.options.common = *common;
  }
  if (config.seed && !gap.options.common.contains("seed")) gap.options.common["seed"] = *config.seed;
  if (const auto* given = o.find("solver_params")) {
    if (!given->is_object())
      json_fail(o.path_of("solver_params"), "expected {\"solver\": {parameters}}, got " + json_show(*given));
    gap.options.per_solver = *given;
  }
}

void parse_ranks(const JsonObject& o, GapConfig& gap) {
  const auto* ranks = o.find("ranks");
  if (!ranks) return;
  const auto& list = json_array(*ranks, o.path_of("ranks"), "a non-empty list of ranks (positive integers or \"full\")");
  if (list.empty()) json_fail(o.path_of("ranks"), "expected a non-empty list of ranks, got []");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = json_element_path(o.path_of("ranks"), i);
    const Rank rank = std::get<Rank>(validate_param_value(rank_param_spec(), list[i], at));
    if (std::find(gap.ranks.begin(), gap.ranks.end(), rank) != gap.ranks.end()) json_fail(at, "duplicate rank " + rank.str());
    gap.ranks.push_back(rank);
  }
  std::sort(gap.ranks.begin(), gap.ranks.end());
}

void parse_fixed_point(const JsonObject& o, const nlohmann::json& section, GapConfig& gap) {
  if (o.has("selected_from")) json_fail(o.path_of("selected_from"), "give either selected_from or lambda and p, not both");
  if (!o.has(kLambdaParam) || !o.has(kDropoutParam))
    json_fail(o.path_of(o.has(kLambdaParam) ? kDropoutParam : kLambdaParam),
              "required with a fixed point (lambda and p go together)");
  gap.fixed = Regularizer{
      std::get<double>(validate_param_value(lambda_param_spec(), section.at(kLambdaParam), o.path_of(kLambdaParam))),
      std::get<double>(validate_param_value(dropout_param_spec(), section.at(kDropoutParam), o.path_of(kDropoutParam)))};
  if (gap.ranks.empty()) json_fail(o.path_of("ranks"), "required with a fixed lambda and p (the ranks to measure)");
}

void parse_selected_point(const JsonObject& o, const std::string& path, const ExperimentConfig& config,
                          const std::vector<std::string>& compared, GapConfig& gap) {
  const std::string at = o.path_of("selected_from");
  if (auto id = o.string("selected_from")) {
    gap.selected_from = *id;
  } else {
    std::vector<std::string> candidates;
    for (const auto& entry : config.solvers)
      if (entry.solver->name() == compared.front()) candidates.push_back(entry.id);
    if (candidates.size() != 1)
      json_fail(path, "give lambda and p, or selected_from (a solver entry id whose selected lambda and p are used at "
                      "each rank); " + std::to_string(candidates.size()) + " entries use " + compared.front());
    gap.selected_from = candidates.front();
  }
  const auto entry = std::find_if(config.solvers.begin(), config.solvers.end(),
                                  [&](const SolverEntry& e) { return e.id == gap.selected_from; });
  std::vector<std::string> ids;
  for (const auto& e : config.solvers) ids.push_back(e.id);
  if (entry == config.solvers.end())
    json_fail(at, "\"" + gap.selected_from + "\" is not a solver entry id (ids: " + join(ids) + ")");
  for (const char* needed : {kRankParam, kLambdaParam, kDropoutParam})
    if (!entry->solver->has_param(needed))
      json_fail(at, "entry \"" + entry->id + "\" (solver " + entry->solver->name() + ") has no parameter " + needed);
  if (config.selection.per != std::vector<std::string>{kRankParam})
    json_fail(at, "needs one selection per rank (selection.per = [\"rank\"]), got selection.per = [" +
                      join(config.selection.per) + "]");
  const std::vector<Rank> available = entry_ranks(*entry);
  if (gap.ranks.empty()) {
    for (const Rank& r : available)
      if (!r.full) gap.ranks.push_back(r);
    if (gap.ranks.empty()) json_fail(at, "entry \"" + entry->id + "\" has no finite rank; give ranks");
    return;
  }
  for (std::size_t i = 0; i < gap.ranks.size(); ++i)
    if (std::find(available.begin(), available.end(), gap.ranks[i]) == available.end())
      json_fail(json_element_path(o.path_of("ranks"), i),
                "rank " + gap.ranks[i].str() + " is not among the ranks of entry \"" + entry->id + "\" (" +
                    ranks_text(available) + "), so nothing is selected there");
}

}  // namespace

GapConfig parse_gap_config(const nlohmann::json& section, const std::string& path, const ExperimentConfig& config,
                           const Registry& registry, nlohmann::json& resolved) {
  JsonObject o(section, path, {"ranks", "selected_from", kLambdaParam, kDropoutParam, "on", "metric", "reference", "solvers",
                               "common", "solver_params", "dtype"});
  GapConfig gap;
  ApproximationGapOptions& options = gap.options;
  options.dtype = parse_dtype(o.choice("dtype", {"float32", "float64"}, dtype_name(config.dtype)));
  options.on = o.choice("on", {"validation", "test"}, "test");
  options.force_memory = config.execution.force_memory;
  options.batch_users = config.evaluation.batch_users;
  options.metrics = config.evaluation.metrics;
  parse_metric(o, config, gap);
  try {
    options.reference = o.string("reference", default_gap_reference(registry));
  } catch (const Error& e) {
    json_fail(o.path_of("reference"), e.what());
  }
  options.solvers = o.string_list("solvers", /*allow_empty=*/false).value_or(default_gap_solvers(registry));
  if (options.solvers.empty()) json_fail(o.path_of("solvers"), "no registered solver to compare with " + options.reference);
  parse_parameters(o, config, gap);
  parse_ranks(o, gap);
  if (o.has(kLambdaParam) || o.has(kDropoutParam)) parse_fixed_point(o, section, gap);
  else parse_selected_point(o, path, config, options.solvers, gap);

  // Solvers and parameters, through the library's own validation at the first point.
  const GapPoint probe{gap.ranks.front(), gap.fixed.value_or(Regularizer{})};
  plan_approximation_gap(registry, probe, options, path);

  nlohmann::json ranks = nlohmann::json::array();
  for (const Rank& r : gap.ranks) ranks.push_back(r.to_json());
  resolved = {{"ranks", ranks},
              {"on", options.on},
              {"metric", options.metric},
              {"reference", options.reference},
              {"solvers", options.solvers},
              {"common", options.common},
              {"solver_params", options.per_solver},
              {"dtype", dtype_name(options.dtype)}};
  if (gap.fixed) {
    resolved[kLambdaParam] = gap.fixed->lambda;
    resolved[kDropoutParam] = gap.fixed->p;
  } else {
    resolved["selected_from"] = gap.selected_from;
  }
  return gap;
}

}  // namespace aelab
