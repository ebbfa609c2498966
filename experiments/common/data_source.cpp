#include "experiments/common/data_source.hpp"

#include <algorithm>
#include <filesystem>

#include "core/data/given_split.hpp"
#include "core/data/loaders.hpp"
#include "core/data/validation_carve_out.hpp"
#include "core/data/split.hpp"
#include "core/data/synthetic.hpp"
#include "core/data/vae_cf.hpp"
#include "core/util/error.hpp"
#include "core/util/sha256.hpp"
#include "core/util/timer.hpp"
#include "experiments/common/split_digest.hpp"

namespace aelab {

namespace fs = std::filesystem;

std::optional<std::size_t> items_known_before_loading(const DataConfig& data) {
  if (data.kind != DataConfig::Kind::synthetic) return std::nullopt;
  return SyntheticSpec::from_json(data.synthetic, "data.synthetic").items;
}

nlohmann::json describe_input(const std::string& path) {
  if (fs::is_directory(path)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    Sha256 combined;
    std::uintmax_t bytes = 0;
    for (const auto& f : files) {
      combined.update(f.filename().string() + "\t" + sha256_file(f.string()) + "\n");
      bytes += fs::file_size(f);
    }
    return {{"path", path}, {"files", files.size()}, {"bytes", bytes}, {"sha256_of_file_list", combined.hex()}};
  }
  return {{"path", path}, {"bytes", fs::file_size(path)}, {"sha256", sha256_file(path)}};
}

namespace {

nlohmann::json summary_json(const SplitSummary& s) {
  return {{"rows_loaded", s.rows_loaded}, {"rows_kept", s.rows_kept},           {"users", s.users},
          {"items", s.items},             {"train_users", s.train_users},       {"validation_users", s.validation_users},
          {"test_users", s.test_users},   {"train_items", s.train_items}};
}

nlohmann::json sizes_json(const SplitData& split) {
  auto part = [](const HeldOutSet& set) {
    return nlohmann::json{{"users", set.n_users()}, {"fold_in_interactions", set.fold_in.nnz()},
                          {"held_out_interactions", set.held_out.nnz()}};
  };
  return {{"items", split.n_items()},
          {"train", {{"users", split.train.n_rows()}, {"interactions", split.train.nnz()}}},
          {"validation", part(split.validation)},
          {"test", part(split.test)}};
}

}  // namespace

namespace {

// The given-split protocol (docs/GIVEN_SPLIT.md): the selection split is the validation carve-out of
// the training rows; the refit split holds every training row and the test users.
ExperimentData load_given_split_data(const GivenSplitConfig& config, const std::function<void(const std::string&)>& info) {
  Timer timer;
  info("loading the given split " + config.train_path + " + " + config.test_path);
  const GivenSplit given = load_given_split(config.train_path, config.test_path, config.load);
  const ValidationCarveOut carve = carve_out_validation(given.train, config.carve_out);
  ExperimentData out;
  out.split = selection_split_data(carve);
  out.digest = split_digest(out.split);
  out.refit = test_split_data(given);
  out.refit_digest = split_digest(*out.refit);
  nlohmann::json provenance = nlohmann::json::object();
  provenance["source"] = "given_split";
  provenance["train"] = describe_input(config.train_path);
  provenance["test"] = describe_input(config.test_path);
  provenance["given_split"] = {{"users", given.n_users()},
                               {"items", given.n_items()},
                               {"train_interactions", given.train.nnz()},
                               {"test_interactions", given.test.nnz()},
                               {"test_users", given.n_test_users()}};
  provenance["validation_carve_out"] = {{"share", config.carve_out.share},
                                        {"seed", config.carve_out.seed},
                                        {"min_items", config.carve_out.min_items},
                                        {"fitted_interactions", carve.train_part.nnz()},
                                        {"held_out_interactions", carve.validation.held_out.nnz()}};
  provenance["split_digest"] = out.digest;
  provenance["refit_digest"] = out.refit_digest;
  provenance["seconds"] = timer.seconds();
  out.provenance = std::move(provenance);
  info("given split: " + std::to_string(given.n_users()) + " users x " + std::to_string(given.n_items()) + " items, " +
       std::to_string(given.train.nnz()) + " training and " + std::to_string(given.test.nnz()) + " test interactions");
  return out;
}

}  // namespace

ExperimentData load_experiment_data(const DataConfig& data, const std::string& split_dir_out,
                                    const std::function<void(const std::string&)>& log) {
  auto info = [&](const std::string& line) {
    if (log) log(line);
  };
  if (data.kind == DataConfig::Kind::given_split) return load_given_split_data(data.given, info);
  ExperimentData out;
  Timer timer;
  VaeCfSplit split;
  nlohmann::json provenance = nlohmann::json::object();
  if (data.kind == DataConfig::Kind::split_dir) {
    info("reading split folder " + data.split_dir);
    split = read_vae_cf(data.split_dir);
    provenance["source"] = "split_dir";
    nlohmann::json files = nlohmann::json::object();
    for (const char* name : {"train.csv", "validation_tr.csv", "validation_te.csv", "test_tr.csv", "test_te.csv", "unique_sid.txt"})
      files[name] = sha256_file((fs::path(data.split_dir) / name).string());
    provenance["split_dir"] = data.split_dir;
    provenance["split_files_sha256"] = files;
  } else {
    SplitSummary summary;
    if (data.kind == DataConfig::Kind::raw) {
      info("loading " + data.load.format + " " + data.load.path);
      provenance["source"] = "raw";
      provenance["input"] = describe_input(data.load.path);
      const RawInteractions raw = load_interactions(data.load);
      info("splitting " + std::to_string(raw.n_rows()) + " rows by the strong-generalization protocol");
      split = make_split(raw, data.split, &summary);
    } else {
      const SyntheticSpec spec = SyntheticSpec::from_json(data.synthetic, "data.synthetic");
      info("generating synthetic data " + spec.to_json().dump());
      provenance["source"] = "synthetic";
      provenance["synthetic"] = spec.to_json();
      const RawInteractions raw = generate_synthetic(spec);
      split = make_split(raw, data.split, &summary);
    }
    provenance["protocol"] = summary_json(summary);
    if (!split_dir_out.empty()) {
      write_vae_cf(split_dir_out, split);
      nlohmann::json files = nlohmann::json::object();
      for (const char* name : {"train.csv", "validation_tr.csv", "validation_te.csv", "test_tr.csv", "test_te.csv", "unique_sid.txt"})
        files[name] = sha256_file((fs::path(split_dir_out) / name).string());
      provenance["saved_split_dir"] = split_dir_out;
      provenance["split_files_sha256"] = files;
    }
  }
  out.split = to_split_data(split);
  out.digest = split_digest(out.split);
  provenance["split_digest"] = out.digest;
  provenance["sizes"] = sizes_json(out.split);
  provenance["seconds"] = timer.seconds();
  out.provenance = std::move(provenance);
  return out;
}

}  // namespace aelab
