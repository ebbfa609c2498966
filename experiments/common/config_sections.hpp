#pragma once
// What every experiment type's config shares (docs/CONFIG.md): the schema version, where relative
// paths resolve, the `data` section (a raw file split by the protocol, a vae_cf split folder, or the
// synthetic generator), the output folder, `--set` overrides, and reading the file. Errors are one
// line naming the JSON path.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/given_split.hpp"
#include "core/data/loaders.hpp"
#include "core/data/validation_carve_out.hpp"
#include "core/data/split.hpp"

namespace aelab {

constexpr int kConfigSchemaVersion = 1;

// The given-split protocol's data (docs/GIVEN_SPLIT.md): a per-user train/test split in NGCF text or
// scipy .npz files, with a validation part carved out of the training rows for selection.
struct GivenSplitConfig {
  std::string train_path, test_path;  // absolute
  GivenSplitOptions load;             // .npz layout and user count
  CarveOutOptions carve_out;          // share and seed of the validation carve-out
};

struct DataConfig {
  enum class Kind { raw, split_dir, synthetic, given_split };
  Kind kind = Kind::raw;
  GivenSplitConfig given;       // given_split: the files and the carve-out
  LoadOptions load;             // raw: format, absolute path, csv options
  std::string split_dir;        // split_dir: absolute path of a vae_cf folder
  nlohmann::json synthetic;     // synthetic: generator parameters, validated (SyntheticSpec::to_json)
  SplitOptions split;           // raw and synthetic: the protocol's options
  bool save_split = false;      // write the split as a vae_cf folder under the output dir
};

// Where relative paths go: data paths against `config_dir` (the folder of the config file), the
// output dir against `working_dir` (where `aelab run` was started; default results/<name>).
struct ConfigLocation {
  std::string config_path;  // for messages and the manifest; may be empty
  std::string config_dir;
  std::string working_dir;
};

// The `data` section of `root`, validated (paths resolved and checked to exist).
DataConfig parse_data_config(const nlohmann::json& root, const ConfigLocation& where);
// The same for the section itself; `resolved` receives it with defaults filled in (for manifests).
DataConfig parse_data_section(const nlohmann::json& section, const ConfigLocation& where, nlohmann::json& resolved);

// output.dir relative to the working dir, default results/<name>.
std::string resolve_output_dir(const nlohmann::json& root, const ConfigLocation& where);

// Names that become folder names: letters, digits, '.', '_', '-', not starting with '.'.
void check_safe_name(const std::string& value, const std::string& path);
// `path` made absolute against `base` (unchanged when already absolute), normalised.
std::string absolute_from(const std::string& path, const std::string& base);

// `--set key.path=value` overrides: the value is parsed as JSON when it is valid JSON, otherwise
// taken as a string; the dotted path may index arrays ("solvers.1.grid.lambda=[100,200]"). A
// data path set this way ("data.path", "data.split_dir") is taken relative to the working dir.
void apply_config_override(nlohmann::json& root, const std::string& assignment, const std::string& working_dir);

// Reads a config file (JSON syntax errors name the file, line and column) and applies overrides.
nlohmann::json read_config_file(const std::string& path, const std::vector<std::string>& overrides,
                                const std::string& working_dir);

// The experiment type of a config ("experiment", default "sweep"), checked to be a string.
std::string experiment_type(const nlohmann::json& root);

}  // namespace aelab
