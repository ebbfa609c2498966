#include "experiments/sweep/results.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <ostream>
#include <set>

#include "core/solver/standard_params.hpp"
#include "core/util/csv.hpp"
#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/number_text.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

// The parameter columns of summary.csv and timings.csv: the standard parameters (rank, lambda, p),
// then every other parameter of any solver in the config, sorted by name.
std::vector<std::string> parameter_columns(const ExperimentConfig& config) {
  const std::vector<std::string> standard = {kRankParam, kLambdaParam, kDropoutParam};
  std::set<std::string> others;
  for (const auto& entry : config.solvers)
    for (const auto& spec : entry.solver->params())
      if (std::find(standard.begin(), standard.end(), spec.name) == standard.end()) others.insert(spec.name);
  std::vector<std::string> columns = standard;
  columns.insert(columns.end(), others.begin(), others.end());
  return columns;
}

std::string parameter_cells(const std::vector<std::string>& columns, const ParamSet& params) {
  std::string cells;
  for (const auto& name : columns) cells += "," + (params.has(name) ? csv_field(param_value_text(params.get(name))) : "");
  return cells;
}



nlohmann::json metrics_json(const PartResult& part) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, s] : part.metrics) out[name] = {{"mean", s.mean}, {"se", s.se}, {"n_users", s.n_users}};
  return out;
}

std::string relative_point_file(const PointRecord& r) {
  return "points/" + r.solver_id + "/" + point_file_stem(r.params) + ".json";
}

}  // namespace

std::vector<double> selection_scores(const ExperimentConfig& config, const SweepRecords& records, std::size_t s) {
  std::vector<double> scores;
  for (const auto& r : records[s]) {
    double score = std::nan("");
    if (r) {
      const PartResult& part = config.selection.on == "test" ? r->test : r->validation;
      auto it = part.metrics.find(config.selection.metric);
      if (it != part.metrics.end()) score = it->second.mean;
    }
    scores.push_back(score);
  }
  return scores;
}

std::string summary_csv(const ExperimentConfig& config, const SweepRecords& records) {
  const auto columns = parameter_columns(config);
  std::string out = "solver_id,solver";
  for (const auto& c : columns) out += "," + csv_field(c);
  out += ",split,metric,value,se,n_users\n";
  const auto metric_names = config.evaluation.metric_names();
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    const auto& entry = config.solvers[s];
    for (std::size_t i = 0; i < entry.points.size(); ++i) {
      const auto& record = records[s][i];
      if (!record) continue;
      const std::string prefix = csv_field(entry.id) + "," + csv_field(entry.solver->name()) +
                                 parameter_cells(columns, entry.points[i]);
      for (const auto& [split, part] : {std::pair<const char*, const PartResult*>{"validation", &record->validation},
                                        std::pair<const char*, const PartResult*>{"test", &record->test}}) {
        for (const auto& metric : metric_names) {
          const auto it = part->metrics.find(metric);
          if (it == part->metrics.end()) continue;
          out += prefix + "," + split + "," + csv_field(metric) + "," + round_trip_text(it->second.mean) + "," +
                 round_trip_text(it->second.se) + "," + std::to_string(it->second.n_users) + "\n";
        }
      }
      if (record->objective)
        out += prefix + ",train,objective," + round_trip_text(*record->objective) + ",,\n";
    }
  }
  return out;
}

std::string timings_csv(const ExperimentConfig& config, const SweepRecords& records) {
  const auto columns = parameter_columns(config);
  std::string out = "solver_id,solver";
  for (const auto& c : columns) out += "," + csv_field(c);
  out += ",dtype,fit_mode,fit_seconds,cumulative_fit_seconds,validation_seconds,test_seconds,peak_rss_bytes,finished_at\n";
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    const auto& entry = config.solvers[s];
    for (std::size_t i = 0; i < entry.points.size(); ++i) {
      const auto& r = records[s][i];
      if (!r) continue;
      out += csv_field(entry.id) + "," + csv_field(entry.solver->name()) + parameter_cells(columns, entry.points[i]) + "," +
             dtype_name(r->dtype) + "," + r->fit_mode + "," + round_trip_text(r->timings.fit_seconds) + "," +
             round_trip_text(r->timings.cumulative_fit_seconds) + "," + round_trip_text(r->validation.seconds) + "," +
             round_trip_text(r->test.seconds) + "," + std::to_string(r->peak_rss_bytes) + "," + r->finished_at + "\n";
    }
  }
  return out;
}

namespace {

Comparison compare(const ParamSet& per, const std::string& a, const std::string& b, const std::string& metric,
                   const PointRecord& ra, const PointRecord& rb) {
  Comparison c;
  c.per = per;
  c.a = a;
  c.b = b;
  c.metric = metric;
  const auto va = ra.test_per_user.find(metric), vb = rb.test_per_user.find(metric);
  if (va == ra.test_per_user.end() || vb == rb.test_per_user.end() || ra.test_uids != rb.test_uids) {
    c.note = "per-user values missing or for different users";
    return c;
  }
  c.computed = true;
  c.t = paired_t_test(va->second, vb->second);
  c.wilcoxon = wilcoxon_signed_rank(va->second, vb->second);
  double sum_a = 0, sum_b = 0;
  for (double x : va->second) sum_a += x;
  for (double x : vb->second) sum_b += x;
  const double n = double(va->second.size());
  c.n_users = va->second.size();
  c.mean_a = n > 0 ? sum_a / n : std::nan("");
  c.mean_b = n > 0 ? sum_b / n : std::nan("");
  c.mean_difference = n > 0 ? (sum_a - sum_b) / n : std::nan("");
  c.note = !c.t.note.empty() ? c.t.note : c.wilcoxon.note;
  return c;
}

nlohmann::json comparison_json(const Comparison& c) {
  nlohmann::json row = {{"per", c.per.to_json()}, {"a", c.a}, {"b", c.b}, {"metric", c.metric}, {"note", c.note}};
  if (!c.computed) return row;
  row["n_users"] = c.n_users;
  row["mean_a"] = c.mean_a;
  row["mean_b"] = c.mean_b;
  row["mean_difference"] = c.mean_difference;
  row["t_statistic"] = c.t.statistic;
  row["t_pvalue"] = c.t.pvalue;
  row["wilcoxon_statistic"] = c.wilcoxon.statistic;
  row["wilcoxon_z"] = c.wilcoxon.z;
  row["wilcoxon_n"] = c.wilcoxon.n;
  row["wilcoxon_method"] = c.wilcoxon.method;
  row["wilcoxon_pvalue"] = c.wilcoxon.pvalue;
  return row;
}

// "rank=100" -> "rank=100;..." as comparisons.csv writes the per values.
std::string per_text(const ParamSet& per, const std::string& separator, const std::string& lead) {
  std::string text;
  for (const auto& [name, value] : per.items())
    text += (text.empty() ? lead : separator) + name + "=" + param_value_text(value);
  return text;
}

}  // namespace

SweepSelection select_points(const ExperimentConfig& config, const SweepRecords& records) {
  SweepSelection selection;
  for (std::size_t s = 0; s < config.solvers.size(); ++s)
    selection.groups.push_back(
        select_best(config.solvers[s].points, selection_scores(config, records, s), config.selection.per));
  const auto metric_names = config.evaluation.metric_names();
  for (std::size_t a = 0; a < config.solvers.size(); ++a)
    for (std::size_t b = a + 1; b < config.solvers.size(); ++b)
      for (const SelectionGroup& ga : selection.groups[a]) {
        if (!ga.chosen) continue;
        for (const SelectionGroup& gb : selection.groups[b]) {
          if (!gb.chosen || !ga.per_values.agrees_with(gb.per_values)) continue;
          for (const auto& m : metric_names)
            selection.comparisons.push_back(compare(ga.per_values.merged(gb.per_values), config.solvers[a].id,
                                                    config.solvers[b].id, m, *records[a][*ga.chosen],
                                                    *records[b][*gb.chosen]));
        }
      }
  return selection;
}

nlohmann::json selection_json(const ExperimentConfig& config, const SweepRecords& records, const SweepSelection& selection) {
  nlohmann::json solvers = nlohmann::json::array();
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    const auto& entry = config.solvers[s];
    nlohmann::json groups = nlohmann::json::array();
    for (const SelectionGroup& g : selection.groups[s]) {
      nlohmann::json group = {{"per", g.per_values.to_json()}, {"points", g.members.size()}, {"candidates", g.candidates}};
      if (g.chosen) {
        const PointRecord& r = *records[s][*g.chosen];
        group["selected"] = {{"params", r.params.to_json()},
                             {"point_file", relative_point_file(r)},
                             {"validation_score", g.score},
                             {"ties", g.ties},
                             {"validation", metrics_json(r.validation)},
                             {"test", metrics_json(r.test)},
                             {"objective", r.objective ? nlohmann::json(*r.objective) : nlohmann::json(nullptr)},
                             {"fit_mode", r.fit_mode},
                             {"timings", r.timings.to_json()}};
      } else {
        group["selected"] = nullptr;
      }
      groups.push_back(std::move(group));
    }
    nlohmann::json solver = {{"solver_id", entry.id}, {"solver", entry.solver->name()},
                             {"dtype", dtype_name(entry.dtype)}, {"groups", std::move(groups)}};
    const std::string color = entry.solver->traits().plot_color;
    if (!color.empty()) solver["plot_color"] = color;
    solvers.push_back(std::move(solver));
  }
  nlohmann::json comparisons = nlohmann::json::array();
  for (const Comparison& c : selection.comparisons) comparisons.push_back(comparison_json(c));
  return {{"on", config.selection.on},
          {"metric", config.selection.metric},
          {"per", config.selection.per},
          {"solvers", std::move(solvers)},
          {"comparisons", std::move(comparisons)}};
}

std::string comparisons_csv(const SweepSelection& selection) {
  std::string out = "per,a,b,metric,n_users,mean_a,mean_b,mean_difference,t_statistic,t_pvalue,wilcoxon_statistic,"
                    "wilcoxon_z,wilcoxon_method,wilcoxon_pvalue,note\n";
  for (const Comparison& c : selection.comparisons) {
    out += csv_field(per_text(c.per, ";", "")) + "," + csv_field(c.a) + "," + csv_field(c.b) + "," + csv_field(c.metric) + ",";
    if (c.computed)
      out += std::to_string(c.n_users) + "," + round_trip_text(c.mean_a) + "," + round_trip_text(c.mean_b) + "," +
             round_trip_text(c.mean_difference) + "," + round_trip_text(c.t.statistic) + "," +
             round_trip_text(c.t.pvalue) + "," + round_trip_text(c.wilcoxon.statistic) + "," +
             round_trip_text(c.wilcoxon.z) + "," + c.wilcoxon.method + "," + round_trip_text(c.wilcoxon.pvalue) + ",";
    else
      out += ",,,,,,,,,,";
    out += csv_field(c.note) + "\n";
  }
  return out;
}

namespace {

void write_per_user_files(const ExperimentConfig& config, const SweepRecords& records, const SweepSelection& selection) {
  const fs::path dir(config.output.dir);
  for (std::size_t s = 0; s < config.solvers.size(); ++s)
    for (const SelectionGroup& group : selection.groups[s]) {
      if (!group.chosen) continue;
      const PointRecord& record = *records[s][*group.chosen];
      std::string text = "uid";
      for (const auto& [name, values] : record.test_per_user) text += "," + name;
      text += "\n";
      for (std::size_t u = 0; u < record.test_uids.size(); ++u) {
        text += std::to_string(record.test_uids[u]);
        for (const auto& [name, values] : record.test_per_user) text += "," + round_trip_text(values[u]);
        text += "\n";
      }
      const std::string stem = group.per_values.empty() ? "all" : point_file_stem(group.per_values);
      write_file_atomically((dir / "per_user" / config.solvers[s].id / (stem + ".csv")).string(), text);
    }
}

}  // namespace

SweepSelection write_run_outputs(const ExperimentConfig& config, const SweepRecords& records) {
  const fs::path dir(config.output.dir);
  write_file_atomically((dir / "summary.csv").string(), summary_csv(config, records));
  write_file_atomically((dir / "timings.csv").string(), timings_csv(config, records));
  const SweepSelection selection = select_points(config, records);
  write_file_atomically((dir / "selection.json").string(), selection_json(config, records, selection).dump(2) + "\n");
  write_file_atomically((dir / "comparisons.csv").string(), comparisons_csv(selection));
  if (config.evaluation.save_per_user) write_per_user_files(config, records, selection);
  return selection;
}

void print_selection(std::ostream& out, const ExperimentConfig& config, const SweepRecords& records,
                     const SweepSelection& selection) {
  out << "selected on " << config.selection.on << " " << config.selection.metric;
  if (!config.selection.per.empty()) {
    out << " per";
    for (const auto& k : config.selection.per) out << " " << k;
  }
  out << "; test " << config.selection.metric << " (mean +- se):\n";
  for (std::size_t s = 0; s < config.solvers.size(); ++s)
    for (const SelectionGroup& group : selection.groups[s]) {
      out << "  " << config.solvers[s].id << per_text(group.per_values, " ", " ") << ": ";
      if (!group.chosen) {
        out << "no finished point\n";
        continue;
      }
      const PointRecord& chosen = *records[s][*group.chosen];
      const auto it = chosen.test.metrics.find(config.selection.metric);
      if (it != chosen.test.metrics.end())
        out << fixed_text(it->second.mean, 4) << " +- " << fixed_text(it->second.se, 4);
      out << "  [" << chosen.params.str() << "]\n";
    }
}

}  // namespace aelab
