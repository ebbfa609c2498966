#include "experiments/common/config_sections.hpp"

#include "core/util/json_text.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <sstream>

#include "core/data/synthetic.hpp"
#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/solver/params.hpp"
#include "experiments/common/json_reader.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

const std::vector<std::string> kVaeCfFiles = {"train.csv",   "validation_tr.csv", "validation_te.csv",
                                              "test_tr.csv", "test_te.csv",       "unique_sid.txt"};

// A column of the generic csv format: an index (integer >= 0) or a header name.
std::optional<std::string> column_option(const JsonObject& o, const std::string& key) {
  const auto* v = o.find(key);
  if (!v) return std::nullopt;
  if (v->is_number_integer() && v->get<std::int64_t>() >= 0) return std::to_string(v->get<std::int64_t>());
  if (v->is_string() && !v->get<std::string>().empty()) return v->get<std::string>();
  json_fail(o.path_of(key), "expected a column index (integer >= 0) or a header name, got " + json_show(*v));
}


}  // namespace

// Names that become folder names: letters, digits, '.', '_', '-', not starting with '.'.
void check_safe_name(const std::string& value, const std::string& path) {
  const bool ok = !value.empty() && value.size() <= 100 && value[0] != '.' &&
                  std::all_of(value.begin(), value.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                           c == '_' || c == '-';
                  });
  if (!ok)
    json_fail(path, "expected a name of letters, digits, '.', '_' or '-' (not starting with '.', at most 100 "
                    "characters), got " + json_show(value));
}

std::string absolute_from(const std::string& path, const std::string& base) {
  const fs::path p(path);
  return (p.is_absolute() ? p : fs::path(base) / p).lexically_normal().string();
}

std::string experiment_type(const nlohmann::json& root) {
  if (!root.is_object()) json_fail("", "a config must be a JSON object, got " + json_show(root));
  const auto it = root.find("experiment");
  if (it == root.end()) return "sweep";
  if (!it->is_string()) json_fail("experiment", "expected a string naming the experiment type, got " + json_show(*it));
  return it->get<std::string>();
}

namespace {

std::string existing_file(const JsonObject& o, const std::string& key, const ConfigLocation& where) {
  const std::string given = o.required_string(key);
  const std::string path = absolute_from(given, where.config_dir);
  if (!fs::is_regular_file(path))
    json_fail(o.path_of(key), "no such file: " + path + " (from " + json_show(given) + ", relative to the config's folder)");
  return path;
}

// "protocol": "given_split": a per-user train/test split (docs/GIVEN_SPLIT.md).
DataConfig parse_given_split_section(const nlohmann::json& value, const ConfigLocation& where, nlohmann::json& resolved) {
  JsonObject o(value, "data", {"protocol", "train", "test", "layout", "users", "validation_share", "validation_seed"});
  DataConfig data;
  data.kind = DataConfig::Kind::given_split;
  GivenSplitConfig& given = data.given;
  given.train_path = existing_file(o, "train", where);
  given.test_path = existing_file(o, "test", where);
  const std::string layout = o.choice("layout",
                                      {npz_layout_name(NpzLayout::detect), npz_layout_name(NpzLayout::user_item),
                                       npz_layout_name(NpzLayout::bipartite_adjacency)},
                                      npz_layout_name(NpzLayout::detect));
  given.load.train_layout = parse_npz_layout(layout);
  if (auto users = o.integer("users", 1, std::numeric_limits<std::uint32_t>::max()))
    given.load.n_users = static_cast<std::size_t>(*users);
  given.carve_out.share = o.number("validation_share", 0.2, 0, 1, /*min_inclusive=*/false);
  if (given.carve_out.share >= 1) json_fail(o.path_of("validation_share"), "expected a number in (0, 1), got 1");
  given.carve_out.seed = static_cast<std::uint32_t>(o.integer("validation_seed", 98765, 0, 4294967295LL));
  resolved = {{"protocol", "given_split"},
              {"train", given.train_path},
              {"test", given.test_path},
              {"layout", layout},
              {"users", given.load.n_users ? nlohmann::json(*given.load.n_users) : nlohmann::json(nullptr)},
              {"validation_share", given.carve_out.share},
              {"validation_seed", given.carve_out.seed},
              {"validation_min_items", given.carve_out.min_items}};
  return data;
}

}  // namespace

DataConfig parse_data_section(const nlohmann::json& value, const ConfigLocation& where, nlohmann::json& resolved) {
  if (value.is_object() && value.contains("protocol") && value.at("protocol") == "given_split")
    return parse_given_split_section(value, where, resolved);
  if (value.is_object() && value.contains("protocol") && value.at("protocol") != "strong_generalization")
    json_fail("data.protocol", "expected \"strong_generalization\" (the default) or \"given_split\", got " +
                                   json_show(value.at("protocol")));
  const std::vector<std::string> split_keys = {"threshold", "min_uc", "min_sc", "heldout_users", "split_seed",
                                               "test_proportion"};
  const std::vector<std::string> csv_keys = {"delimiter", "header", "user_column", "item_column", "value_column",
                                             "string_ids"};
  std::vector<std::string> allowed = {"protocol", "format", "path", "split_dir", "synthetic", "save_split"};
  allowed.insert(allowed.end(), split_keys.begin(), split_keys.end());
  allowed.insert(allowed.end(), csv_keys.begin(), csv_keys.end());
  JsonObject o(value, "data", allowed);

  DataConfig data;
  const int sources = int(o.has("format")) + int(o.has("split_dir")) + int(o.has("synthetic"));
  if (sources != 1)
    json_fail("data", "expected exactly one data source: \"format\" with \"path\" (raw interactions), \"split_dir\" "
                      "(a vae_cf split folder) or \"synthetic\" (generator parameters)");
  if (o.has("path") && !o.has("format")) json_fail(o.path_of("path"), "needs \"format\" (the raw input's format)");
  data.save_split = o.boolean("save_split", false);
  resolved = nlohmann::json::object();
  resolved["save_split"] = data.save_split;

  if (o.has("split_dir")) {
    data.kind = DataConfig::Kind::split_dir;
    for (const auto& key : split_keys)
      if (o.has(key)) json_fail(o.path_of(key), "only for raw or synthetic data (a split_dir is already split)");
    for (const auto& key : csv_keys)
      if (o.has(key)) json_fail(o.path_of(key), "only for format \"csv\"");
    const std::string given = o.required_string("split_dir");
    data.split_dir = absolute_from(given, where.config_dir);
    if (!fs::is_directory(data.split_dir))
      json_fail(o.path_of("split_dir"), "no such folder: " + data.split_dir + " (from " + json_show(given) +
                                            ", relative to the config's folder)");
    for (const auto& file : kVaeCfFiles)
      if (!fs::exists(fs::path(data.split_dir) / file))
        json_fail(o.path_of("split_dir"), "not a vae_cf split folder: " + file + " is missing in " + data.split_dir);
    resolved["split_dir"] = data.split_dir;
    return data;
  }

  if (o.has("format")) {
    data.kind = DataConfig::Kind::raw;
    const auto formats = loader_formats();
    data.load.format = o.choice("format", formats, "");
    if (data.load.format != "csv")
      for (const auto& key : csv_keys)
        if (o.has(key)) json_fail(o.path_of(key), "only for format \"csv\"");
    const std::string given = o.required_string("path");
    data.load.path = absolute_from(given, where.config_dir);
    if (!fs::exists(data.load.path))
      json_fail(o.path_of("path"), "no such file or folder: " + data.load.path + " (from " + json_show(given) +
                                       ", relative to the config's folder)");
    resolved["format"] = data.load.format;
    resolved["path"] = data.load.path;
    if (data.load.format == "csv") {
      if (auto d = o.string("delimiter")) {
        if (*d == "tab" || *d == "\\t") *d = "\t";
        if (d->size() != 1) json_fail(o.path_of("delimiter"), "expected one character (or \"tab\"), got " + json_show(*d));
        data.load.delimiter = (*d)[0];
      }
      data.load.header = o.boolean("header", true);
      if (auto c = column_option(o, "user_column")) data.load.user_column = *c;
      if (auto c = column_option(o, "item_column")) data.load.item_column = *c;
      if (auto c = column_option(o, "value_column")) data.load.value_column = *c;
      data.load.string_ids = o.boolean("string_ids", false);
      resolved["delimiter"] = std::string(1, data.load.delimiter);
      resolved["header"] = data.load.header;
      resolved["user_column"] = data.load.user_column;
      resolved["item_column"] = data.load.item_column;
      resolved["value_column"] = data.load.value_column;
      resolved["string_ids"] = data.load.string_ids;
    }
  } else {
    data.kind = DataConfig::Kind::synthetic;
    for (const auto& key : csv_keys)
      if (o.has(key)) json_fail(o.path_of(key), "only for format \"csv\"");
    const SyntheticSpec spec = SyntheticSpec::from_json(*o.find("synthetic"), o.path_of("synthetic"));
    data.synthetic = spec.to_json();
    resolved["synthetic"] = data.synthetic;
  }

  // The protocol's options (raw and synthetic).
  if (const auto* t = o.find("threshold"); t && !t->is_null()) data.split.threshold = *o.number("threshold", -1e300, 1e300);
  data.split.min_uc = static_cast<std::size_t>(o.integer("min_uc", 5, 0, kMaxInt));
  data.split.min_sc = static_cast<std::size_t>(o.integer("min_sc", 0, 0, kMaxInt));
  o.required("heldout_users", "the number H of validation users and of test users, an integer >= 1");
  data.split.heldout_users = static_cast<std::size_t>(*o.integer("heldout_users", 1, kMaxInt));
  data.split.seed = static_cast<std::uint32_t>(o.integer("split_seed", 98765, 0, 4294967295LL));
  data.split.test_proportion = o.number("test_proportion", 0.2, 0, 1, /*min_inclusive=*/false);
  if (data.split.test_proportion >= 1) json_fail(o.path_of("test_proportion"), "expected a number in (0, 1), got 1");
  resolved["threshold"] = data.split.threshold ? nlohmann::json(*data.split.threshold) : nlohmann::json(nullptr);
  resolved["min_uc"] = data.split.min_uc;
  resolved["min_sc"] = data.split.min_sc;
  resolved["heldout_users"] = data.split.heldout_users;
  resolved["split_seed"] = data.split.seed;
  resolved["test_proportion"] = data.split.test_proportion;
  return data;
}

DataConfig parse_data_config(const nlohmann::json& root, const ConfigLocation& where) {
  if (!root.is_object()) json_fail("", "a config must be a JSON object, got " + json_show(root));
  const auto it = root.find("data");
  if (it == root.end()) json_fail("data", "required key is missing (an object describing the input data)");
  nlohmann::json resolved;
  return parse_data_section(*it, where, resolved);
}

std::string resolve_output_dir(const nlohmann::json& root, const ConfigLocation& where) {
  if (!root.is_object()) json_fail("", "a config must be a JSON object, got " + json_show(root));
  std::string dir;
  if (const auto it = root.find("name"); it != root.end() && it->is_string()) dir = "results/" + it->get<std::string>();
  if (const auto output = root.find("output"); output != root.end() && output->is_object()) {
    if (const auto given = output->find("dir"); given != output->end()) {
      if (!given->is_string() || given->get<std::string>().empty())
        json_fail("output.dir", "expected a folder path, got " + json_show(*given));
      dir = given->get<std::string>();
    }
  }
  if (dir.empty()) json_fail("name", "required key is missing (the experiment's name; results go to results/<name> by default)");
  return absolute_from(dir, where.working_dir);
}

void apply_config_override(nlohmann::json& root, const std::string& assignment, const std::string& working_dir) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("--set: expected key.path=value, got \"" + assignment + "\"");
  const std::string key = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  nlohmann::json value = parse_cli_value(text);
  if ((key == "data.path" || key == "data.split_dir") && value.is_string())
    value = absolute_from(value.get<std::string>(), working_dir);
  nlohmann::json* node = &root;
  std::string walked;
  std::stringstream parts(key);
  std::vector<std::string> names;
  for (std::string part; std::getline(parts, part, '.');) names.push_back(part);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& part = names[i];
    if (part.empty()) throw Error("--set " + key + ": empty key component");
    const bool last = i + 1 == names.size();
    if (node->is_array()) {
      const bool numeric = std::all_of(part.begin(), part.end(), ::isdigit);
      if (!numeric || std::stoul(part) >= node->size())
        throw Error("--set " + key + ": " + (walked.empty() ? "the config" : walked) + " has no element " + part);
      node = &(*node)[std::stoul(part)];
    } else {
      if (!node->is_object()) throw Error("--set " + key + ": " + walked + " is not an object");
      if (!last && !node->contains(part)) (*node)[part] = nlohmann::json::object();
      node = &(*node)[part];
    }
    walked += (walked.empty() ? "" : ".") + part;
  }
  *node = std::move(value);
}

nlohmann::json read_config_file(const std::string& path, const std::vector<std::string>& overrides,
                                const std::string& working_dir) {
  nlohmann::json root = read_json_file(path, "the config file");
  for (const auto& o : overrides) apply_config_override(root, o, working_dir);
  return root;
}

}  // namespace aelab
