#include "experiments/gap/gap_section.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "core/linalg/linalg_cache.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/number_text.hpp"
#include "core/util/sha256.hpp"
#include "core/util/timer.hpp"
#include "core/util/timestamp.hpp"
#include "experiments/common/stored_record.hpp"
#include "experiments/sweep/plots.hpp"
#include "experiments/sweep/point_store.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

constexpr StoredRecordKind kGapPoint{"aelab-gap-point-2", "gap point", "settings"};
constexpr const char* kGapFormat = "aelab-gap-2";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string ranks_text(const std::vector<Rank>& ranks) {
  std::vector<std::string> texts;
  for (const Rank& r : ranks) texts.push_back(r.str());
  return join(texts);
}

// What determines a point's numbers (see the header).
std::string gap_key(const std::string& split_digest, const GapPoint& point, const std::vector<GapEntry>& entries,
                    const ApproximationGapOptions& options) {
  nlohmann::json solvers = nlohmann::json::array();
  for (const GapEntry& e : entries) solvers.push_back({{"solver", e.solver->name()}, {"params", e.params.to_json()}});
  nlohmann::json metrics = nlohmann::json::array();
  for (const MetricSpec& m : options.metrics) metrics.push_back(m.name());
  const nlohmann::json what = {{"format", kGapPoint.format}, {"split", split_digest},
                               {"point", point.params().to_json()}, {"solvers", solvers},
                               {"dtype", dtype_name(options.dtype)}, {"on", options.on}, {"metrics", metrics}};
  return sha256_hex(what.dump());
}

std::optional<GapReport> read_stored(const std::string& path, const std::string& key, std::string& why) {
  const auto stored = read_stored_record(
      path, kGapPoint, key, [](const nlohmann::json& j) { return j.contains("report") && j.at("report").is_object(); }, why);
  if (!stored) return std::nullopt;
  try {
    return GapReport::from_json((*stored)["report"]);
  } catch (const Error& e) {
    why = std::string("unreadable (") + e.what() + ")";
    return std::nullopt;
  }
}

std::string at_text(const GapConfig& gap) {
  return gap.fixed ? "lambda " + round_trip_text(gap.fixed->lambda) + ", p " + round_trip_text(gap.fixed->p)
                   : "lambda, p selected for " + gap.selected_from;
}

// A point that is stored and matches is read back; the others are computed (and stored) in order.
struct GapScan {
  std::vector<std::string> keys, files;
  std::vector<std::optional<GapReport>> stored;
  std::size_t to_run = 0;
};

GapScan scan_stored_points(const GapConfig& gap, const ExperimentData& data, const std::vector<GapPoint>& points,
                           const Registry& registry, const std::string& dir, bool force, Progress& progress) {
  GapScan scan;
  for (const GapPoint& point : points) {
    const std::vector<GapEntry> entries = plan_approximation_gap(registry, point, gap.options, "approximation_gap");
    scan.keys.push_back(gap_key(data.digest, point, entries, gap.options));
    scan.files.push_back((fs::path(dir) / "approximation_gap" / (point_file_stem(point.params()) + ".json")).string());
    std::string why;
    scan.stored.push_back(force ? std::nullopt : read_stored(scan.files.back(), scan.keys.back(), why));
    if (!why.empty()) progress.log("approximation gap: recomputing " + point.str() + ": the stored report is " + why);
    scan.to_run += !scan.stored.back();
  }
  return scan;
}

std::string gaps_line(const GapReport& report) {
  std::string line = "approximation gap at " + report.point.str() + ":";
  for (const GapRow& row : report.rows)
    if (&row != &report.rows.front() && row.relative_gap) line += " " + row.label + " " + scientific_text(*row.relative_gap, 2);
  if (!report.reference.converged) line += " (" + report.reference.solver + " NOT converged)";
  return line;
}

void write_outputs(const GapConfig& gap, const ExperimentConfig& config, const GapRunReport& report,
                   const std::vector<std::string>& skipped, const ResumableJob& job) {
  const fs::path dir(config.output.dir);
  nlohmann::json points = nlohmann::json::array();
  for (const GapReport& r : report.reports) points.push_back(r.to_json(/*with_reports=*/false));
  const nlohmann::json document = {{"format", kGapFormat},
                                   {"config", config.resolved.at("approximation_gap")},
                                   {"at", at_text(gap)},
                                   {"points", std::move(points)},
                                   {"skipped", skipped},
                                   {"failures", job.failures_json()}};
  write_file_atomically((dir / "approximation_gap.json").string(), document.dump(1) + "\n");
  write_file_atomically((dir / "approximation_gap.csv").string(), approximation_gap_csv(report.reports));
}

}  // namespace

std::vector<GapPoint> gap_points(const GapConfig& gap, const ExperimentConfig& config, const RunReport& sweep,
                                 std::vector<std::string>& skipped) {
  std::vector<GapPoint> points;
  if (gap.fixed) {
    for (const Rank& r : gap.ranks) points.push_back({r, *gap.fixed});
    return points;
  }
  const auto entry = std::find_if(config.solvers.begin(), config.solvers.end(),
                                  [&](const SolverEntry& e) { return e.id == gap.selected_from; });
  const std::size_t s = static_cast<std::size_t>(entry - config.solvers.begin());
  for (const Rank& r : gap.ranks) {
    const ParamSet* chosen = nullptr;
    if (s < sweep.selection.groups.size())
      for (const SelectionGroup& g : sweep.selection.groups[s])
        if (g.chosen && g.per_values.has(kRankParam) && g.per_values.rank(kRankParam) == r)
          chosen = &config.solvers[s].points[*g.chosen];
    if (!chosen) {
      skipped.push_back("rank " + r.str() + ": no point of \"" + gap.selected_from +
                        "\" is selected there (its fits failed or have not run)");
      continue;
    }
    points.push_back({r, *standard_regularizer(*chosen)});
  }
  return points;
}

GapRunReport run_gap_section(const GapConfig& gap, const ExperimentConfig& config, const ExperimentData& data,
                             const RunReport& sweep, const Registry& registry, ResumableJob* job,
                             const RunOptions& options) {
  std::ostream& out = options.out ? *options.out : std::cout;
  GapRunReport report;
  if (options.dry_run || !job) {
    if (!options.quiet)
      out << "approximation gap: " << gap.options.reference << " vs " << join(gap.options.solvers) << " at ranks "
          << ranks_text(gap.ranks) << ", " << at_text(gap) << "; metrics on " << gap.options.on << " users ("
          << gap.ranks.size() << " points, each one " << gap.options.reference << " fit and "
          << gap.options.solvers.size() << " solver fits)\n";
    return report;
  }
  Progress& progress = job->progress();
  std::vector<std::string> skipped;
  const std::vector<GapPoint> points = gap_points(gap, config, sweep, skipped);
  for (const auto& line : skipped) progress.log("approximation gap: " + line);
  report.points = points.size();
  GapScan scan = scan_stored_points(gap, data, points, registry, config.output.dir, options.force, progress);
  progress.log("approximation gap: " + std::to_string(points.size()) + " points (" + at_text(gap) + "), " +
               std::to_string(points.size() - scan.to_run) + " stored, " + std::to_string(scan.to_run) + " to compute");

  std::unique_ptr<LinalgCache> cache;
  progress.start(scan.to_run);
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (scan.stored[i]) {
      report.reports.push_back(std::move(*scan.stored[i]));
      ++report.reused;
      continue;
    }
    if (job->stopped_by_failure()) break;
    if (!cache) cache = std::make_unique<LinalgCache>(data.split.train, config.threads);
    ApproximationGapOptions options_at = gap.options;
    options_at.log = [&progress](const std::string& line) { progress.detail(line); };
    progress.current("approximation gap at " + points[i].str());
    Timer timer;
    std::optional<GapReport> result;
    const std::string failure = failure_message([&] {
      result = approximation_gap(*cache, data.split, registry, points[i], options_at);
      write_stored_record(scan.files[i], kGapPoint, scan.keys[i],
                          {{"finished_at", utc_timestamp()}, {"seconds", timer.seconds()}, {"report", result->to_json(true)}});
    });
    if (failure.empty()) {
      progress.advance(gaps_line(*result) + ", " + Progress::format_duration(timer.seconds()));
      report.reports.push_back(std::move(*result));
      ++report.computed;
    } else {
      ++report.failed;
      job->fail({{"point", points[i].params().to_json()}}, failure);
      progress.log("FAILED approximation gap at " + points[i].str() + ": " + failure);
      progress.advance("approximation gap at " + points[i].str() + ": failed");
    }
    cache->release_inverse();  // the next point has another regulariser, or the section is over
  }
  progress.finish();
  write_outputs(gap, config, report, skipped, *job);

  const bool wants_plot = std::find(config.output.plots.begin(), config.output.plots.end(), "approximation_gap") !=
                          config.output.plots.end();
  std::ostream& log_stream = options.log ? *options.log : std::cerr;
  if (options.plots && wants_plot)
    draw_run_plots(config.output.dir, {"approximation_gap"}, "approximation gap plots", options.quiet, out, log_stream);
  if (!options.quiet)
    out << "approximation gap (relative Eq. 7 gap to " << gap.options.reference << ", and " << gap.options.metric
        << " difference on " << gap.options.on << " users) at " << at_text(gap) << ":\n"
        << format_gap_summary(report.reports) << "approximation gap: " << report.points << " points (" << report.computed
        << " computed now, " << report.reused << " stored, " << report.failed << " failed); "
        << (fs::path(config.output.dir) / "approximation_gap.csv").string() << "\n";
  return report;
}

std::string format_gap_summary(const std::vector<GapReport>& reports) {
  if (reports.empty()) return "  (no points)\n";
  std::vector<std::string> labels;
  for (const GapRow& row : reports.front().rows)
    if (&row != &reports.front().rows.front()) labels.push_back(row.label);
  const std::string& metric = reports.front().metric;
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header = {kRankParam, kLambdaParam, kDropoutParam, reports.front().reference.solver};
  header.insert(header.end(), labels.begin(), labels.end());
  cells.push_back(header);
  for (const GapReport& report : reports) {
    std::vector<std::string> line = {report.point.rank.str(), round_trip_text(report.point.reg.lambda),
                                     round_trip_text(report.point.reg.p),
                                     report.reference.converged ? "converged" : "NOT converged"};
    for (const auto& label : labels) {
      std::string cell = "-";
      for (const GapRow& row : report.rows)
        if (row.label == label) {
          if (row.status == "failed") {
            cell = "failed";
          } else if (row.relative_gap) {
            cell = scientific_text(*row.relative_gap, 2);
            const auto it = row.metric_difference.find(metric);
            if (it != row.metric_difference.end() && it->second) cell += " (" + signed_fixed_text(*it->second, 4) + ")";
          }
        }
      line.push_back(cell);
    }
    cells.push_back(line);
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : cells)
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  std::string text;
  for (const auto& line : cells) {
    std::string row = " ";
    for (std::size_t c = 0; c < line.size(); ++c) row += " " + std::string(width[c] - line[c].size(), ' ') + line[c];
    text += row + "\n";
  }
  return text;
}

}  // namespace aelab
