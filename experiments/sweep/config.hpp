#pragma once
// Experiment config schema v1 (docs/CONFIG.md): what `aelab run CONFIG` sweeps. Reading a config
// validates all of it before any work starts: unknown keys, wrong types, out-of-range values,
// unknown solvers and parameters, malformed grids, duplicate ids, a selection metric that is not
// evaluated, missing input files — each a one-line aelab::Error carrying the JSON path.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/eval/metrics.hpp"
#include "core/linalg/dtype.hpp"
#include "core/solver/registry.hpp"
#include "core/solver/standard_params.hpp"
#include "experiments/common/config_sections.hpp"
#include "experiments/sweep/grid.hpp"

namespace aelab {

struct EvaluationConfig {
  std::vector<MetricSpec> metrics = default_metrics();
  bool save_per_user = false;   // export per-user test metrics of the selected points as CSV
  std::size_t batch_users = 0;  // users scored per batch (0: automatic)
  std::vector<std::string> metric_names() const;
};

struct SelectionConfig {
  std::string on = "validation";
  std::string metric = "ndcg@100";
  std::vector<std::string> per = {kRankParam};
};

struct ExecutionConfig {
  enum class RankFits { shared, independent };
  // shared: one Solver::fit_ranks call per (solver, other parameters) hands out every rank from one
  // decomposition; independent: every rank is its own fit and gets a fresh inverse, so each point's
  // training time is the honest cost of fitting that rank alone (Table 1).
  RankFits rank_fits = RankFits::shared;
  bool stop_on_error = false;  // false: a failed fit is reported and the sweep goes on
  bool force_memory = false;   // fit even when a memory estimate exceeds what is available
  // "local" (this process) or "scalapack" (the processes of an MPI launcher, docs/DISTRIBUTED.md).
  std::string backend = "local";
  std::optional<int> block;    // scalapack: block size of the block-cyclic matrices; none: the backend's default
  bool distributed() const { return backend != "local"; }
};

struct OutputConfig {
  std::string dir;                 // absolute
  std::vector<std::string> plots;  // subset of plot_kinds()
};

// "metric_vs_rank" (Figure 1), "time_vs_rank" (Table 1), "selected_params_vs_rank",
// "approximation_gap" (drawn from approximation_gap.json when the config has that section,
// experiments/gap/gap_config.hpp).
const std::vector<std::string>& plot_kinds();

struct SolverEntry {
  std::string id;                  // unique; names the folder points/<id>/
  const Solver* solver = nullptr;
  std::string json_path;           // "solvers[2]", for messages
  Dtype dtype = Dtype::float64;
  FixedParams fixed;               // validated
  std::vector<GridAxis> grid;      // sorted by name
  std::vector<ParamSet> points;    // expanded, grid order
};

struct ExperimentConfig {
  std::string name;
  std::string description;
  std::optional<std::uint64_t> seed;  // default of every solver parameter named "seed"
  Dtype dtype = Dtype::float64;
  int threads = 0;                    // BLAS and Gram threads; 0: all cores
  DataConfig data;
  EvaluationConfig evaluation;
  SelectionConfig selection;
  ExecutionConfig execution;
  std::vector<SolverEntry> solvers;
  OutputConfig output;

  const Registry* registry = nullptr;  // the registry the solvers were found in
  std::string config_path;  // absolute, "" when parsed from memory
  nlohmann::json resolved;  // the config with every default filled in and paths absolute (manifest)
  std::string hash;         // sha256 of resolved.dump()

  std::size_t n_points() const;
  // Adds a section parsed by another reader (e.g. the approximation gap's) to `resolved` and
  // recomputes `hash`.
  void extend_resolved(const std::string& key, nlohmann::json section);
};

// Points one config may define in all (docs/CONFIG.md): a larger grid is refused before it is
// expanded, since expanding it would only exhaust memory.
constexpr std::size_t kMaxGridPoints = 100000;

// Validates a parsed config of experiment type "sweep". `sections` names further top-level keys that
// another reader validates (e.g. "approximation_gap"); any other unknown key is an error.
ExperimentConfig parse_experiment_config(const nlohmann::json& root, const ConfigLocation& where,
                                         const Registry& registry, const std::vector<std::string>& sections = {});

// "<config path>: " for messages about `config` ("" when it was parsed from memory).
std::string config_prefix(const ExperimentConfig& config);

// Throws, naming the config path and the JSON path, when a finite rank of `config` exceeds `n_items`
// (`bound` says what n_items is, e.g. "the number of items of the data").
void check_ranks_fit_items(const ExperimentConfig& config, std::size_t n_items, const std::string& bound);

}  // namespace aelab
