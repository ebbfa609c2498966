#pragma once
// Resume for the Proposition experiment (experiments/proposition.hpp): each finished MLP training is
// one file, <out>/fits/<architecture id>/k=<k>.json, with its measured training SE and details. Its
// key is the SHA-256 of what determines that SE (the training matrix's content digest, every `mlp`
// parameter with its default and the rank, kPropositionFitFormat), so a rerun reuses a file only for
// the same data and architecture; a changed one is retrained and its file replaced. The bound, the
// ratios and the verdicts are recomputed on every run, so changing the tolerance retrains nothing.
// Files are written atomically as each training finishes: an interrupted run loses at most the
// training in progress.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/solver/params.hpp"

namespace aelab {

constexpr const char* kPropositionFitFormat = "aelab-proposition-fit-1";

struct StoredPropositionFit {
  double se = 0;  // ||X - f(X)||_F^2 on the training matrix
  std::size_t epochs_run = 0;
  std::string stopped;
  double seconds = 0;
};

class PropositionFitStore {
 public:
  // `solver`: the trained solver's name, part of every key.
  PropositionFitStore(std::string out_dir, std::string matrix_digest, std::string solver)
      : dir_(std::move(out_dir)), matrix_digest_(std::move(matrix_digest)), solver_(std::move(solver)) {}

  std::string path(const std::string& architecture, std::size_t k) const;
  std::string key(const ParamSet& params) const;
  // The stored fit when its file exists, parses and matches the key; otherwise nullopt, with `why`
  // saying why ("" when there is no file).
  std::optional<StoredPropositionFit> load(const std::string& architecture, std::size_t k, const ParamSet& params,
                                           std::string& why) const;
  void save(const std::string& architecture, std::size_t k, const ParamSet& params,
            const StoredPropositionFit& fit) const;

 private:
  std::string dir_, matrix_digest_, solver_;
};

}  // namespace aelab
