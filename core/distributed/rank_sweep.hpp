#pragma once
// A solver's models at the ranks of one sweep on a process grid, each evaluated on held-out sets as
// soon as it exists (the collective counterpart of Solver::fit_ranks followed by evaluate()). Only
// solvers that declare SolverTraits::shrinkage run here (backend_refusal in solver_evaluation.hpp):
//  - one inverse C = (G + Lambda)^{-1} per regulariser and dtype, kept for the next sweep at the same
//    one, as LinalgCache keeps it on one process;
//  - one decomposition at the sweep's largest finite rank: every smaller rank is a prefix of its
//    columns (docs/MATH.md §2.5), so the models equal those of independent fits;
//  - rank full as the dense W_S, scored block-cyclic and freed before the next model.
// Every process calls `run` alike and gets the same models and metrics.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/split_data.hpp"
#include "core/distributed/block_cyclic_matrix.hpp"
#include "core/eval/metrics.hpp"
#include "core/solver/fit_report.hpp"
#include "core/solver/solver.hpp"

namespace aelab::distributed {

struct RankSweepRequest {
  const Solver* solver = nullptr;
  std::vector<ParamSet> points;  // one assignment of the other parameters; ascending rank, "full" last
  Dtype dtype = Dtype::float64;
  bool fresh_inverse = false;    // compute C again even when the kept one is of the same regulariser
  const BinaryCsr* train = nullptr;
  std::vector<const HeldOutSet*> parts;  // each model is evaluated on each; a part without users is skipped
  std::vector<MetricSpec> metrics;
  std::size_t batch_users = 0;   // 0: automatic
};

struct SweptModel {
  ParamSet params;
  FitReport report;                      // stages, objective, eigen summary, backend facts
  std::vector<EvaluationResult> results;  // one per part of the request
  double fit_seconds = 0;                // since the previous model of the sweep (the first: inverse included)
};

class DistributedRankSweep {
 public:
  DistributedRankSweep(const ProcessGrid& grid, int block);
  ~DistributedRankSweep();
  DistributedRankSweep(const DistributedRankSweep&) = delete;
  DistributedRankSweep& operator=(const DistributedRankSweep&) = delete;

  int block() const { return block_; }
  // Hands each model to `sink`, stopping when it returns false (its answer must be the same on every
  // process). Throws aelab::Error, on every process alike, when the eigenpairs fail their check.
  void run(const RankSweepRequest& request, const std::function<bool(SweptModel)>& sink);
  // Frees the kept inverse.
  void release();

 private:
  template <typename T>
  class Kept;
  template <typename T>
  void run_in(Kept<T>& kept, const RankSweepRequest& request, const std::function<bool(SweptModel)>& sink);

  const ProcessGrid& grid_;
  int block_;
  std::unique_ptr<Kept<double>> f64_;
  std::unique_ptr<Kept<float>> f32_;
};

}  // namespace aelab::distributed
