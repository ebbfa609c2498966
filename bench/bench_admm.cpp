// `aelab bench admm`: the seed paper's Table 1 on this machine — training time of the published ADMM
// (docs/MATH.md §2.4, a fixed number of epochs) against Algorithm 1 (`closed_form_approx`, docs/MATH.md §2.5) at several
// ranks on synthetic data, and the cost of one ADMM epoch against one SPD inverse (docs/MATH.md §7: an epoch
// is O(n^2 k), the inverse n^3).
//
// Every fit starts from an empty inverse cache, so each total includes its own Gram copy and inverse,
// as the paper's table does. `closed_form_approx` is looked up in the registry by name and reported
// as "not registered" when this build does not have it.
#include <cstdio>
#include <iostream>
#include <optional>

#include "bench/suites.hpp"
#include "bench/training_matrices.hpp"
#include "cli/command_line.hpp"
#include "core/data/synthetic.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"
#include "solvers/builtin.hpp"

namespace aelab::bench {

namespace {

struct FitTiming {
  bool ran = false;
  std::string note;  // why it did not run, or how it stopped
  double total = 0, inverse = 0, per_epoch = 0;
  std::size_t epochs = 0;
};

FitTiming time_fit(const Solver* solver, LinalgCache& cache, Dtype dtype, const nlohmann::json& given) {
  FitTiming t;
  if (!solver) {
    t.note = "not registered";
    return t;
  }
  nlohmann::json accepted = nlohmann::json::object();
  for (const auto& item : given.items())
    if (solver->has_param(item.key())) accepted[item.key()] = item.value();
  ParamSet params;
  try {
    params = solver->make_params(accepted);
  } catch (const Error& e) {
    t.note = std::string("parameters not accepted: ") + e.what();
    return t;
  }
  cache.release();  // each fit pays for its own Gram copy and inverse, as in the paper's table
  FitContext ctx(cache);
  ctx.dtype = dtype;
  Timer timer;
  const auto model = solver->fit(ctx, params);
  t.total = timer.seconds();
  t.ran = true;
  const FitReport& report = model->report();
  if (const auto inverse = report.seconds.get("inverse")) t.inverse = *inverse;
  double sum = 0;
  for (const TracePoint& row : report.trace.points)
    if (row.iteration >= 1) sum += row.seconds, ++t.epochs;
  t.per_epoch = t.epochs ? sum / static_cast<double>(t.epochs) : 0;
  if (report.stopped_early) t.note = report.stop_reason;
  return t;
}

std::string seconds_text(const FitTiming& t, double value) {
  if (!t.ran) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

}  // namespace

int run_admm_bench(const Arguments& args) {
  cli::CommandLine cl("aelab bench admm",
                      "Table 1 of the seed paper: admm (fixed epochs) vs closed_form_approx wall time per rank on\n"
                      "synthetic data, and the cost of one admm epoch against one SPD inverse.");
  std::size_t items = 10000;
  long long epochs = 10;  // checked by admm itself: a bad value is a note in the table
  std::uint64_t seed = 1;
  std::optional<std::size_t> users;
  std::optional<double> per_user_given;
  std::string ranks_text = "10,100,500,1000", dtype_text = "float64";
  double lambda = 300, p = 0.33, omega = 500;
  cl.option("--items", items, "N", "number of items n (default 10000)")->check(cli::integer_at_least(10));
  cl.option("--users", users, "M", "number of training users (default 5 n)")->check(cli::integer_at_least(1));
  cl.option("--per-user", per_user_given, "C", "mean interactions per user (default 40, at most n / 4)")
      ->check(cli::number_at_least(1));
  cl.option("--ranks", ranks_text, "K,K,...", "ranks to time (default 10,100,500,1000)")->check(cli::positive_integer_list());
  cl.option("--epochs", epochs, "E", "admm epochs (default 10)");
  cl.option("--dtype", dtype_text, "T", "float64 (default) or float32")->check(cli::one_of({"float64", "float32"}));
  cl.option("--lambda", lambda, "L", "L2 weight (default 300)");
  cl.option("--p", p, "P", "dropout probability (default 0.33)");
  cl.option("--omega", omega, "W", "admm penalty (default 500)");
  cl.option("--seed", seed, "S", "seed of the data and the random starts (default 1)");
  if (!cl.parse(args)) return 0;
  const std::size_t n_users = users.value_or(5 * items);
  // The generator needs 5 <= mean <= items / 2; the default stays inside that range for small sizes.
  const double per_user = per_user_given.value_or(std::min(40.0, std::max(5.0, static_cast<double>(items) / 4)));
  const std::vector<std::size_t> rank_list = cli::positive_integers(ranks_text, cl.command(), "--ranks");
  const std::vector<std::uint64_t> ranks(rank_list.begin(), rank_list.end());
  const Dtype dtype = parse_dtype(dtype_text);
  for (std::uint64_t k : ranks)
    if (k > items)
      throw Error("aelab bench admm: rank " + std::to_string(k) + " exceeds --items " + std::to_string(items));

  Timer data_timer;
  const BinaryCsr train = synthetic_training_matrix(n_users, items, per_user, seed);
  std::printf("data: synthetic (core/data/synthetic.hpp), %zu users x %zu items, %zu interactions (%.1f s to generate)\n",
              train.n_rows(), train.n_cols(), train.nnz(), data_timer.seconds());
  std::printf("settings: dtype %s, lambda %g, p %g, omega %g, admm epochs %lld, seed %llu\n", dtype_name(dtype), lambda,
              p, omega, epochs, static_cast<unsigned long long>(seed));
  std::printf("command: aelab bench admm");
  for (const auto& a : args) std::printf(" %s", a.c_str());
  std::printf("\n\n");

  const Registry registry = builtin_registry();
  const Solver* admm = registry.find("admm");
  const Solver* approx = registry.find("closed_form_approx");
  LinalgCache cache(train);

  std::printf("%6s | %10s %6s %10s %10s | %14s | %9s | %15s\n", "rank", "admm [s]", "epochs", "epoch [s]",
              "inverse[s]", "approx [s]", "admm/appr", "epoch / inverse");
  std::vector<std::string> notes;
  for (std::uint64_t k : ranks) {
    const nlohmann::json given = {{"rank", k},          {"lambda", lambda}, {"p", p},   {"omega", omega},
                                  {"epochs", epochs},   {"seed", seed}};
    const FitTiming a = time_fit(admm, cache, dtype, given);
    const FitTiming c = time_fit(approx, cache, dtype, given);
    char ratio[32] = "-", per_inverse[32] = "-";
    if (a.ran && c.ran && c.total > 0) std::snprintf(ratio, sizeof ratio, "%.2f", a.total / c.total);
    if (a.ran && a.inverse > 0) std::snprintf(per_inverse, sizeof per_inverse, "%.3f", a.per_epoch / a.inverse);
    std::printf("%6llu | %10s %6zu %10s %10s | %14s | %9s | %15s\n", static_cast<unsigned long long>(k),
                seconds_text(a, a.total).c_str(), a.epochs, seconds_text(a, a.per_epoch).c_str(),
                seconds_text(a, a.inverse).c_str(), c.ran ? seconds_text(c, c.total).c_str() : c.note.c_str(), ratio,
                per_inverse);
    std::fflush(stdout);
    if (!a.note.empty()) notes.push_back("rank " + std::to_string(k) + " admm: " + a.note);
    if (c.ran && !c.note.empty()) notes.push_back("rank " + std::to_string(k) + " closed_form_approx: " + c.note);
  }
  for (const auto& note : notes) std::printf("note: %s\n", note.c_str());
  std::printf("\nadmm [s] and approx [s] are whole fits (Gram copy + inverse + iterations or eigenvectors);\n"
              "epoch [s] is the mean wall time of one admm epoch; epoch / inverse compares it with one SPD inverse\n"
              "(Cholesky potrf + potri) of the same fit.\n");
  return 0;
}

}  // namespace aelab::bench
