#pragma once
// The data of one experiment, from its config's data section: a raw file split by the protocol
// (core/data/split.hpp), a vae_cf split folder (core/data/vae_cf.hpp) or the synthetic generator
// (core/data/synthetic.hpp) followed by the protocol. Loaded once per run; everything that went in is
// recorded (sha256 of input and split files, sizes, the split's content digest) for the manifest.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/data/split_data.hpp"
#include "experiments/sweep/config.hpp"

namespace aelab {

struct ExperimentData {
  SplitData split;
  std::string digest;         // split_digest(split): what point keys depend on
  nlohmann::json provenance;  // source, input/split file digests, protocol summary, sizes
};

// `split_dir_out`: where to write the split as a vae_cf folder when data.save_split ("" otherwise).
ExperimentData load_experiment_data(const DataConfig& data, const std::string& split_dir_out,
                                    const std::function<void(const std::string&)>& log);

// {"path", "bytes", "sha256"} of a file; a folder gets one digest over its sorted regular files'
// names and digests, and their count.
nlohmann::json describe_input(const std::string& path);

}  // namespace aelab
