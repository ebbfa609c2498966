#pragma once
// The per-epoch record of an iterative solver (objective of docs/MATH.md Eq. 7, a constraint residual, wall
// time), which iterate was best, why the run stopped early, and the warnings a researcher must see
// (an objective that rose, a returned iterate worse than the best one). Written into a model's
// FitReport: its trace, stop reason and warnings.
#include <cstddef>
#include <string>
#include <vector>

#include "core/solver/fit_report.hpp"

namespace aelab {

class IterationTrace {
 public:
  // residual_name documents the constraint residual column, e.g. "max|diag(UV^T)|".
  explicit IterationTrace(std::string residual_name) : residual_name_(std::move(residual_name)) {}

  struct Row {
    std::size_t epoch = 0;  // 0: the starting point, 1..: after that many epochs
    double objective = 0;
    double residual = 0;
    double seconds = 0;     // wall time of the epoch's updates (0 for the start)
  };

  // Rows must come in increasing epoch order. Epoch 0 (the start) never counts as a returnable iterate.
  void record(const Row& row);
  // The run ends before its last epoch: `epoch` is the epoch that failed, `reason` says why.
  void stop(std::size_t epoch, const std::string& reason);
  void warn(const std::string& message) { warnings_.push_back(message); }

  const std::vector<Row>& rows() const { return rows_; }
  bool stopped() const { return !stop_reason_.empty(); }
  const std::string& stop_reason() const { return stop_reason_; }
  // Epochs >= 1 with the lowest objective / the last one recorded; 0 when there is none.
  std::size_t best_epoch() const;
  std::size_t last_epoch() const;
  double objective_at(std::size_t epoch) const;  // throws when that epoch was not recorded

  // Adds the end-of-run warnings (epochs where the objective rose by more than `rise_tolerance`
  // relative; a returned iterate worse than the best) and writes everything into `report`.
  void finish(std::size_t returned_epoch, double rise_tolerance, FitReport& report);

 private:
  std::string residual_name_;
  std::vector<Row> rows_;
  std::string stop_reason_;
  std::vector<std::string> warnings_;
};

}  // namespace aelab
