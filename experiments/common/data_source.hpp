#pragma once
// The data of one experiment, from its config's data section: a raw file split by the protocol
// (core/data/split.hpp), a vae_cf split folder (core/data/vae_cf.hpp) or the synthetic generator
// (core/data/synthetic.hpp) followed by the protocol. Loaded once per run; everything that went in is
// recorded (sha256 of input and split files, sizes, the split's content digest) for the manifest.
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/data/split_data.hpp"
#include "experiments/sweep/config.hpp"

namespace aelab {

struct ExperimentData {
  // What the sweep fits and selects on: the strong-generalization split, or for a given split its
  // validation carve-out (the training rows without the carved-out items, and the carve-out).
  SplitData split;
  std::string digest;         // split_digest(split): what point keys depend on
  // Given split only: every training row and the test users, on which the selected points are
  // refitted for the test numbers (or, when selecting on test, every point is fitted).
  std::optional<SplitData> refit;
  std::string refit_digest;
  nlohmann::json provenance;  // source, input/split file digests, protocol summary, sizes
};

// `split_dir_out`: where to write the split as a vae_cf folder when data.save_split ("" otherwise).
ExperimentData load_experiment_data(const DataConfig& data, const std::string& split_dir_out,
                                    const std::function<void(const std::string&)>& log);

// An upper bound on the number of items known without reading any data (the synthetic generator's
// item count); none for data in files.
std::optional<std::size_t> items_known_before_loading(const DataConfig& data);

// {"path", "bytes", "sha256"} of a file; a folder gets one digest over its sorted regular files'
// names and digests, and their count.
nlohmann::json describe_input(const std::string& path);

}  // namespace aelab
