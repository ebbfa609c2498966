#pragma once
// Where a sweep's solver calls run when it is not this process alone (docs/DISTRIBUTED.md). Without a
// SweepBackend the runner fits on this process (LinalgCache, Solver::fit_ranks). With one, every
// process of the backend runs the same deterministic plan: the writer (exactly one process) scans the
// stored points and the others follow its decisions; each unit is fitted and evaluated collectively by
// `fit` (a rank sweep from one decomposition); only the writer writes points, manifest, outputs, plots,
// logs and holds the lock. The implementation lives outside experiments/ (cli/), so generic code needs
// no MPI and names no solver.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/eval/evaluation.hpp"
#include "core/linalg/dtype.hpp"
#include "core/solver/fit_report.hpp"
#include "core/solver/params.hpp"
#include "core/solver/solver.hpp"

namespace aelab {

// The processes of a backend and how its dense matrices are laid out over them.
struct ProcessLayout {
  std::string backend;
  int processes = 1, grid_rows = 1, grid_cols = 1, block = 0;
  int processes_on_node = 1;  // this node's share of `processes` (they share its memory)
  nlohmann::json to_json() const;
};

// One solver call: the ranks of one entry at one assignment of its other parameters (a single fit
// when the solver has no rank parameter is refused earlier), evaluated on the held-out parts.
struct BackendFit {
  const Solver* solver = nullptr;
  std::vector<ParamSet> points;  // ascending rank, "full" last
  Dtype dtype = Dtype::float64;
  bool fresh_inverse = false;    // execution.rank_fits "independent": this fit pays for its own inverse
  const SplitData* split = nullptr;
  std::vector<MetricSpec> metrics;
  std::size_t batch_users = 0;
};

// One fitted and evaluated point; a part without users is left empty.
struct EvaluatedFit {
  ParamSet params;
  FitReport report;
  EvaluationResult validation, test;
  double fit_seconds = 0;
};

// Receives each point of a BackendFit; the writer's answer says whether more are wanted.
using EvaluatedFitSink = std::function<bool(EvaluatedFit)>;

// Peak bytes of one fit beyond the data: what every process allocates, and what the process that
// writes (the leader) holds on top, e.g. the state of an iteration it alone runs.
struct FitBytes {
  std::size_t every_process = 0;
  std::size_t leader_extra = 0;
  std::size_t leader() const { return every_process + leader_extra; }
};

class SweepBackend {
 public:
  virtual ~SweepBackend() = default;

  virtual ProcessLayout layout() const = 0;
  // "" when `solver` at `params` can be fitted here, else one line saying why not.
  virtual std::string refusal(const Solver& solver, const ParamSet& params) const = 0;
  // Peak bytes of a fit at rank k (0: rank full) with `params` (which may choose the eigensolver).
  virtual FitBytes fit_bytes(std::size_t n_items, std::size_t k, Dtype dtype, const ParamSet& params) const = 0;

  // True on exactly one process of the run.
  virtual bool writes_results() const = 0;
  // The writer's `decision` (or list of decisions) on every process; the others' arguments are ignored.
  virtual bool follow_writer(bool decision) const = 0;
  virtual std::vector<bool> follow_writer(const std::vector<bool>& decisions) const = 0;
  virtual std::vector<std::size_t> follow_writer(const std::vector<std::size_t>& indices) const = 0;
  // Runs `step` on every process (all reach this call; `step` may differ between them). When it throws
  // aelab::Error on any process, one process prints the line once and every process ends with status 1.
  virtual void agree(const std::function<void()>& step) const = 0;

  // Fits and evaluates `request` collectively, handing each point to `sink` on every process and
  // stopping when the writer's sink returns false. A failure on any process ends every process.
  virtual void fit(const BackendFit& request, const EvaluatedFitSink& sink) = 0;
};

}  // namespace aelab
