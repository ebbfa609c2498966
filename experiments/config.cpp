#include "experiments/config.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

#include "core/data/synthetic.hpp"
#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/sha256.hpp"
#include "experiments/gap_experiment.hpp"
#include "experiments/json_reader.hpp"
#include "experiments/point_store.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

const std::vector<std::string> kVaeCfFiles = {"train.csv",   "validation_tr.csv", "validation_te.csv",
                                              "test_tr.csv", "test_te.csv",       "unique_sid.txt"};

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

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// A column of the generic csv format: an index (integer >= 0) or a header name.
std::optional<std::string> column_option(const JsonObject& o, const std::string& key) {
  const auto* v = o.find(key);
  if (!v) return std::nullopt;
  if (v->is_number_integer() && v->get<std::int64_t>() >= 0) return std::to_string(v->get<std::int64_t>());
  if (v->is_string() && !v->get<std::string>().empty()) return v->get<std::string>();
  json_fail(o.path_of(key), "expected a column index (integer >= 0) or a header name, got " + json_show(*v));
}

DataConfig parse_data(const nlohmann::json& value, const ConfigLocation& where, nlohmann::json& resolved) {
  const std::vector<std::string> split_keys = {"threshold", "min_uc", "min_sc", "heldout_users", "split_seed",
                                               "test_proportion"};
  const std::vector<std::string> csv_keys = {"delimiter", "header", "user_column", "item_column", "value_column",
                                             "string_ids"};
  std::vector<std::string> allowed = {"format", "path", "split_dir", "synthetic", "save_split"};
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

EvaluationConfig parse_evaluation(const nlohmann::json* value, nlohmann::json& resolved) {
  EvaluationConfig e;
  if (value) {
    JsonObject o(*value, "evaluation", {"metrics", "save_per_user", "batch_users"});
    if (auto names = o.string_list("metrics", /*allow_empty=*/false)) {
      e.metrics.clear();
      for (std::size_t i = 0; i < names->size(); ++i) {
        const std::string path = json_element_path(o.path_of("metrics"), i);
        MetricSpec spec;
        try {
          spec = MetricSpec::parse((*names)[i]);
        } catch (const Error& error) {
          json_fail(path, error.what());
        }
        for (const auto& earlier : e.metrics)
          if (earlier.name() == spec.name()) json_fail(path, "duplicate metric \"" + spec.name() + "\"");
        e.metrics.push_back(spec);
      }
    }
    e.save_per_user = o.boolean("save_per_user", false);
    e.batch_users = static_cast<std::size_t>(o.integer("batch_users", 0, 0, 100000000));
  }
  resolved = {{"metrics", e.metric_names()}, {"save_per_user", e.save_per_user}, {"batch_users", e.batch_users}};
  return e;
}

SolverEntry parse_solver(const nlohmann::json& value, std::size_t index, const ExperimentConfig& config,
                         const Registry& registry, nlohmann::json& resolved) {
  SolverEntry entry;
  entry.json_path = json_element_path("solvers", index);
  JsonObject o(value, entry.json_path, {"id", "solver", "fixed", "grid", "dtype"});
  const std::string name = o.required_string("solver");
  entry.solver = registry.find(name);
  if (!entry.solver) {
    json_fail(o.path_of("solver"), "unknown solver \"" + name + "\" (known: " + join(registry.names()) + ")");
  }
  entry.id = o.string("id", name);
  check_safe_name(entry.id, o.path_of("id"));
  entry.dtype = parse_dtype(o.choice("dtype", {"float32", "float64"}, dtype_name(config.dtype)));

  const auto specs = entry.solver->params();
  auto find_spec = [&](const std::string& key, const std::string& path) -> const ParamSpec& {
    for (const auto& s : specs)
      if (s.name == key) return s;
    std::vector<std::string> names;
    for (const auto& s : specs) names.push_back(s.name);
    json_fail(path, "unknown parameter of solver '" + name + "' (known: " + (names.empty() ? "none" : join(names)) + ")");
  };

  entry.fixed = nlohmann::json::object();
  if (const auto* fixed = o.find("fixed")) {
    if (!fixed->is_object()) json_fail(o.path_of("fixed"), "expected an object of parameter values, got " + json_show(*fixed));
    for (const auto& item : fixed->items()) {
      const std::string path = json_child_path(o.path_of("fixed"), item.key());
      entry.fixed[item.key()] = validate_param_value(find_spec(item.key(), path), item.value(), path);
    }
  }
  nlohmann::json grid_given = nlohmann::json::object();
  if (const auto* grid = o.find("grid")) {
    if (!grid->is_object())
      json_fail(o.path_of("grid"), "expected an object of parameter -> list of values, got " + json_show(*grid));
    for (const auto& item : grid->items()) {  // nlohmann objects iterate in sorted key order
      const std::string path = json_child_path(o.path_of("grid"), item.key());
      const ParamSpec& spec = find_spec(item.key(), path);
      if (entry.fixed.contains(item.key()))
        json_fail(path, "set both in \"fixed\" and in \"grid\"; keep one");
      entry.grid.push_back(parse_grid_axis(spec, item.value(), path));
      grid_given[item.key()] = item.value();
    }
  }
  // The config's seed is the default of every solver parameter named "seed".
  if (config.seed && entry.solver->has_param("seed") && !entry.fixed.contains("seed") && !grid_given.contains("seed")) {
    const std::string path = json_child_path(o.path_of("fixed"), "seed");
    entry.fixed["seed"] = validate_param_value(find_spec("seed", path), *config.seed, "seed");
  }

  entry.points = expand_grid(*entry.solver, entry.fixed, entry.grid, o.path_of("fixed"));
  std::map<std::string, std::size_t> stems;
  for (std::size_t i = 0; i < entry.points.size(); ++i) {
    const std::string stem = point_file_stem(entry.points[i]);
    if (auto it = stems.find(stem); it != stems.end())
      json_fail(o.path_of("grid"), "two grid points print the same (" + entry.points[i].str() +
                                       "); values closer than 15 significant digits cannot be told apart");
    stems[stem] = i;
  }
  nlohmann::json grid_resolved = nlohmann::json::object();
  for (const auto& axis : entry.grid) grid_resolved[axis.name] = axis.values;
  resolved = {{"id", entry.id},          {"solver", name},        {"dtype", dtype_name(entry.dtype)},
              {"fixed", entry.fixed},    {"grid", grid_resolved}, {"grid_given", grid_given},
              {"points", entry.points.size()}};
  return entry;
}

}  // namespace

std::vector<std::string> EvaluationConfig::metric_names() const {
  std::vector<std::string> names;
  for (const auto& m : metrics) names.push_back(m.name());
  return names;
}

const std::vector<std::string>& plot_kinds() {
  static const std::vector<std::string> kinds = {"metric_vs_rank", "time_vs_rank", "selected_params_vs_rank",
                                                 "approximation_gap"};
  return kinds;
}

std::size_t ExperimentConfig::n_points() const {
  std::size_t n = 0;
  for (const auto& s : solvers) n += s.points.size();
  return n;
}

std::string experiment_type(const nlohmann::json& root) {
  if (!root.is_object()) json_fail("", "a config must be a JSON object, got " + json_show(root));
  const auto it = root.find("experiment");
  if (it == root.end()) return "sweep";
  if (!it->is_string()) json_fail("experiment", "expected a string naming the experiment type, got " + json_show(*it));
  return it->get<std::string>();
}

ExperimentConfig parse_experiment_config(const nlohmann::json& root, const ConfigLocation& where, const Registry& registry) {
  JsonObject o(root, "",
               {"schema_version", "name", "description", "experiment", "seed", "dtype", "threads", "data", "evaluation",
                "selection", "execution", "solvers", "output", "approximation_gap"});
  ExperimentConfig config;
  config.config_path = where.config_path;
  nlohmann::json resolved = nlohmann::json::object();

  const auto& version = o.required("schema_version", "1");
  if (!version.is_number_integer() || version.get<std::int64_t>() != kConfigSchemaVersion)
    json_fail("schema_version", "expected " + std::to_string(kConfigSchemaVersion) +
                                    " (the config schema this aelab reads), got " + json_show(version));
  if (o.has("experiment") && experiment_type(root) != "sweep")
    json_fail("experiment", "this reader handles \"sweep\" configs, got " + json_show(root.at("experiment")));
  o.required("name", "the experiment's name; results go to results/<name> by default");
  config.name = *o.string("name");
  check_safe_name(config.name, "name");
  config.description = o.string("description", "");
  if (auto seed = o.integer("seed", 0, kMaxInt)) config.seed = static_cast<std::uint64_t>(*seed);
  config.dtype = parse_dtype(o.choice("dtype", {"float32", "float64"}, "float64"));
  config.threads = static_cast<int>(o.integer("threads", 0, 0, 1024));

  nlohmann::json data_resolved;
  config.data = parse_data(o.required("data", "an object describing the input data"), where, data_resolved);

  nlohmann::json evaluation_resolved;
  config.evaluation = parse_evaluation(o.find("evaluation"), evaluation_resolved);

  // Solvers before selection: "selection.per" is checked against their parameters.
  const auto& solvers = json_array(o.required("solvers", "a non-empty list of {\"id\", \"solver\", \"fixed\", \"grid\"}"),
                                   "solvers", "a non-empty list of solver entries");
  if (solvers.empty()) json_fail("solvers", "expected a non-empty list of solver entries, got []");
  nlohmann::json solvers_resolved = nlohmann::json::array();
  for (std::size_t i = 0; i < solvers.size(); ++i) {
    nlohmann::json entry_resolved;
    SolverEntry entry = parse_solver(solvers[i], i, config, registry, entry_resolved);
    for (const auto& earlier : config.solvers)
      if (earlier.id == entry.id)
        json_fail(json_child_path(entry.json_path, "id"),
                  "duplicate id \"" + entry.id + "\" (also " + earlier.json_path + "); give each entry its own \"id\"");
    config.solvers.push_back(std::move(entry));
    solvers_resolved.push_back(std::move(entry_resolved));
  }

  if (const auto* selection = o.find("selection")) {
    JsonObject s(*selection, "selection", {"on", "metric", "per"});
    config.selection.on = s.choice("on", {"validation"}, "validation");
    if (auto metric = s.string("metric")) {
      try {
        config.selection.metric = MetricSpec::parse(*metric).name();
      } catch (const Error& error) {
        json_fail(s.path_of("metric"), error.what());
      }
    }
    if (auto per = s.string_list("per", /*allow_empty=*/true)) config.selection.per = *per;
    for (std::size_t i = 0; i < config.selection.per.size(); ++i) {
      const std::string& key = config.selection.per[i];
      const std::string path = json_element_path(s.path_of("per"), i);
      bool known = false;
      for (const auto& entry : config.solvers) known = known || entry.solver->has_param(key);
      if (!known) json_fail(path, "\"" + key + "\" is not a parameter of any solver in this config");
      for (std::size_t j = 0; j < i; ++j)
        if (config.selection.per[j] == key) json_fail(path, "duplicate key \"" + key + "\"");
    }
  } else {
    // Default: one selection per rank, when some solver has a rank; otherwise one per solver.
    bool any_rank = false;
    for (const auto& entry : config.solvers) any_rank = any_rank || entry.solver->has_param("rank");
    if (!any_rank) config.selection.per.clear();
  }
  const auto names = config.evaluation.metric_names();
  if (std::find(names.begin(), names.end(), config.selection.metric) == names.end())
    json_fail(o.has("selection") && o.find("selection")->contains("metric") ? "selection.metric" : "selection",
              "\"" + config.selection.metric + "\" is not evaluated (evaluation.metrics: " + join(names) + ")");

  if (const auto* execution = o.find("execution")) {
    JsonObject e(*execution, "execution", {"rank_fits", "on_error", "force_memory"});
    config.execution.rank_fits = e.choice("rank_fits", {"shared", "independent"}, "shared") == "shared"
                                     ? ExecutionConfig::RankFits::shared
                                     : ExecutionConfig::RankFits::independent;
    config.execution.stop_on_error = e.choice("on_error", {"continue", "stop"}, "continue") == "stop";
    config.execution.force_memory = e.boolean("force_memory", false);
  }

  config.output.dir = resolve_output_dir(root, where);
  config.output.plots = plot_kinds();
  if (const auto* output = o.find("output")) {
    JsonObject out(*output, "output", {"dir", "plots"});
    if (auto plots = out.string_list("plots", /*allow_empty=*/true)) {
      config.output.plots.clear();
      for (std::size_t i = 0; i < plots->size(); ++i) {
        const std::string path = json_element_path(out.path_of("plots"), i);
        const auto& kinds = plot_kinds();
        if (std::find(kinds.begin(), kinds.end(), (*plots)[i]) == kinds.end())
          json_fail(path, "expected one of " + join(kinds) + ", got " + json_show((*plots)[i]));
        if (std::find(config.output.plots.begin(), config.output.plots.end(), (*plots)[i]) != config.output.plots.end())
          json_fail(path, "duplicate plot \"" + (*plots)[i] + "\"");
        config.output.plots.push_back((*plots)[i]);
      }
    }
  }

  if (const auto* gap = o.find("approximation_gap")) {
    nlohmann::json gap_resolved;
    config.approximation_gap = parse_gap_config(*gap, "approximation_gap", config, registry, gap_resolved);
    resolved["approximation_gap"] = std::move(gap_resolved);
  }

  resolved["schema_version"] = kConfigSchemaVersion;
  resolved["experiment"] = "sweep";
  resolved["name"] = config.name;
  resolved["description"] = config.description;
  resolved["seed"] = config.seed ? nlohmann::json(*config.seed) : nlohmann::json(nullptr);
  resolved["dtype"] = dtype_name(config.dtype);
  resolved["threads"] = config.threads;
  resolved["data"] = data_resolved;
  resolved["evaluation"] = evaluation_resolved;
  resolved["selection"] = {{"on", config.selection.on}, {"metric", config.selection.metric}, {"per", config.selection.per}};
  resolved["execution"] = {
      {"rank_fits", config.execution.rank_fits == ExecutionConfig::RankFits::shared ? "shared" : "independent"},
      {"on_error", config.execution.stop_on_error ? "stop" : "continue"},
      {"force_memory", config.execution.force_memory}};
  resolved["solvers"] = solvers_resolved;
  resolved["output"] = {{"dir", config.output.dir}, {"plots", config.output.plots}};
  config.resolved = resolved;
  config.hash = sha256_hex(resolved.dump());
  return config;
}

DataConfig parse_data_config(const nlohmann::json& root, const ConfigLocation& where) {
  if (!root.is_object()) json_fail("", "a config must be a JSON object, got " + json_show(root));
  const auto it = root.find("data");
  if (it == root.end()) json_fail("data", "required key is missing (an object describing the input data)");
  nlohmann::json resolved;
  return parse_data(*it, where, resolved);
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
  const std::optional<std::string> text = read_file_bytes(path);
  if (!text) throw Error(path + ": cannot read the config file");
  nlohmann::json root = parse_json_text(*text, path);
  for (const auto& o : overrides) apply_config_override(root, o, working_dir);
  return root;
}

}  // namespace aelab
