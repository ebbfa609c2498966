#pragma once
// The data sources of `aelab eval`, the same as a config's data section (docs/CONFIG.md):
//   --data SPLIT_DIR                                  a vae_cf split folder
//   --format F --input PATH --heldout H [...]         a raw file split by the strong-generalization protocol
//   --format lightgcn --train PATH --test PATH [...]  a given per-user train/test split (.txt or .npz)
// The options become a config data section, so the command and a config load, check and split the
// data by one code path.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/command_line.hpp"

namespace aelab::cli {

// The --format value that selects the given-split protocol.
constexpr const char* kGivenSplitFormat = "lightgcn";

class EvalDataArguments {
 public:
  explicit EvalDataArguments(CommandLine& cl);
  // The data section these options describe; throws "<command>: ..." naming the options when they do
  // not make exactly one source, or when an option does not belong to the chosen source.
  nlohmann::json data_section() const;
  // What to print as the data: the folder, or the file(s).
  std::string description() const;
  bool given_split() const { return format_ && *format_ == kGivenSplitFormat; }

 private:
  const CommandLine& cl_;
  std::optional<std::string> split_dir_, format_, input_, train_, test_, layout_;
  std::optional<double> threshold_, validation_share_;
  std::optional<std::size_t> min_uc_, min_sc_, heldout_, seed_, validation_seed_, users_;
};

}  // namespace aelab::cli
