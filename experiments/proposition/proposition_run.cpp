#include "experiments/proposition/proposition_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "core/linalg/blas.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/memory.hpp"
#include "experiments/common/data_source.hpp"
#include "experiments/common/json_reader.hpp"
#include "experiments/common/manifest.hpp"
#include "experiments/proposition/proposition.hpp"
#include "core/solver/standard_params.hpp"
#include "experiments/common/split_digest.hpp"

namespace aelab {

namespace {

// Peak bytes beyond the data: the Gram matrix and its eigen workspace (what linear_bound guards), or
// the largest MLP fit, whichever is larger (they do not overlap).
std::size_t peak_memory_estimate(const PropositionSettings& settings, const Registry& registry, std::size_t n) {
  std::size_t peak = 3 * n * n * sizeof(double);
  for (const auto& a : settings.architectures)
    peak = std::max(peak, settings.solver->memory_estimate({n, Dtype::float64, &registry},
                                                           a.params.with(kRankParam, Rank::of(settings.ranks.back()))));
  return peak;
}

}  // namespace

int run_proposition_config(const ExperimentRequest& request) {
  const nlohmann::json& root = request.config;
  if (root.is_object() && root.contains("dtype"))
    json_fail("dtype", "not used by the proposition experiment (its precision is the mlp parameter "
                       "proposition.common.precision, float64 by default)");
  JsonObject o(root, "",
               {"schema_version", "name", "description", "experiment", "seed", "threads", "data", "output", "proposition"});
  const auto& version = o.required("schema_version", "1");
  if (!version.is_number_integer() || version.get<std::int64_t>() != kConfigSchemaVersion)
    json_fail("schema_version", "expected " + std::to_string(kConfigSchemaVersion) +
                                    " (the config schema this aelab reads), got " + json_show(version));
  const std::string name = o.required_string("name");
  o.string("description", "");
  const int threads = static_cast<int>(o.integer("threads", 0, 0, 1024));
  if (const auto* output = o.find("output")) JsonObject(*output, "output", {"dir"});
  const PropositionSettings parsed = parse_proposition_settings(root, request.location.config_dir, *request.registry);
  const DataConfig data = parse_data_config(root, request.location);
  const std::string out_dir = resolve_output_dir(root, request.location);

  std::ostream& out = request.options.out ? *request.options.out : std::cout;
  std::ostream& log_stream = request.options.log ? *request.options.log : std::cerr;
  const std::size_t fits = parsed.architectures.size() * parsed.ranks.size();
  if (request.options.check_only) {
    out << "config OK: proposition experiment " << name << ", " << parsed.architectures.size() << " architectures x "
        << parsed.ranks.size() << " ranks = " << fits << " " + parsed.solver->name() + " fits; output " << out_dir << "\n";
    return 0;
  }

  set_blas_threads(threads);
  const PropositionLog log = [&](const std::string& line) {
    if (!request.options.quiet) log_stream << line << "\n";
  };
  const bool save_split = data.save_split && !request.options.dry_run;
  const ExperimentData loaded =
      load_experiment_data(data, save_split ? (std::filesystem::path(out_dir) / "split").string() : "", log);
  const BinaryCsr& X = loaded.split.train;
  if (request.options.dry_run) {
    const PropositionFitStore store(out_dir, matrix_digest(X), parsed.solver->name());
    std::size_t stored = 0;
    for (const auto& a : parsed.architectures)
      for (std::size_t k : parsed.ranks) {
        std::string why;
        stored += store.load(a.id, k, a.params.with(kRankParam, Rank::of(k)), why) ? 1 : 0;
      }
    out << "proposition experiment " << name << ": " << X.n_rows() << " training users x " << X.n_cols() << " items, "
        << X.nnz() << " interactions\n"
        << "  bound: top " << parsed.ranks.back() << " eigenpairs of G = X^T X (" << X.n_cols() << " x " << X.n_cols()
        << ")\n"
        << "  fits: " << parsed.architectures.size() << " architectures x " << parsed.ranks.size() << " ranks = " << fits
        << " " + parsed.solver->name() + " trainings (plus the closed-form linear AE per rank), " << stored << " of them stored in "
        << out_dir << "/fits\n"
        << "  estimated peak memory: " << format_bytes(peak_memory_estimate(parsed, *request.registry, X.n_cols()))
        << " beyond the data\n"
        << "  output: " << out_dir << "\n";
    return 0;
  }

  PropositionSettings settings = parsed;
  settings.plot = settings.plot && request.options.plots;
  const nlohmann::json provenance = {{"config_path", request.location.config_path},
                                     {"config", root},
                                     {"data", loaded.provenance},
                                     {"split_digest", loaded.digest},
                                     {"software", software_environment()},
                                     {"threads", blas_threads()}};
  const bool color = &out == &std::cout && ::isatty(STDOUT_FILENO);
  PropositionRunOptions options;
  options.retrain = request.options.force;
  options.max_new_fits = request.options.max_fits;
  return run_proposition_experiment(settings, *request.registry, out_dir, X, out, color, log, provenance, options);
}

}  // namespace aelab
