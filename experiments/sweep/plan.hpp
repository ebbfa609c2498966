#pragma once
// The execution plan of a sweep: which solver calls run, in which order, and what they may cost.
// A FitUnit is one call into a solver: a rank sweep (Solver::fit_ranks over the ranks of one entry
// and one assignment of its other parameters) or a single fit. Units run grouped by dtype and then by
// the shared inverse they read (Solver::shared_inverse), so every fit that needs (G + Lambda)^{-1}
// for one regulariser runs while the LinalgCache holds it; solvers without one run first.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/linalg/regularizer.hpp"
#include "experiments/common/data_source.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/sweep_backend.hpp"

namespace aelab {

struct FitUnit {
  std::size_t solver = 0;
  std::vector<std::size_t> points;  // indices into the entry's points; ascending rank for sweeps
  bool sweep = false;
  Dtype dtype = Dtype::float64;
  std::optional<Regularizer> inverse;  // the shared inverse its fits read, if any
};

// "single" (no rank parameter), "shared_sweep" or "independent": how an entry's points are fitted.
std::string fit_mode(const SolverEntry& entry, const ExecutionConfig& execution);

// The units for the points with todo[s][i] set, in execution order.
std::vector<FitUnit> plan_units(const ExperimentConfig& config, const std::vector<std::vector<bool>>& todo);

// Peak memory of running a plan: data + the Gram copy LinalgCache keeps + the largest
// Solver::memory_estimate of any point + one scoring batch, and what is available now. On a
// SweepBackend the figures are per process (every process holds the data, its share of the dense
// matrices and one scoring batch; no Gram copy), and the processes of one node share its memory.
struct MemoryPlan {
  std::size_t data_bytes = 0, gram_copy_bytes = 0, largest_fit_bytes = 0, scoring_bytes = 0, total_bytes = 0;
  std::string largest_fit = "none";  // "<entry id> <parameters>"
  std::size_t available_bytes = 0;
  std::optional<ProcessLayout> layout;  // set on a backend: total_bytes is per process
  // On a backend: what its leading process holds beyond total_bytes. Counted once per node, as if
  // every node hosted the leader (one node's surplus on a cluster, the exact sum on one machine).
  std::size_t leader_extra_bytes = 0;
  std::size_t node_bytes() const {
    return total_bytes * static_cast<std::size_t>(layout ? layout->processes_on_node : 1) + leader_extra_bytes;
  }
  bool fits() const { return node_bytes() <= available_bytes; }
  nlohmann::json to_json() const;
};
MemoryPlan estimate_peak_memory(const ExperimentConfig& config, const SplitData& split, const std::vector<FitUnit>& units,
                                const SweepBackend* backend = nullptr);

// Parameters as text, "(no parameters)" when there are none.
std::string describe(const ParamSet& params);
// A unit for logs ("admm epochs=10,... ranks 10,20,full") and, shorter, for the progress bar
// ("admm lambda=300,p=0.33 ranks 10,20,full").
std::string unit_description(const SolverEntry& entry, const FitUnit& unit);
std::string bar_description(const SolverEntry& entry, const FitUnit& unit);

// What `aelab run --dry-run` prints.
// `fitted` is the split the points are fitted on; `refits_selected` says a refit stage follows.
void print_plan(std::ostream& out, const ExperimentConfig& config, const SplitData& fitted, bool refits_selected,
                const std::vector<std::vector<bool>>& todo, const std::vector<FitUnit>& units, const MemoryPlan& memory);

}  // namespace aelab
