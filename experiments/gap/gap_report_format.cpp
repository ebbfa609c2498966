// The approximation-gap report at the output edge (declared in experiments/gap/approximation_gap.hpp):
// JSON for the per-point files and approximation_gap.json (and back, for resume), the text table, the
// tidy CSV.
#include <algorithm>
#include <sstream>

#include "core/solver/standard_params.hpp"
#include "core/util/csv.hpp"
#include "core/util/error.hpp"
#include "core/util/number_text.hpp"
#include "experiments/gap/approximation_gap.hpp"

namespace aelab {

namespace {

nlohmann::json optional_number(const std::optional<double>& x) {
  return x && std::isfinite(*x) ? nlohmann::json(*x) : nlohmann::json(nullptr);
}

std::optional<double> read_optional(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<double>();
}

nlohmann::json row_json(const GapRow& row, bool with_report) {
  nlohmann::json metrics = nlohmann::json::object(), differences = nlohmann::json::object();
  for (const auto& [name, m] : row.metrics) metrics[name] = {{"mean", optional_number(m.mean)}, {"se", optional_number(m.se)}};
  for (const auto& [name, d] : row.metric_difference) differences[name] = optional_number(d);
  nlohmann::json out = {{"label", row.label},
                        {"solver", row.solver},
                        {"params", row.params.to_json()},
                        {"objective", optional_number(row.objective)},
                        {"relative_gap", optional_number(row.relative_gap)},
                        {"metrics", metrics},
                        {"metric_difference", differences},
                        {"fit_seconds", row.fit_seconds},
                        {"status", row.status},
                        {"message", row.message},
                        {"warnings", row.warnings},
                        {"n_nonfinite_scores", row.n_nonfinite_scores}};
  if (!row.plot_color.empty()) out["plot_color"] = row.plot_color;
  if (!row.shared_fit.empty()) out["shared_fit"] = row.shared_fit;
  if (with_report && row.report) out["report"] = row.report->to_json();
  return out;
}

// Parameters of a stored row, typed against the standard specs where they are standard; the others
// are kept as their JSON values through a permissive spec (they are only printed).
ParamSet row_params(const nlohmann::json& given) {
  std::vector<ParamSpec> specs = {rank_param_spec(), lambda_param_spec(), dropout_param_spec()};
  for (const auto& item : given.items()) {
    if (item.key() == kRankParam || item.key() == kLambdaParam || item.key() == kDropoutParam) continue;
    const nlohmann::json& v = item.value();
    const ParamType type = v.is_boolean()          ? ParamType::boolean
                           : v.is_number_integer() ? ParamType::integer
                           : v.is_number()         ? ParamType::real
                           : v.is_array()          ? ParamType::integer_list
                                                   : ParamType::string;
    specs.push_back(param_spec(item.key(), type, nullptr, ""));
  }
  return validate_params("stored gap row", specs, given);
}

GapRow row_from_json(const nlohmann::json& j) {
  GapRow row;
  row.label = j.at("label").get<std::string>();
  row.solver = j.at("solver").get<std::string>();
  row.params = row_params(j.at("params"));
  row.plot_color = j.value("plot_color", "");
  row.objective = read_optional(j, "objective");
  row.relative_gap = read_optional(j, "relative_gap");
  for (const auto& [name, m] : j.at("metrics").items()) row.metrics[name] = {read_optional(m, "mean"), read_optional(m, "se")};
  for (const auto& [name, d] : j.at("metric_difference").items())
    row.metric_difference[name] = d.is_null() ? std::nullopt : std::optional<double>(d.get<double>());
  row.fit_seconds = j.at("fit_seconds").get<double>();
  row.status = j.at("status").get<std::string>();
  row.message = j.at("message").get<std::string>();
  row.warnings = j.at("warnings").get<std::vector<std::string>>();
  row.n_nonfinite_scores = j.at("n_nonfinite_scores").get<std::size_t>();
  row.shared_fit = j.value("shared_fit", "");
  return row;
}

std::string cell_or_dash(const std::optional<double>& x, const std::function<std::string(double)>& format) {
  return x ? format(*x) : "-";
}

std::string aligned_table(const std::vector<std::vector<std::string>>& cells) {
  std::vector<std::size_t> width(cells.front().size(), 0);
  for (const auto& line : cells)
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t c = 0; c < line.size(); ++c) {
      std::string cell = line[c];
      // Names and status left-aligned, numbers right-aligned.
      if (c == 0 || c + 1 == line.size()) cell.resize(width[c], ' ');
      else cell = std::string(width[c] - cell.size(), ' ') + cell;
      text += cell + (c + 1 == line.size() ? "" : "  ");
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

}  // namespace

nlohmann::json GapReport::to_json(bool with_reports) const {
  nlohmann::json rows_json = nlohmann::json::array();
  for (const GapRow& row : rows) rows_json.push_back(row_json(row, with_reports));
  const nlohmann::json reference_json = {{"solver", reference.solver},
                                         {"objective", reference.objective},
                                         {"converged", reference.converged},
                                         {"stopped", reference.stop_reason},
                                         {"measure", optional_number(reference.measure)},
                                         {"tolerance", optional_number(reference.tolerance)},
                                         {"iterations", reference.iterations ? nlohmann::json(*reference.iterations)
                                                                             : nlohmann::json(nullptr)},
                                         {"status", reference.status()}};
  return {{"point", point.params().to_json()},
          {"on", on},
          {"dtype", dtype_name(dtype)},
          {"metric", metric},
          {"metrics", metrics},
          {"n_items", n_items},
          {"n_train_users", n_train_users},
          {"n_users", n_users},
          {"n_users_excluded", n_users_excluded},
          {"reference", reference_json},
          {"inverse", {{"seconds", inverse_seconds}, {"inversions", inversions}}},
          {"rows", std::move(rows_json)},
          {"warnings", warnings}};
}

GapReport GapReport::from_json(const nlohmann::json& j) {
  try {
    GapReport r;
    const ParamSet point = row_params(j.at("point"));
    r.point.rank = point.rank(kRankParam);
    r.point.reg = *standard_regularizer(point);
    r.on = j.at("on").get<std::string>();
    r.dtype = parse_dtype(j.at("dtype").get<std::string>());
    r.metric = j.at("metric").get<std::string>();
    r.metrics = j.at("metrics").get<std::vector<std::string>>();
    r.n_items = j.at("n_items").get<std::size_t>();
    r.n_train_users = j.at("n_train_users").get<std::size_t>();
    r.n_users = j.at("n_users").get<std::size_t>();
    r.n_users_excluded = j.at("n_users_excluded").get<std::size_t>();
    const nlohmann::json& ref = j.at("reference");
    r.reference.solver = ref.at("solver").get<std::string>();
    r.reference.objective = ref.at("objective").get<double>();
    r.reference.converged = ref.at("converged").get<bool>();
    r.reference.stop_reason = ref.at("stopped").get<std::string>();
    r.reference.measure = read_optional(ref, "measure");
    r.reference.tolerance = read_optional(ref, "tolerance");
    if (!ref.at("iterations").is_null()) r.reference.iterations = ref.at("iterations").get<std::size_t>();
    r.inverse_seconds = j.at("inverse").at("seconds").get<double>();
    r.inversions = j.at("inverse").at("inversions").get<std::size_t>();
    for (const auto& row : j.at("rows")) r.rows.push_back(row_from_json(row));
    r.warnings = j.at("warnings").get<std::vector<std::string>>();
    if (r.rows.empty()) throw Error("no rows");
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed approximation-gap report: ") + e.what());
  }
}

std::string format_approximation_gap(const GapReport& report) {
  std::ostringstream out;
  const GapReference& ref = report.reference;
  out << "approximation gap at rank " << report.point.rank.str() << ", lambda "
      << significant_text(report.point.reg.lambda, 6) << ", p " << significant_text(report.point.reg.p, 6) << " ("
      << report.n_train_users << " training users x " << report.n_items << " items, " << dtype_name(report.dtype) << "); "
      << report.metric << " on " << report.n_users << " " << report.on << " users\n";
  out << ref.solver << ": " << (ref.converged ? "converged" : "NOT CONVERGED") << " (" << ref.stop_reason
      << "; relative gradient norm " << cell_or_dash(ref.measure, [](double x) { return significant_text(x, 3); })
      << ", tolerance " << cell_or_dash(ref.tolerance, [](double x) { return significant_text(x, 3); })
      << ", iterations " << (ref.iterations ? std::to_string(*ref.iterations) : "-") << "); gaps are relative to L_"
      << ref.solver << " = " << significant_text(ref.objective, 12) << "\n\n";

  std::vector<std::vector<std::string>> cells = {
      {"solver", "Eq. 7 objective", "relative gap", report.metric, "+- se", "diff to " + ref.solver, "fit s", "status"}};
  for (const GapRow& row : report.rows) {
    const GapMetric& m = row.metrics.at(report.metric);
    const auto diff = row.metric_difference.count(report.metric) ? row.metric_difference.at(report.metric) : std::nullopt;
    cells.push_back({row.label, cell_or_dash(row.objective, [](double x) { return significant_text(x, 10); }),
                     cell_or_dash(row.relative_gap, [](double x) { return scientific_text(x, 3); }),
                     cell_or_dash(m.mean, [](double x) { return fixed_text(x, 5); }),
                     cell_or_dash(m.se, [](double x) { return fixed_text(x, 5); }),
                     cell_or_dash(diff, [](double x) { return signed_fixed_text(x, 5); }),
                     fixed_text(row.fit_seconds, 2) + (row.shared_fit.empty() ? "" : "*"),
                     &row == &report.rows.front() ? (row.status == "ok" ? "converged" : "NOT converged") : row.status});
  }
  out << aligned_table(cells) << "\n";
  if (std::any_of(report.rows.begin(), report.rows.end(), [](const GapRow& r) { return !r.shared_fit.empty(); }))
    out << "* one run gives several rows (a solver's variants): the time is that run's\n";
  out << "inverse of G + Lambda: " << fixed_text(report.inverse_seconds, 2) << " s, computed " << report.inversions
      << " time(s) and shared by every fit (not in fit s)\n";
  for (const GapRow& row : report.rows) {
    if (row.status != "ok" && !row.message.empty()) out << row.label << ": " << row.message << "\n";
    for (const auto& w : row.warnings)
      if (w != row.message) out << row.label << ": " << w << "\n";
  }
  for (const auto& w : report.warnings) out << "warning: " << w << "\n";
  return out.str();
}

std::string approximation_gap_csv(const std::vector<GapReport>& reports) {
  std::ostringstream out;
  const std::vector<std::string> metrics = reports.empty() ? std::vector<std::string>() : reports.front().metrics;
  const auto number = [](const std::optional<double>& x) { return x ? round_trip_text(*x) : std::string(); };
  out << "rank,lambda,p,label,solver,objective,relative_gap";
  for (const auto& m : metrics) out << "," << m << "," << m << "_se," << m << "_difference";
  out << ",fit_seconds,status,reference_converged\n";
  for (const GapReport& report : reports) {
    for (const GapRow& row : report.rows) {
      out << report.point.rank.str() << "," << round_trip_text(report.point.reg.lambda) << ","
          << round_trip_text(report.point.reg.p) << "," << csv_field(row.label) << "," << csv_field(row.solver) << ","
          << number(row.objective) << "," << number(row.relative_gap);
      for (const auto& m : metrics) {
        const GapMetric metric = row.metrics.count(m) ? row.metrics.at(m) : GapMetric{};
        const auto diff = row.metric_difference.count(m) ? row.metric_difference.at(m) : std::nullopt;
        out << "," << number(metric.mean) << "," << number(metric.se) << "," << number(diff);
      }
      out << "," << round_trip_text(row.fit_seconds) << "," << csv_field(row.status) << ","
          << (report.reference.converged ? "true" : "false") << "\n";
    }
  }
  return out.str();
}

}  // namespace aelab
