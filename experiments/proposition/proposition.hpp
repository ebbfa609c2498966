#pragma once
// The Proposition experiment (docs/MATH.md §2.6): a deep nonlinear autoencoder whose last hidden layer has k
// units and whose output layer is linear cannot reach a lower training error than the linear
// autoencoder of rank k,
//   SE_nl = ||X - f(X)||_F^2  >=  SE_lin(k) = ||X||_F^2 - sum_{i<=k} s_i(X)^2,
// where s_i^2 are the top eigenvalues of G = X^T X. For a data set's training matrix and a list of k
// it computes the bound from the top eigenpairs of G, the training SE of the linear autoencoder at
// its closed form U = V = V_k (which must equal the bound), and the training SE of each configured
// MLP architecture trained to convergence, and reports SE_nl / SE_lin per (architecture, k).
//
// A ratio below 1 - tolerance (default 1e-6) is a violation: it can only mean a bug (in the SE, the
// bound or the network), so it is printed in red and fails the run. An architecture with an output
// bias is compared with the bound of rank k + 1 (the bias adds one rank). When the bound is at the
// rounding floor (k >= rank(X), SE_lin ~ 0 up to 1e-12 ||X||_F^2) the ratio is undefined (null) and
// the test is SE_nl >= SE_lin - 1e-12 ||X||_F^2.
//
// Config (inside the runner's schema v1, `"experiment": "proposition"`; the `data` and `output`
// sections are the runner's):
//   "proposition": {
//     "solver": "mlp",                      // optional: the nonlinear autoencoder (default: the registered
//                                           // solver whose traits say it is one)
//     "ranks": [5, 10, 20, 50],            // required: distinct positive integers below n
//     "tolerance": 1e-6,                    // optional
//     "eigen_method": "auto",               // optional: auto, arpack, block, dense
//     "plot": true,                         // optional: gnuplot script + SVG + PNG (when gnuplot is installed)
//     "common": {"epochs": 300, ...},       // optional: mlp parameters shared by every architecture
//     "architectures": [                    // required, non-empty
//       {"id": "tanh-2", "params": {"hidden": [256], "activation": "tanh"}}, ...
//     ]
//   }
// Architecture parameters are those of that solver except `rank` (set from "ranks"); they are
// layered: {"precision": "float64" when the solver has it, "seed": <top-level seed when given>} <
// common < params. float64 is the default here (the mlp's default is float32) because the comparison
// is made to 1e-6.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <armadillo>
#include <nlohmann/json.hpp>

#include "core/data/binary_csr.hpp"
#include "core/linalg/eigen.hpp"
#include "core/solver/params.hpp"
#include "core/solver/registry.hpp"
#include "experiments/common/resumable_job.hpp"
#include "experiments/proposition/proposition_store.hpp"

namespace aelab {

struct PropositionArchitecture {
  std::string id;
  ParamSet params;  // validated parameters of the settings' solver; rank is replaced per k
  nlohmann::json given = nlohmann::json::object();  // the merged parameters as configured
};

struct PropositionSettings {
  const Solver* solver = nullptr;  // the nonlinear autoencoder, from the registry the settings were read with
  // The parameters set per architecture (sorted), then the solver's rank-raising parameter: the
  // columns that tell the rows of proposition.csv apart.
  std::vector<std::string> architecture_columns;
  std::vector<std::size_t> ranks;  // ascending, distinct
  std::vector<PropositionArchitecture> architectures;
  double tolerance = 1e-6;
  EigenOptions eigen;
  bool plot = true;
  nlohmann::json section;  // the "proposition" section as given
};

// Validates config["proposition"] (and reads the top-level "seed"); errors are one line naming the
// JSON path, e.g. "proposition.architectures[1].params.lr: expected a number > 0, got -1".
// `config_dir` is where relative paths would resolve; the section has none today.
PropositionSettings parse_proposition_settings(const nlohmann::json& config, const std::string& config_dir,
                                               const Registry& registry);

// ||X||_F^2 and the top eigenpairs of G = X^T X, from which SE_lin(k) follows for every k <= K.
struct LinearBound {
  double frobenius_squared = 0;  // nnz for binary X
  arma::vec eigenvalues;         // s_i^2, descending
  arma::mat eigenvectors;        // n x K (V_K: top right singular vectors of X)
  double next_value = arma::datum::nan;  // s_{K+1}^2 when computed (the eigen-gap at the largest rank)
  std::string method;                    // the eigen method that ran
  double max_residual = 0;               // max relative residual of the pairs (NaN: dense, not measured)
  double seconds = 0;
  // ||X||_F^2 - sum_{i<=k} s_i^2 (k <= K).
  double se(std::size_t k) const;
};

LinearBound linear_bound(const BinaryCsr& X, std::size_t max_rank, const EigenOptions& options,
                         bool force_memory = false);

// How one row's model was obtained: the closed form, or a training (fitted now or read back).
struct PropositionFitDetails {
  std::string model;         // "U = V = V_k (top-k eigenvectors of G)" for the linear rows, else empty
  ParamSet params;           // the trained architecture's parameters at this k (empty for the linear rows)
  std::size_t epochs_run = 0;
  std::string stopped;       // why its training ended ("epochs", "converged", ...)
  double seconds = 0;        // training time
  bool reused = false;       // read back from an earlier run
  nlohmann::json to_json() const;
};

struct PropositionRow {
  std::string architecture;  // an architecture id, or "linear_ae" for the closed form U = V = V_k
  std::size_t k = 0;
  std::size_t bound_rank = 0;  // k, or k + 1 with an output bias
  double se_bound = 0;         // SE_lin(bound_rank)
  double se = 0;               // measured training SE, ||X - f(X)||_F^2
  double ratio = 0;            // se / se_bound; NaN when the bound is at the rounding floor
  bool violation = false;
  PropositionFitDetails details;
};

struct PropositionResult {
  std::size_t users = 0, items = 0, nnz = 0;
  std::size_t trained = 0;  // trainings run now
  std::size_t reused = 0;   // fits read back from a PropositionFitStore
  std::size_t not_run = 0;  // fits left for a later run (the job's budget); rows lacks them
  bool complete() const { return not_run == 0; }
  double frobenius_squared = 0;
  double tolerance = 1e-6;
  nlohmann::json eigen;  // method, residual, seconds, eigenvalues
  std::vector<PropositionRow> rows;
  std::size_t violations = 0;
  double seconds = 0;
};

// Classifies one measurement against its bound (sets ratio and violation). For the linear AE the
// check is two-sided (|ratio - 1| <= tolerance): it must reach the bound, not only respect it.
void judge_row(PropositionRow& row, double frobenius_squared, double tolerance, bool two_sided);

using PropositionLog = std::function<void(const std::string&)>;

// How a run treats earlier fits (experiments/proposition/proposition_store.hpp).
struct PropositionResume {
  const PropositionFitStore* store = nullptr;  // null: train everything, store nothing
  bool retrain = false;                        // train even when a matching fit is stored (then replace it)
  ResumableJob* job = nullptr;                 // its budget of new fits (--max-fits); null: no limit
};

// Runs the experiment on the training matrix X. Throws aelab::Error on bad settings for X (a rank
// not below the number of items).
PropositionResult run_proposition(const BinaryCsr& X, const PropositionSettings& settings, const Registry& registry,
                                  const PropositionLog& log = {}, const PropositionResume& resume = {});

// The table as printed: one line per row, violations in red (ANSI) when `color`.
void print_proposition_table(const PropositionResult& result, std::ostream& out, bool color);

// Writes proposition.csv, proposition.json and (when settings.plot and gnuplot is installed)
// proposition.gp, .svg and .png into out_dir, each atomically (temporary file + rename).
// `provenance` (data source and digests, software, config path; may be null) goes into the JSON.
// Returns a note about the plot ("plot: ..."), or an empty string.
std::string write_proposition_results(const PropositionResult& result, const PropositionSettings& settings,
                                      const std::string& out_dir, const nlohmann::json& provenance = nullptr);

struct PropositionRunOptions {
  bool resume = true;            // reuse and keep the MLP fits under out_dir/fits
  bool retrain = false;          // --force: retrain every MLP fit
  std::size_t max_new_fits = 0;  // --max-fits: stop after this many trainings (0: no limit)
};

// Runs on `train`, writes the results into out_dir, prints the table to `out` (red violations when
// `color`), and returns the exit status: 0, or 1 when any row is a violation. A run stopped by
// max_new_fits keeps its fits but writes no summary (it would be partial) and returns 0.
// The run takes out_dir's lock and cleans partial files an interrupted run left (a ResumableJob).
int run_proposition_experiment(const PropositionSettings& settings, const Registry& registry, const std::string& out_dir,
                               const BinaryCsr& train, std::ostream& out, bool color, const PropositionLog& log = {},
                               const nlohmann::json& provenance = nullptr, const PropositionRunOptions& options = {});

// The same from a parsed config (parse_proposition_settings first). `aelab run CONFIG` reaches the
// experiment through run_proposition_config (experiments/proposition/proposition_run.hpp), which also
// loads the data section and resolves the output folder.
int run_proposition_experiment(const nlohmann::json& config, const std::string& config_dir, const Registry& registry,
                               const std::string& out_dir, const BinaryCsr& train, std::ostream& out, bool color,
                               const PropositionLog& log = {});

}  // namespace aelab
