#include "core/solver/fit_report.hpp"

#include <cmath>

namespace aelab {

namespace {

nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

void StageSeconds::set(const std::string& stage, double seconds) {
  for (auto& [name, value] : stages_)
    if (name == stage) {
      value = seconds;
      return;
    }
  stages_.emplace_back(stage, seconds);
}

void StageSeconds::add(const std::string& stage, double seconds) { set(stage, get(stage).value_or(0.0) + seconds); }

void StageSeconds::erase(const std::string& stage) {
  for (auto it = stages_.begin(); it != stages_.end(); ++it)
    if (it->first == stage) {
      stages_.erase(it);
      return;
    }
}

std::optional<double> StageSeconds::get(const std::string& stage) const {
  for (const auto& [name, value] : stages_)
    if (name == stage) return value;
  return std::nullopt;
}

nlohmann::json StageSeconds::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : stages_) out[name] = value;
  return out;
}

nlohmann::json EigenReport::to_json() const {
  return {{"method", method},
          {"k_computed", k_computed},
          {"value_at_cutoff", value_at_cutoff},
          {"next_value", number_or_null(next_value)},
          {"gap", number_or_null(gap)},
          {"relative_gap", number_or_null(relative_gap)},
          {"max_residual", number_or_null(max_residual)},
          {"tolerance", number_or_null(tolerance)},
          {"iterations", iterations},
          {"matrix_products", matrix_products},
          {"block_size", block_size},
          {"shared_by_ranks", shared_by_ranks}};
}

nlohmann::json Convergence::to_json() const {
  return {{"converged", converged},   {"criterion", criterion},     {"measure", number_or_null(measure)},
          {"tolerance", tolerance},   {"iterations", iterations},   {"evaluations", evaluations},
          {"restarts", restarts}};
}

nlohmann::json Trace::to_json() const {
  nlohmann::json rows = nlohmann::json::array();
  for (const TracePoint& p : points) {
    nlohmann::json row = nlohmann::json::object();
    row[iteration_name] = p.iteration;
    row[objective_name] = number_or_null(p.objective);
    if (!residual_name.empty()) row[residual_name] = number_or_null(p.residual);
    for (std::size_t c = 0; c < extra_columns.size() && c < p.extra.size(); ++c)
      row[extra_columns[c]] = number_or_null(p.extra[c]);
    row["seconds"] = p.seconds;
    rows.push_back(std::move(row));
  }
  return rows;
}

const Fact* FitReport::find_fact(const std::string& name) const {
  for (const Fact& f : facts)
    if (f.name == name) return &f;
  return nullptr;
}

nlohmann::json FitReport::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  out["dtype"] = dtype_name(dtype);
  out["objective"] = objective ? number_or_null(*objective) : nlohmann::json(nullptr);
  out["stop_reason"] = stop_reason;
  out["stopped_early"] = stopped_early;
  out["warnings"] = warnings;
  out["seconds"] = seconds.to_json();
  out["peak_rss_bytes"] = peak_rss_bytes;
  out["peak_rss_scope"] = peak_rss_of_fit ? "fit" : "process";
  out["memory_estimate_bytes"] = memory_estimate_bytes;
  if (eigen) out["eigen"] = eigen->to_json();
  if (inverse)
    out["inverse"] = {{"reused", inverse->reused}, {"seconds_when_computed", inverse->seconds_when_computed}};
  if (convergence) out["convergence"] = convergence->to_json();
  if (!trace.empty()) {
    out["trace"] = trace.to_json();
    out["iterations"] = {{"completed", trace.completed}, {"best", trace.best}, {"returned", trace.returned}};
  }
  if (start) {
    nlohmann::json s = {{"solver", start->solver},
                        {"params", start->params.to_json()},
                        {"objective", number_or_null(start->objective)},
                        {"objective_after_v_step", number_or_null(start->objective_after_v_step)},
                        {"relative_gap", number_or_null(start->relative_gap)}};
    if (start->report) s["report"] = start->report->to_json();
    out["start"] = std::move(s);
  }
  for (const Fact& f : facts) out["facts"][f.name] = f.value;
  return out;
}

}  // namespace aelab
