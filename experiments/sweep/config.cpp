#include "experiments/sweep/config.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

#include "core/data/synthetic.hpp"
#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/sha256.hpp"
#include "experiments/common/json_reader.hpp"
#include "experiments/sweep/point_store.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}



EvaluationConfig parse_evaluation(const nlohmann::json* value, const std::vector<MetricSpec>& defaults,
                                  nlohmann::json& resolved) {
  EvaluationConfig e;
  e.metrics = defaults;
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
                         const Registry& registry, std::size_t points_before, nlohmann::json& resolved) {
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
      if (entry.fixed.count(item.key()))
        json_fail(path, "set both in \"fixed\" and in \"grid\"; keep one");
      entry.grid.push_back(parse_grid_axis(spec, item.value(), path));
      grid_given[item.key()] = item.value();
    }
  }
  // The config's seed is the default of every solver parameter named "seed".
  if (config.seed && entry.solver->has_param("seed") && !entry.fixed.count("seed") && !grid_given.contains("seed")) {
    const std::string path = json_child_path(o.path_of("fixed"), "seed");
    entry.fixed["seed"] = validate_param_value(find_spec("seed", path), *config.seed, "seed");
  }

  const std::size_t size = grid_size(entry.grid);
  if (size > kMaxGridPoints - std::min(points_before, kMaxGridPoints))
    json_fail(o.path_of("grid"), "the grid has " + (size == std::numeric_limits<std::size_t>::max() ? std::string("too many")
                                                                                                  : std::to_string(size)) +
                                     " points, and the config may define at most " + std::to_string(kMaxGridPoints) +
                                     " in all (" + std::to_string(points_before) +
                                     " in the entries before this one); split the sweep into several configs");
  entry.points = expand_grid(*entry.solver, entry.fixed, entry.grid, o.path_of("fixed"));
  std::map<std::string, std::size_t> stems;
  for (std::size_t i = 0; i < entry.points.size(); ++i) {
    const std::string stem = point_file_stem(entry.points[i]);
    if (auto it = stems.find(stem); it != stems.end())
      json_fail(o.path_of("grid"), "two grid points have the same file name (" + entry.points[i].str() + ")");
    stems[stem] = i;
  }
  nlohmann::json fixed_resolved = nlohmann::json::object();
  for (const auto& [key, v] : entry.fixed) fixed_resolved[key] = param_value_json(v);
  nlohmann::json grid_resolved = nlohmann::json::object();
  for (const auto& axis : entry.grid) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : axis.values) values.push_back(param_value_json(v));
    grid_resolved[axis.name] = std::move(values);
  }
  resolved = {{"id", entry.id},            {"solver", name},        {"dtype", dtype_name(entry.dtype)},
              {"fixed", fixed_resolved},   {"grid", grid_resolved}, {"grid_given", grid_given},
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

void ExperimentConfig::extend_resolved(const std::string& key, nlohmann::json section) {
  resolved[key] = std::move(section);
  hash = sha256_hex(resolved.dump());
}

std::size_t ExperimentConfig::n_points() const {
  std::size_t n = 0;
  for (const auto& s : solvers) n += s.points.size();
  return n;
}

ExperimentConfig parse_experiment_config(const nlohmann::json& root, const ConfigLocation& where, const Registry& registry,
                                         const std::vector<std::string>& sections) {
  std::vector<std::string> keys = {"schema_version", "name",      "description", "experiment", "seed",
                                   "dtype",          "threads",   "data",        "evaluation", "selection",
                                   "execution",      "solvers",   "output"};
  keys.insert(keys.end(), sections.begin(), sections.end());
  JsonObject o(root, "", keys);
  ExperimentConfig config;
  config.registry = &registry;
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
  config.data = parse_data_section(o.required("data", "an object describing the input data"), where, data_resolved);

  nlohmann::json evaluation_resolved;
  // Each protocol's literature reports its own metrics (docs/METRICS.md).
  const bool given_split = config.data.kind == DataConfig::Kind::given_split;
  config.evaluation =
      parse_evaluation(o.find("evaluation"), given_split ? given_split_metrics() : default_metrics(), evaluation_resolved);
  if (given_split) config.selection.metric = "ndcg@20";

  // Solvers before selection: "selection.per" is checked against their parameters.
  const auto& solvers = json_array(o.required("solvers", "a non-empty list of {\"id\", \"solver\", \"fixed\", \"grid\"}"),
                                   "solvers", "a non-empty list of solver entries");
  if (solvers.empty()) json_fail("solvers", "expected a non-empty list of solver entries, got []");
  nlohmann::json solvers_resolved = nlohmann::json::array();
  for (std::size_t i = 0; i < solvers.size(); ++i) {
    nlohmann::json entry_resolved;
    SolverEntry entry = parse_solver(solvers[i], i, config, registry, config.n_points(), entry_resolved);
    for (const auto& earlier : config.solvers)
      if (earlier.id == entry.id)
        json_fail(json_child_path(entry.json_path, "id"),
                  "duplicate id \"" + entry.id + "\" (also " + earlier.json_path + "); give each entry its own \"id\"");
    config.solvers.push_back(std::move(entry));
    solvers_resolved.push_back(std::move(entry_resolved));
  }

  if (const auto* selection = o.find("selection")) {
    JsonObject s(*selection, "selection", {"on", "metric", "per"});
    config.selection.on = s.choice("on", {"validation", "test"}, "validation");
    // Selecting on test users reproduces leaderboards that did so; their numbers are optimistic.
    if (config.selection.on == "test" && !given_split)
      json_fail(s.path_of("on"), "\"test\" is only for the given-split protocol (data.protocol \"given_split\"), "
                                 "where published leaderboards selected on the test users; select on validation");
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
    for (const auto& entry : config.solvers) any_rank = any_rank || entry.solver->has_param(kRankParam);
    if (!any_rank) config.selection.per.clear();
  }
  const auto names = config.evaluation.metric_names();
  if (std::find(names.begin(), names.end(), config.selection.metric) == names.end())
    json_fail(o.has("selection") && o.find("selection")->contains("metric") ? "selection.metric" : "selection",
              "\"" + config.selection.metric + "\" is not evaluated (evaluation.metrics: " + join(names) + ")");

  if (const auto* execution = o.find("execution")) {
    JsonObject e(*execution, "execution", {"rank_fits", "on_error", "force_memory", "backend", "block"});
    config.execution.rank_fits = e.choice("rank_fits", {"shared", "independent"}, "shared") == "shared"
                                     ? ExecutionConfig::RankFits::shared
                                     : ExecutionConfig::RankFits::independent;
    config.execution.stop_on_error = e.choice("on_error", {"continue", "stop"}, "continue") == "stop";
    config.execution.force_memory = e.boolean("force_memory", false);
    config.execution.backend = e.choice("backend", {"local", "scalapack"}, "local");
    if (const auto block = e.integer("block", 1, 65536)) {
      if (!config.execution.distributed())
        json_fail(e.path_of("block"), "expected \"backend\": \"scalapack\" with a block size (the local backend has no blocks)");
      config.execution.block = static_cast<int>(*block);
    }
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
  // Only a distributed backend is named: the resolved config, and so the hash, of a local config stay
  // what they were before there was a choice.
  if (config.execution.distributed()) {
    resolved["execution"]["backend"] = config.execution.backend;
    resolved["execution"]["block"] = config.execution.block ? nlohmann::json(*config.execution.block) : nlohmann::json(nullptr);
  }
  resolved["solvers"] = solvers_resolved;
  resolved["output"] = {{"dir", config.output.dir}, {"plots", config.output.plots}};
  config.resolved = resolved;
  config.hash = sha256_hex(resolved.dump());
  return config;
}

namespace {

void check_rank_fits(const ExperimentConfig& config, const std::string& json_path, const ParamValue& value,
                     std::size_t n_items, const std::string& bound) {
  const Rank* r = std::get_if<Rank>(&value);
  if (!r || r->full || r->k <= n_items) return;
  throw Error(config_prefix(config) + json_path + ": rank " + r->str() +
              " exceeds " + bound + " (" + std::to_string(n_items) + ")");
}

}  // namespace

std::string config_prefix(const ExperimentConfig& config) {
  return config.config_path.empty() ? std::string() : config.config_path + ": ";
}

void check_ranks_fit_items(const ExperimentConfig& config, std::size_t n_items, const std::string& bound) {
  for (const auto& entry : config.solvers) {
    for (const auto& axis : entry.grid)
      if (axis.name == kRankParam)
        for (std::size_t i = 0; i < axis.values.size(); ++i)
          check_rank_fits(config, entry.json_path + ".grid." + kRankParam + "[" + std::to_string(i) + "]", axis.values[i],
                          n_items, bound);
    if (const auto it = entry.fixed.find(kRankParam); it != entry.fixed.end())
      check_rank_fits(config, entry.json_path + ".fixed." + kRankParam, it->second, n_items, bound);
  }
}

}  // namespace aelab
