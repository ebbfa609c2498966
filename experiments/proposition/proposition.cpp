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
#include "core/util/timer.hpp"
#include "experiments/common/split_digest.hpp"
#include "solvers/builtin.hpp"

namespace aelab {

namespace {

std::string show(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

void reject_unknown_keys(const nlohmann::json& object, const std::string& where, const std::vector<std::string>& known) {
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) != known.end()) continue;
    std::string names;
    for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
    throw Error(where + "." + item.key() + ": unknown key (known: " + names + ")");
  }
}

EigenMethod eigen_method_of(const nlohmann::json& value, const std::string& where) {
  if (!value.is_string()) throw Error(where + ": expected one of \"auto\", \"arpack\", \"block\", \"dense\", got " + show(value));
  try {
    return parse_eigen_method(value.get<std::string>());
  } catch (const Error&) {
    throw Error(where + ": expected one of \"auto\", \"arpack\", \"block\", \"dense\", got " + show(value));
  }
}

std::vector<std::size_t> parse_ranks(const nlohmann::json& section) {
  if (!section.contains("ranks")) throw Error("proposition.ranks: required (a non-empty list of positive integers)");
  const nlohmann::json& ranks = section.at("ranks");
  if (!ranks.is_array() || ranks.empty())
    throw Error("proposition.ranks: expected a non-empty list of positive integers, got " + show(ranks));
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    const std::string where = "proposition.ranks[" + std::to_string(i) + "]";
    const auto& r = ranks[i];
    if (!r.is_number_integer() || r.get<std::int64_t>() < 1)
      throw Error(where + ": expected a positive integer, got " + show(r));
    const auto k = r.get<std::size_t>();
    if (std::find(out.begin(), out.end(), k) != out.end())
      throw Error(where + ": " + std::to_string(k) + " is listed twice");
    out.push_back(k);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void reject_rank(const nlohmann::json& params, const std::string& where) {
  if (params.contains("rank"))
    throw Error(where + ".rank: the rank is set per k by proposition.ranks; remove it here");
}

}  // namespace

PropositionSettings parse_proposition_settings(const nlohmann::json& config, const std::string& config_dir,
                                               const Registry& registry) {
  (void)config_dir;  // the section names no files
  if (!config.is_object()) throw Error("config: expected a JSON object, got " + show(config));
  if (!config.contains("proposition"))
    throw Error("proposition: section required when \"experiment\" is \"proposition\"");
  const nlohmann::json& section = config.at("proposition");
  if (!section.is_object()) throw Error("proposition: expected an object, got " + show(section));
  reject_unknown_keys(section, "proposition", {"ranks", "tolerance", "eigen_method", "plot", "common", "architectures"});

  PropositionSettings settings;
  settings.section = section;
  settings.ranks = parse_ranks(section);
  if (section.contains("tolerance")) {
    const auto& t = section.at("tolerance");
    if (!t.is_number() || !(t.get<double>() > 0 && t.get<double>() < 1))
      throw Error("proposition.tolerance: expected a number in (0, 1), got " + show(t));
    settings.tolerance = t.get<double>();
  }
  if (section.contains("eigen_method")) settings.eigen.method = eigen_method_of(section.at("eigen_method"), "proposition.eigen_method");
  if (section.contains("plot")) {
    if (!section.at("plot").is_boolean()) throw Error("proposition.plot: expected true or false, got " + show(section.at("plot")));
    settings.plot = section.at("plot").get<bool>();
  }

  const Solver& solver = registry.get("mlp");
  nlohmann::json base = {{"precision", "float64"}};
  if (config.contains("seed")) {
    const auto& seed = config.at("seed");
    if (!seed.is_number_integer() || seed.get<std::int64_t>() < 0)
      throw Error("seed: expected a non-negative integer, got " + show(seed));
    base["seed"] = seed;
  }
  nlohmann::json common = nlohmann::json::object();
  if (section.contains("common")) {
    common = section.at("common");
    if (!common.is_object()) throw Error("proposition.common: expected an object of mlp parameters, got " + show(common));
    reject_rank(common, "proposition.common");
    solver.make_params(common, "proposition.common");
  }

  if (!section.contains("architectures")) throw Error("proposition.architectures: required (a non-empty list)");
  const auto& architectures = section.at("architectures");
  if (!architectures.is_array() || architectures.empty())
    throw Error("proposition.architectures: expected a non-empty list of {\"id\", \"params\"}, got " + show(architectures));
  const std::regex id_pattern("[A-Za-z0-9][A-Za-z0-9_.+-]*");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < architectures.size(); ++i) {
    const std::string where = "proposition.architectures[" + std::to_string(i) + "]";
    const auto& a = architectures[i];
    if (!a.is_object()) throw Error(where + ": expected an object {\"id\", \"params\"}, got " + show(a));
    reject_unknown_keys(a, where, {"id", "params"});
    if (!a.contains("id") || !a.at("id").is_string() || !std::regex_match(a.at("id").get<std::string>(), id_pattern))
      throw Error(where + ".id: expected a name of letters, digits and _.+- , got " + show(a.value("id", nlohmann::json())));
    PropositionArchitecture architecture;
    architecture.id = a.at("id").get<std::string>();
    if (architecture.id == "linear_ae") throw Error(where + ".id: \"linear_ae\" names the closed-form rows; choose another id");
    if (!ids.insert(architecture.id).second) throw Error(where + ".id: \"" + architecture.id + "\" is used twice");
    nlohmann::json params = a.value("params", nlohmann::json::object());
    if (!params.is_object()) throw Error(where + ".params: expected an object of mlp parameters, got " + show(params));
    reject_rank(params, where + ".params");
    nlohmann::json merged = base;
    merged.update(common);
    merged.update(params);
    architecture.params = solver.make_params(merged, where + ".params");
    architecture.given = merged;
    settings.architectures.push_back(std::move(architecture));
  }
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

PropositionResult run_proposition(const BinaryCsr& X, const PropositionSettings& settings, const Registry& registry,
                                  const PropositionLog& log, const PropositionResume& resume) {
  Timer timer;
  auto info = [&](const std::string& line) {
    if (log) log(line);
  };
  const std::size_t n = X.n_cols();
  bool any_bias = false;
  for (const auto& a : settings.architectures) any_bias = any_bias || a.params.boolean("output_bias");
  for (std::size_t k : settings.ranks)
    if (k >= n)
      throw Error("proposition.ranks: k = " + std::to_string(k) + " is not below the number of items (n = " +
                  std::to_string(n) + ")");
  const std::size_t max_rank = settings.ranks.back() + (any_bias ? 1 : 0);

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

  // The linear AE at its closed form U = V = V_k, measured through the same batched SE as the MLPs.
  for (std::size_t k : settings.ranks) {
    PropositionRow row;
    row.architecture = "linear_ae";
    row.k = row.bound_rank = k;
    row.se_bound = bound.se(k);
    const arma::mat Vk = bound.eigenvectors.head_cols(k);
    const LowRankModel<double> model(Vk, Vk);
    row.se = squared_error(model, X);
    judge_row(row, result.frobenius_squared, settings.tolerance, /*two_sided=*/true);
    row.details = {{"model", "U = V = V_k (top-k eigenvectors of G)"}};
    result.rows.push_back(row);
  }

  LinalgCache cache(X);
  FitContext ctx(cache);
  ctx.log = log;
  const Solver& solver = registry.get("mlp");
  for (const auto& architecture : settings.architectures) {
    const bool bias = architecture.params.boolean("output_bias");
    for (std::size_t k : settings.ranks) {
      const ParamSet params = architecture.params.with("rank", static_cast<std::int64_t>(k));
      std::optional<StoredPropositionFit> fit;
      if (resume.store && !resume.retrain) {
        std::string why;
        fit = resume.store->load(architecture.id, k, params, why);
        if (!why.empty()) info("proposition: " + resume.store->path(architecture.id, k) + " not reused: " + why);
      }
      if (fit) {
        fit->details["reused"] = true;
        ++result.reused;
      } else {
        if (resume.max_new_fits > 0 && result.trained >= resume.max_new_fits) {
          ++result.not_run;
          continue;
        }
        info("proposition: training " + architecture.id + " at k = " + std::to_string(k));
        const auto model = solver.fit(ctx, params);
        const nlohmann::json& d = model->diagnostics();
        fit = StoredPropositionFit{squared_error(*model, X),
                                   {{"params", params.values()},
                                    {"epochs_run", d.value("epochs_run", 0)},
                                    {"stopped", d.value("stopped", "")},
                                    {"seconds", d.contains("seconds") ? d["seconds"].value("total", 0.0) : 0.0}}};
        if (resume.store) resume.store->save(architecture.id, k, params, *fit);
        ++result.trained;
      }
      PropositionRow row;
      row.architecture = architecture.id;
      row.k = k;
      row.bound_rank = k + (bias ? 1 : 0);
      row.se_bound = bound.se(row.bound_rank);
      row.se = fit->se;
      judge_row(row, result.frobenius_squared, settings.tolerance, /*two_sided=*/false);
      row.details = std::move(fit->details);
      std::ostringstream line;
      line.precision(10);
      line << "proposition: " << architecture.id << " k = " << k << ": SE " << row.se << ", bound " << row.se_bound
           << ", ratio " << row.ratio << (row.details.contains("reused") ? " (stored fit)" : "")
           << (row.violation ? "  VIOLATION" : "");
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

int run_proposition_experiment(const PropositionSettings& settings, const std::string& out_dir, const BinaryCsr& train,
                               std::ostream& out, bool color, const PropositionLog& log, const nlohmann::json& provenance,
                               const PropositionRunOptions& options) {
  const Registry registry = builtin_registry();
  std::optional<PropositionFitStore> store;
  if (options.resume) store.emplace(out_dir, matrix_digest(train));
  const PropositionResult result =
      run_proposition(train, settings, registry, log, {store ? &*store : nullptr, options.retrain, options.max_new_fits});
  if (!result.complete()) {
    out << "stopped after " << result.trained << " new MLP training" << (result.trained == 1 ? "" : "s") << " ("
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

int run_proposition_experiment(const nlohmann::json& config, const std::string& config_dir, const std::string& out_dir,
                               const BinaryCsr& train, std::ostream& out, bool color, const PropositionLog& log) {
  const PropositionSettings settings = parse_proposition_settings(config, config_dir, builtin_registry());
  return run_proposition_experiment(settings, out_dir, train, out, color, log);
}

}  // namespace aelab
