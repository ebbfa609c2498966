#include "core/solver/iteration_trace.hpp"

#include <cmath>
#include <cstdio>

#include "core/util/error.hpp"

namespace aelab {

namespace {
std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}
}  // namespace

void IterationTrace::record(const Row& row) {
  if (!rows_.empty() && row.epoch <= rows_.back().epoch) throw Error("IterationTrace: epochs must increase");
  rows_.push_back(row);
}

void IterationTrace::stop(std::size_t epoch, const std::string& reason) {
  stop_reason_ = "stopped at epoch " + std::to_string(epoch) + ": " + reason;
}

std::size_t IterationTrace::best_epoch() const {
  std::size_t best = 0;
  double best_value = 0;
  for (const Row& r : rows_)
    if (r.epoch >= 1 && std::isfinite(r.objective) && (best == 0 || r.objective < best_value)) {
      best = r.epoch;
      best_value = r.objective;
    }
  return best;
}

std::size_t IterationTrace::last_epoch() const {
  for (auto it = rows_.rbegin(); it != rows_.rend(); ++it)
    if (it->epoch >= 1) return it->epoch;
  return 0;
}

double IterationTrace::objective_at(std::size_t epoch) const {
  for (const Row& r : rows_)
    if (r.epoch == epoch) return r.objective;
  throw Error("IterationTrace: epoch " + std::to_string(epoch) + " was not recorded");
}

void IterationTrace::finish(std::size_t returned_epoch, double rise_tolerance, FitReport& report) {
  std::string rises;
  std::size_t n_rises = 0;
  for (std::size_t i = 1; i < rows_.size(); ++i) {
    const double before = rows_[i - 1].objective, after = rows_[i].objective;
    if (after > before + rise_tolerance * std::abs(before)) {
      rises += (n_rises++ ? ", " : "") + std::to_string(rows_[i].epoch);
    }
  }
  if (n_rises > 0) warn("the objective rose at epoch" + std::string(n_rises > 1 ? "s " : " ") + rises);
  const std::size_t best = best_epoch();
  if (best != 0 && returned_epoch != best) {
    const double returned = objective_at(returned_epoch), best_value = objective_at(best);
    if (returned > best_value + rise_tolerance * std::abs(best_value))
      warn("the returned iterate (epoch " + std::to_string(returned_epoch) + ", objective " + number(returned) +
           ") is worse than the best one (epoch " + std::to_string(best) + ", objective " + number(best_value) +
           ", ratio " + number(returned / best_value) + ")");
  }

  Trace trace;
  trace.iteration_name = "epoch";
  trace.residual_name = residual_name_;
  for (const Row& r : rows_) trace.points.push_back({r.epoch, r.objective, r.residual, r.seconds, {}});
  trace.completed = last_epoch();
  trace.best = best;
  trace.returned = returned_epoch;
  report.trace = std::move(trace);
  report.stop_reason = stop_reason_;
  report.stopped_early = stopped();
  if (stopped()) warnings_.insert(warnings_.begin(), stop_reason_);
  report.warnings.insert(report.warnings.end(), warnings_.begin(), warnings_.end());
}

}  // namespace aelab
