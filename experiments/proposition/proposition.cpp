#include "experiments/proposition/proposition.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <optional>
#include <ostream>
#include <regex>
#include <set>
#include <sstream>

#include "core/eval/reconstruction_error.hpp"
#include "core/linalg/dense_linalg.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/solver/models.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/linalg/blas.hpp"
#include "core/util/timer.hpp"
#include "experiments/common/split_digest.hpp"
#include "core/solver/standard_params.hpp"
#include "experiments/common/json_reader.hpp"

namespace aelab {

namespace {

std::vector<std::size_t> parse_ranks(const JsonObject& section) {
  const nlohmann::json* ranks = section.find("ranks");
  if (!ranks) json_fail("proposition.ranks", "required (a non-empty list of positive integers)");
  if (!ranks->is_array() || ranks->empty())
    json_fail("proposition.ranks", "expected a non-empty list of positive integers, got " + json_show(*ranks));
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < ranks->size(); ++i) {
    const std::string where = json_element_path("proposition.ranks", i);
    const auto& r = (*ranks)[i];
    if (!r.is_number_integer() || r.get<std::int64_t>() < 1) json_fail(where, "expected a positive integer, got " + json_show(r));
    const auto k = r.get<std::size_t>();
    if (std::find(out.begin(), out.end(), k) != out.end()) json_fail(where, std::to_string(k) + " is listed twice");
    out.push_back(k);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void reject_rank(const nlohmann::json& params, const std::string& where) {
  if (params.contains(kRankParam)) json_fail(where + ".rank", "the rank is set per k by proposition.ranks; remove it here");
}

// The nonlinear autoencoder the architectures are trained with: named, or the registry's only one.
const Solver& proposition_solver(const JsonObject& section, const Registry& registry) {
  if (auto name = section.string("solver")) {
    const Solver* solver = registry.find(*name);
    if (!solver) json_fail("proposition.solver", "unknown solver \"" + *name + "\" (known: " + registry.names_text() + ")");
    if (!solver->traits().nonlinear_autoencoder || !solver->has_param(kRankParam))
      json_fail("proposition.solver", "\"" + *name + "\" is not a nonlinear autoencoder with a rank (the Proposition's subject)");
    return *solver;
  }
  std::vector<const Solver*> candidates;
  for (const Solver* solver : registry.in_order())
    if (solver->traits().nonlinear_autoencoder && solver->has_param(kRankParam)) candidates.push_back(solver);
  if (candidates.size() != 1)
    json_fail("proposition.solver", "required: " + std::to_string(candidates.size()) +
                                        " registered solvers are nonlinear autoencoders with a rank");
  return *candidates.front();
}

PropositionArchitecture parse_architecture(const nlohmann::json& a, const std::string& where, const Solver& solver,
                                           const nlohmann::json& base, const nlohmann::json& common) {
  static const std::regex id_pattern("[A-Za-z0-9][A-Za-z0-9_.+-]*");
  const JsonObject o(a, where, {"id", "params"});
  const nlohmann::json* id = o.find("id");
  if (!id || !id->is_string() || !std::regex_match(id->get<std::string>(), id_pattern))
    json_fail(where + ".id", "expected a name of letters, digits and _.+- , got " + json_show(id ? *id : nlohmann::json()));
  PropositionArchitecture architecture;
  architecture.id = id->get<std::string>();
  if (architecture.id == "linear_ae") json_fail(where + ".id", "\"linear_ae\" names the closed-form rows; choose another id");
  const nlohmann::json params = a.value("params", nlohmann::json::object());
  if (!params.is_object()) json_fail(where + ".params", "expected an object of " + solver.name() + " parameters, got " + json_show(params));
  reject_rank(params, where + ".params");
  nlohmann::json merged = base;
  merged.update(common);
  merged.update(params);
  architecture.params = solver.make_params(merged, where + ".params");
  architecture.given = merged;
  return architecture;
}

}  // namespace

PropositionSettings parse_proposition_settings(const nlohmann::json& config, const std::string& config_dir,
                                               const Registry& registry) {
  (void)config_dir;  // the section names no files
  if (!config.is_object()) json_fail("config", "expected a JSON object, got " + json_show(config));
  if (!config.contains("proposition"))
    json_fail("proposition", "section required when \"experiment\" is \"proposition\"");
  const nlohmann::json& value = config.at("proposition");
  const JsonObject section(value, "proposition",
                           {"solver", "ranks", "tolerance", "eigen_method", "plot", "common", "architectures"});

  PropositionSettings settings;
  settings.section = value;
  settings.ranks = parse_ranks(section);
  if (section.has("tolerance")) {
    const auto& t = *section.find("tolerance");
    if (!t.is_number() || !(t.get<double>() > 0 && t.get<double>() < 1))
      json_fail("proposition.tolerance", "expected a number in (0, 1), got " + json_show(t));
    settings.tolerance = t.get<double>();
  }
  settings.eigen.method = parse_eigen_method(section.choice("eigen_method", {"auto", "arpack", "block", "dense"}, "auto"));
  settings.plot = section.boolean("plot", true);

  const Solver& solver = proposition_solver(section, registry);
  settings.solver = &solver;
  nlohmann::json base = nlohmann::json::object();
  if (solver.has_param("precision")) base["precision"] = "float64";
  if (config.contains("seed")) {
    const auto& seed = config.at("seed");
    if (!seed.is_number_integer() || seed.get<std::int64_t>() < 0)
      json_fail("seed", "expected a non-negative integer, got " + json_show(seed));
    if (solver.has_param("seed")) base["seed"] = seed;
  }
  nlohmann::json common = nlohmann::json::object();
  if (const nlohmann::json* given = section.find("common")) {
    common = *given;
    if (!common.is_object())
      json_fail("proposition.common", "expected an object of " + solver.name() + " parameters, got " + json_show(common));
    reject_rank(common, "proposition.common");
    solver.make_params(common, "proposition.common");
  }

  const nlohmann::json* architectures = section.find("architectures");
  if (!architectures) json_fail("proposition.architectures", "required (a non-empty list)");
  if (!architectures->is_array() || architectures->empty())
    json_fail("proposition.architectures",
              "expected a non-empty list of {\"id\", \"params\"}, got " + json_show(*architectures));
  std::set<std::string> ids, columns;
  for (std::size_t i = 0; i < architectures->size(); ++i) {
    const std::string where = json_element_path("proposition.architectures", i);
    PropositionArchitecture architecture = parse_architecture((*architectures)[i], where, solver, base, common);
    if (!ids.insert(architecture.id).second) json_fail(where + ".id", "\"" + architecture.id + "\" is used twice");
    const nlohmann::json given = (*architectures)[i].value("params", nlohmann::json::object());
    for (const auto& item : given.items()) columns.insert(item.key());
    settings.architectures.push_back(std::move(architecture));
  }
  settings.architecture_columns.assign(columns.begin(), columns.end());
  const std::string raising = solver.traits().rank_raising_param;
  if (!raising.empty() && !columns.count(raising)) settings.architecture_columns.push_back(raising);
  return settings;
}

double LinearBound::se(std::size_t k) const {
  if (k > eigenvalues.n_elem) throw Error("LinearBound: rank " + std::to_string(k) + " beyond the computed eigenvalues");
  return frobenius_squared - (k == 0 ? 0.0 : arma::accu(eigenvalues.head(k)));
}

LinearBound linear_bound(const BinaryCsr& X, std::size_t max_rank, const EigenOptions& options, bool force_memory) {
  Timer timer;
  const std::size_t n = X.n_cols();
  if (max_rank < 1 || max_rank > n)
    throw Error("proposition: rank " + std::to_string(max_rank) + " must be in [1, n = " + std::to_string(n) + "]");
  ensure_memory(3 * n * n * sizeof(double), "the Gram matrix G = X^T X and its eigenpairs", force_memory);
  LinearBound bound;
  bound.frobenius_squared = static_cast<double>(X.nnz());
  arma::mat G;
  dense_gram(X, G);
  TopEigenpairs<double> top = top_eigenpairs(G, max_rank, options);
  G.reset();
  bound.eigenvalues = std::move(top.values);
  bound.eigenvectors = std::move(top.vectors);
  bound.next_value = top.next_value;
  bound.method = top.method;
  bound.max_residual = top.max_residual;
  bound.seconds = timer.seconds();
  return bound;
}

void judge_row(PropositionRow& row, double frobenius_squared, double tolerance, bool two_sided) {
  const double floor = 1e-12 * frobenius_squared;
  row.ratio = row.se_bound > floor ? row.se / row.se_bound : std::numeric_limits<double>::quiet_NaN();
  if (two_sided) row.violation = std::fabs(row.se - row.se_bound) > tolerance * row.se_bound + floor;
  else row.violation = row.se < (1 - tolerance) * row.se_bound - floor;
}

nlohmann::json PropositionFitDetails::to_json() const {
  if (!model.empty()) return {{"model", model}};
  nlohmann::json out = {{"params", params.to_json()}, {"epochs_run", epochs_run}, {"stopped", stopped}, {"seconds", seconds}};
  if (reused) out["reused"] = true;
  return out;
}

namespace {

bool raises_rank(const PropositionSettings& settings, const PropositionArchitecture& architecture) {
  const std::string param = settings.solver->traits().rank_raising_param;
  return !param.empty() && architecture.params.has(param) && architecture.params.boolean(param);
}

// The linear AE at its closed form U = V = V_k, measured through the same batched SE as the trained models.
void add_linear_rows(const BinaryCsr& X, const PropositionSettings& settings, const LinearBound& bound,
                     PropositionResult& result) {
  for (std::size_t k : settings.ranks) {
    PropositionRow row;
    row.architecture = "linear_ae";
    row.k = row.bound_rank = k;
    row.se_bound = bound.se(k);
    const arma::mat Vk = bound.eigenvectors.head_cols(k);
    const LowRankModel<double> model(Vk, Vk);
    row.se = squared_error(model, X);
    judge_row(row, result.frobenius_squared, settings.tolerance, /*two_sided=*/true);
    row.details.model = "U = V = V_k (top-k eigenvectors of G)";
    result.rows.push_back(row);
  }
}

// A stored fit when one matches, else a new training (stored at once) unless the budget is spent.
std::optional<StoredPropositionFit> obtain_fit(const BinaryCsr& X, const PropositionSettings& settings,
                                               const PropositionArchitecture& architecture, std::size_t k,
                                               const ParamSet& params, FitContext& ctx, const PropositionResume& resume,
                                               const PropositionLog& log, PropositionResult& result, bool& reused) {
  reused = false;
  if (resume.store && !resume.retrain) {
    std::string why;
    if (auto fit = resume.store->load(architecture.id, k, params, why)) {
      reused = true;
      ++result.reused;
      return fit;
    }
    if (!why.empty() && log) log("proposition: " + resume.store->path(architecture.id, k) + " not reused: " + why);
  }
  if (resume.job && !resume.job->may_fit()) {
    ++result.not_run;
    return std::nullopt;
  }
  if (log) log("proposition: training " + architecture.id + " at k = " + std::to_string(k));
  const auto model = settings.solver->fit(ctx, params);
  const FitReport& report = model->report();
  StoredPropositionFit fit{squared_error(*model, X), report.trace.completed, report.stop_reason,
                           report.seconds.get("total").value_or(0.0)};
  if (resume.store) resume.store->save(architecture.id, k, params, fit);
  if (resume.job) resume.job->fitted();
  ++result.trained;
  return fit;
}

}  // namespace

PropositionResult run_proposition(const BinaryCsr& X, const PropositionSettings& settings, const Registry& registry,
                                  const PropositionLog& log, const PropositionResume& resume) {
  Timer timer;
  auto info = [&](const std::string& line) {
    if (log) log(line);
  };
  if (!settings.solver) throw Error("proposition: the settings name no solver (read them with parse_proposition_settings)");
  const std::size_t n = X.n_cols();
  bool any_raise = false;
  for (const auto& a : settings.architectures) any_raise = any_raise || raises_rank(settings, a);
  for (std::size_t k : settings.ranks)
    if (k >= n)
      throw Error("proposition.ranks: k = " + std::to_string(k) + " is not below the number of items (n = " +
                  std::to_string(n) + ")");
  const std::size_t max_rank = settings.ranks.back() + (any_raise ? 1 : 0);

  PropositionResult result;
  result.users = X.n_rows();
  result.items = n;
  result.nnz = X.nnz();
  result.tolerance = settings.tolerance;

  info("proposition: top " + std::to_string(max_rank) + " eigenpairs of G = X^T X (" + std::to_string(X.n_rows()) +
       " users x " + std::to_string(n) + " items, " + std::to_string(X.nnz()) + " interactions)");
  const LinearBound bound = linear_bound(X, max_rank, settings.eigen);
  result.frobenius_squared = bound.frobenius_squared;
  result.eigen = {{"method", bound.method},
                  {"max_residual", std::isfinite(bound.max_residual) ? nlohmann::json(bound.max_residual) : nlohmann::json()},
                  {"next_eigenvalue", std::isfinite(bound.next_value) ? nlohmann::json(bound.next_value) : nlohmann::json()},
                  {"seconds", bound.seconds},
                  {"eigenvalues", arma::conv_to<std::vector<double>>::from(bound.eigenvalues)}};
  add_linear_rows(X, settings, bound, result);

  LinalgCache cache(X);
  FitContext ctx(cache);
  ctx.registry = &registry;
  ctx.log = log;
  for (const auto& architecture : settings.architectures) {
    for (std::size_t k : settings.ranks) {
      const ParamSet params = architecture.params.with(kRankParam, Rank::of(k));
      bool reused = false;
      const std::optional<StoredPropositionFit> fit =
          obtain_fit(X, settings, architecture, k, params, ctx, resume, log, result, reused);
      if (!fit) continue;
      PropositionRow row;
      row.architecture = architecture.id;
      row.k = k;
      row.bound_rank = k + (raises_rank(settings, architecture) ? 1 : 0);
      row.se_bound = bound.se(row.bound_rank);
      row.se = fit->se;
      judge_row(row, result.frobenius_squared, settings.tolerance, /*two_sided=*/false);
      row.details = {"", params, fit->epochs_run, fit->stopped, fit->seconds, reused};
      std::ostringstream line;
      line.precision(10);
      line << "proposition: " << architecture.id << " k = " << k << ": SE " << row.se << ", bound " << row.se_bound
           << ", ratio " << row.ratio << (reused ? " (stored fit)" : "") << (row.violation ? "  VIOLATION" : "");
      info(line.str());
      result.rows.push_back(row);
    }
  }
  for (const auto& row : result.rows) result.violations += row.violation ? 1 : 0;
  result.seconds = timer.seconds();
  return result;
}

void print_proposition_table(const PropositionResult& result, std::ostream& out, bool color) {
  const char* red = color ? "\033[1;31m" : "";
  const char* reset = color ? "\033[0m" : "";
  out << "Proposition: training SE of rank-k autoencoders vs the linear bound SE_lin(k) = ||X||_F^2 - sum_{i<=k} s_i^2\n"
      << "data: " << result.users << " users x " << result.items << " items, ||X||_F^2 = " << result.nnz
      << "; violation: ratio < 1 - " << result.tolerance << " (linear AE: |ratio - 1| > " << result.tolerance << ")\n";
  out << std::left << std::setw(22) << "architecture" << std::right << std::setw(7) << "k" << std::setw(7) << "bound"
      << std::setw(18) << "SE_lin" << std::setw(18) << "SE" << std::setw(14) << "ratio" << "\n";
  for (const auto& row : result.rows) {
    std::ostringstream line;
    line << std::left << std::setw(22) << row.architecture << std::right << std::setw(7) << row.k << std::setw(7)
         << row.bound_rank << std::setw(18) << std::setprecision(10) << row.se_bound << std::setw(18) << row.se
         << std::setw(14) << std::setprecision(9) << row.ratio;
    if (row.violation) out << red << line.str() << "  VIOLATION" << reset << "\n";
    else out << line.str() << "\n";
  }
  if (result.violations > 0)
    out << red << result.violations << " VIOLATION" << (result.violations > 1 ? "S" : "")
        << " of the Proposition's bound: a bug in the bound, the training error or the network" << reset << "\n";
  else
    out << "no violation: every architecture's training SE is at or above its bound\n";
}

int run_proposition_experiment(const PropositionSettings& settings, const Registry& registry, const std::string& out_dir,
                               const BinaryCsr& train, std::ostream& out, bool color, const PropositionLog& log,
                               const nlohmann::json& provenance, const PropositionRunOptions& options) {
  JobOptions job_options;
  job_options.quiet = true;  // the caller's `log` shows progress
  job_options.threads = blas_threads();
  job_options.max_new_fits = options.max_new_fits;
  ResumableJob job(out_dir, job_options);
  const auto logged = [&](const std::string& line) {
    job.progress().log(line);
    if (log) log(line);
  };
  std::optional<PropositionFitStore> store;
  if (options.resume) store.emplace(out_dir, matrix_digest(train), settings.solver->name());
  const PropositionResult result =
      run_proposition(train, settings, registry, logged, {store ? &*store : nullptr, options.retrain, &job});
  if (!result.complete()) {
    out << "stopped after " << result.trained << " new " << settings.solver->name() << " training"
        << (result.trained == 1 ? "" : "s") << " ("
        << result.reused << " stored, " << result.not_run << " not run): rerun to continue; no summary written\n";
    if (result.violations > 0) {
      out << result.violations << " violation" << (result.violations > 1 ? "s" : "")
          << " of the bound among the finished fits (see the log)\n";
      return 1;
    }
    return 0;
  }
  const std::string plot_note = write_proposition_results(result, settings, out_dir, provenance);
  print_proposition_table(result, out, color);
  if (!plot_note.empty()) out << plot_note << "\n";
  out << "results: " << out_dir << "/proposition.csv, proposition.json\n";
  return result.violations == 0 ? 0 : 1;
}

int run_proposition_experiment(const nlohmann::json& config, const std::string& config_dir, const Registry& registry,
                               const std::string& out_dir, const BinaryCsr& train, std::ostream& out, bool color,
                               const PropositionLog& log) {
  const PropositionSettings settings = parse_proposition_settings(config, config_dir, registry);
  return run_proposition_experiment(settings, registry, out_dir, train, out, color, log);
}

}  // namespace aelab
