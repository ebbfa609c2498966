#include "experiments/sweep/results.hpp"

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <ostream>
#include <set>

#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "experiments/sweep/selection.hpp"
#include "core/stats/statistics.hpp"

namespace aelab {

namespace fs = std::filesystem;

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string format_double(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::string text = nlohmann::json(x).dump();  // shortest round-trip form (grisu2)
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text;
}

std::string format_param(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return format_double(value.get<double>());
  return value.dump();
}

namespace {

// The parameter columns of summary.csv and timings.csv: rank, lambda, p, then every other parameter
// of any solver in the config, sorted by name.
std::vector<std::string> parameter_columns(const ExperimentConfig& config) {
  std::set<std::string> others;
  for (const auto& entry : config.solvers)
    for (const auto& spec : entry.solver->params())
      if (spec.name != "rank" && spec.name != "lambda" && spec.name != "p") others.insert(spec.name);
  std::vector<std::string> columns = {"rank", "lambda", "p"};
  columns.insert(columns.end(), others.begin(), others.end());
  return columns;
}

std::string parameter_cells(const std::vector<std::string>& columns, const ParamSet& params) {
  std::string cells;
  for (const auto& name : columns) cells += "," + (params.has(name) ? csv_field(format_param(params.values().at(name))) : "");
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

bool compatible(const nlohmann::json& a, const nlohmann::json& b) {
  for (const auto& item : a.items())
    if (b.contains(item.key()) && b.at(item.key()) != item.value()) return false;
  return true;
}

}  // namespace

std::vector<double> validation_scores(const ExperimentConfig& config, const SweepRecords& records, std::size_t s) {
  std::vector<double> scores;
  for (const auto& r : records[s]) {
    double score = std::nan("");
    if (r) {
      auto it = r->validation.metrics.find(config.selection.metric);
      if (it != r->validation.metrics.end()) score = it->second.mean;
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
          out += prefix + "," + split + "," + csv_field(metric) + "," + format_double(it->second.mean) + "," +
                 format_double(it->second.se) + "," + std::to_string(it->second.n_users) + "\n";
        }
      }
      if (record->objective.is_number())
        out += prefix + ",train,objective," + format_double(record->objective.get<double>()) + ",,\n";
    }
  }
  return out;
}

std::string timings_csv(const ExperimentConfig& config, const SweepRecords& records) {
  const auto columns = parameter_columns(config);
  std::string out = "solver_id,solver";
  for (const auto& c : columns) out += "," + csv_field(c);
  out += ",dtype,fit_mode,fit_seconds,cumulative_fit_seconds,validation_seconds,test_seconds,peak_rss_bytes,finished_at\n";
  auto number = [](const nlohmann::json& j, const char* key) {
    return j.contains(key) && j.at(key).is_number() ? format_double(j.at(key).get<double>()) : std::string();
  };
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    const auto& entry = config.solvers[s];
    for (std::size_t i = 0; i < entry.points.size(); ++i) {
      const auto& r = records[s][i];
      if (!r) continue;
      out += csv_field(entry.id) + "," + csv_field(entry.solver->name()) + parameter_cells(columns, entry.points[i]) + "," +
             dtype_name(r->dtype) + "," + r->fit_mode + "," + number(r->timings, "fit_seconds") + "," +
             number(r->timings, "cumulative_fit_seconds") + "," + format_double(r->validation.seconds) + "," +
             format_double(r->test.seconds) + "," + std::to_string(r->peak_rss_bytes) + "," + r->finished_at + "\n";
    }
  }
  return out;
}

nlohmann::json selection_json(const ExperimentConfig& config, const SweepRecords& records) {
  const std::string& metric = config.selection.metric;
  nlohmann::json solvers = nlohmann::json::array();
  // Chosen points per solver entry, for the comparisons: (per values, record).
  std::vector<std::vector<std::pair<nlohmann::json, const PointRecord*>>> chosen(config.solvers.size());
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    const auto& entry = config.solvers[s];
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& g : select_best(entry.points, validation_scores(config, records, s), config.selection.per)) {
      nlohmann::json group = {{"per", g.per_values}, {"points", g.members.size()}, {"candidates", g.candidates}};
      if (g.chosen) {
        const PointRecord& r = *records[s][*g.chosen];
        group["selected"] = {{"params", r.params.values()},
                             {"point_file", relative_point_file(r)},
                             {"validation_score", g.score},
                             {"ties", g.ties},
                             {"validation", metrics_json(r.validation)},
                             {"test", metrics_json(r.test)},
                             {"objective", r.objective},
                             {"fit_mode", r.fit_mode},
                             {"timings", r.timings}};
        chosen[s].emplace_back(g.per_values, &r);
      } else {
        group["selected"] = nullptr;
      }
      groups.push_back(std::move(group));
    }
    solvers.push_back({{"solver_id", entry.id}, {"solver", entry.solver->name()}, {"dtype", dtype_name(entry.dtype)},
                       {"groups", std::move(groups)}});
  }

  nlohmann::json comparisons = nlohmann::json::array();
  const auto metric_names = config.evaluation.metric_names();
  for (std::size_t a = 0; a < config.solvers.size(); ++a)
    for (std::size_t b = a + 1; b < config.solvers.size(); ++b)
      for (const auto& [per_a, ra] : chosen[a])
        for (const auto& [per_b, rb] : chosen[b]) {
          if (!compatible(per_a, per_b)) continue;
          nlohmann::json per = per_a;
          for (const auto& item : per_b.items()) per[item.key()] = item.value();
          for (const auto& m : metric_names) {
            nlohmann::json row = {{"per", per}, {"a", config.solvers[a].id}, {"b", config.solvers[b].id}, {"metric", m}};
            const auto va = ra->test_per_user.find(m), vb = rb->test_per_user.find(m);
            if (va == ra->test_per_user.end() || vb == rb->test_per_user.end() || ra->test_uids != rb->test_uids) {
              row["note"] = "per-user values missing or for different users";
              comparisons.push_back(std::move(row));
              continue;
            }
            const TestResult t = paired_t_test(va->second, vb->second);
            const TestResult w = wilcoxon_signed_rank(va->second, vb->second);
            double mean_a = 0, mean_b = 0;
            for (double x : va->second) mean_a += x;
            for (double x : vb->second) mean_b += x;
            const double n = double(va->second.size());
            row["n_users"] = va->second.size();
            row["mean_a"] = n > 0 ? mean_a / n : std::nan("");
            row["mean_b"] = n > 0 ? mean_b / n : std::nan("");
            row["mean_difference"] = n > 0 ? (mean_a - mean_b) / n : std::nan("");
            row["t_statistic"] = t.statistic;
            row["t_pvalue"] = t.pvalue;
            row["wilcoxon_statistic"] = w.statistic;
            row["wilcoxon_z"] = w.z;
            row["wilcoxon_n"] = w.n;
            row["wilcoxon_method"] = w.method;
            row["wilcoxon_pvalue"] = w.pvalue;
            const std::string note = !t.note.empty() ? t.note : w.note;
            row["note"] = note;
            comparisons.push_back(std::move(row));
          }
        }
  return {{"on", config.selection.on},
          {"metric", metric},
          {"per", config.selection.per},
          {"solvers", std::move(solvers)},
          {"comparisons", std::move(comparisons)}};
}

std::string comparisons_csv(const nlohmann::json& selection) {
  std::string out = "per,a,b,metric,n_users,mean_a,mean_b,mean_difference,t_statistic,t_pvalue,wilcoxon_statistic,"
                    "wilcoxon_z,wilcoxon_method,wilcoxon_pvalue,note\n";
  auto num = [](const nlohmann::json& row, const char* key) {
    if (!row.contains(key) || !row.at(key).is_number()) return std::string(row.contains(key) && row.at(key).is_null() ? "nan" : "");
    return row.at(key).is_number_float() ? format_double(row.at(key).get<double>()) : row.at(key).dump();
  };
  for (const auto& row : selection.at("comparisons")) {
    std::string per;
    for (const auto& item : row.at("per").items()) per += (per.empty() ? "" : ";") + item.key() + "=" + format_param(item.value());
    out += csv_field(per) + "," + csv_field(row.at("a").get<std::string>()) + "," + csv_field(row.at("b").get<std::string>()) +
           "," + csv_field(row.at("metric").get<std::string>()) + "," + num(row, "n_users") + "," + num(row, "mean_a") + "," +
           num(row, "mean_b") + "," + num(row, "mean_difference") + "," + num(row, "t_statistic") + "," +
           num(row, "t_pvalue") + "," + num(row, "wilcoxon_statistic") + "," + num(row, "wilcoxon_z") + "," +
           (row.contains("wilcoxon_method") ? row.at("wilcoxon_method").get<std::string>() : "") + "," +
           num(row, "wilcoxon_pvalue") + "," + csv_field(row.value("note", "")) + "\n";
  }
  return out;
}

nlohmann::json write_run_outputs(const ExperimentConfig& config, const SweepRecords& records) {
  const fs::path dir(config.output.dir);
  write_file_atomically((dir / "summary.csv").string(), summary_csv(config, records));
  write_file_atomically((dir / "timings.csv").string(), timings_csv(config, records));
  const nlohmann::json selection = selection_json(config, records);
  write_file_atomically((dir / "selection.json").string(), selection.dump(2) + "\n");
  write_file_atomically((dir / "comparisons.csv").string(), comparisons_csv(selection));
  if (!config.evaluation.save_per_user) return selection;
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    for (const auto& group : selection.at("solvers")[s].at("groups")) {
      if (group.at("selected").is_null()) continue;
      const ParamSet params(group.at("selected").at("params"));
      const PointRecord* record = nullptr;
      for (const auto& r : records[s])
        if (r && r->params.values() == params.values()) record = &*r;
      if (!record) continue;
      std::string text = "uid";
      for (const auto& [name, values] : record->test_per_user) text += "," + name;
      text += "\n";
      for (std::size_t u = 0; u < record->test_uids.size(); ++u) {
        text += std::to_string(record->test_uids[u]);
        for (const auto& [name, values] : record->test_per_user) text += "," + format_double(values[u]);
        text += "\n";
      }
      const std::string stem = group.at("per").empty() ? "all" : point_file_stem(ParamSet(group.at("per")));
      write_file_atomically((dir / "per_user" / config.solvers[s].id / (stem + ".csv")).string(), text);
    }
  }
  return selection;
}

void print_selection(std::ostream& out, const ExperimentConfig& config, const nlohmann::json& selection) {
  out << "selected on " << config.selection.on << " " << config.selection.metric;
  if (!config.selection.per.empty()) {
    out << " per";
    for (const auto& k : config.selection.per) out << " " << k;
  }
  out << "; test " << config.selection.metric << " (mean +- se):\n";
  for (const auto& solver : selection.at("solvers")) {
    for (const auto& group : solver.at("groups")) {
      std::string per;
      for (const auto& item : group.at("per").items()) per += " " + item.key() + "=" + format_param(item.value());
      out << "  " << solver.at("solver_id").get<std::string>() << per << ": ";
      if (group.at("selected").is_null()) {
        out << "no finished point\n";
        continue;
      }
      const auto& chosen = group.at("selected");
      const auto& test = chosen.at("test");
      if (test.contains(config.selection.metric)) {
        const auto& m = test.at(config.selection.metric);
        out << std::fixed << std::setprecision(4) << m.at("mean").get<double>() << " +- " << m.at("se").get<double>();
        out.unsetf(std::ios::fixed);
      }
      out << "  [" << ParamSet(chosen.at("params")).str() << "]\n";
    }
  }
}

}  // namespace aelab
