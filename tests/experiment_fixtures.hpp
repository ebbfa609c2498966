#pragma once
// Test-only solvers and data for the experiment runner's suites. They live in the tests (a Registry
// is a value): the runner is exercised the way a downstream program with its own solvers uses it.
//  - "shrink": the unconstrained low-rank closed form of docs/MATH.md §2.1 by a dense eigendecomposition
//    (tiny n only), taking its inverse from the shared LinalgCache and overriding fit_ranks with one
//    eigendecomposition per sweep; counts its fits and eigendecompositions.
//  - "knobs": a solver with string, integer, list and boolean parameters, for config validation.
//  - "flaky": fails on request (parameter fail = true), or sleeps (delay_ms) to be killed mid-run.
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <armadillo>

#include "core/data/split_data.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/objective.hpp"
#include "core/solver/models.hpp"
#include "core/solver/registry.hpp"
#include "core/util/error.hpp"
#include "solvers/builtin.hpp"
#include "tests/test_support.hpp"

namespace aelab::test {

struct SolverCounters {
  std::atomic<int> fits{0};
  std::atomic<int> sweeps{0};
  std::atomic<int> eigendecompositions{0};
  std::atomic<int> saw_validation{0};
};

inline ParamSpec real_param(const std::string& name, double def, double min, double max, bool max_inclusive = true) {
  ParamSpec s;
  s.name = name;
  s.type = ParamType::real;
  s.default_value = def;
  s.min = min;
  s.max = max;
  s.max_inclusive = max_inclusive;
  s.doc = name;
  return s;
}

inline ParamSpec rank_param() {
  ParamSpec s;
  s.name = "rank";
  s.type = ParamType::rank;
  s.default_value = "full";
  s.doc = "model rank";
  return s;
}

class ShrinkSolver : public Solver {
 public:
  explicit ShrinkSolver(std::shared_ptr<SolverCounters> counters) : counters_(std::move(counters)) {}
  std::string name() const override { return "shrink"; }
  std::string description() const override { return "test: unconstrained closed form by dense eigendecomposition"; }
  std::vector<ParamSpec> params() const override {
    ParamSpec seed;
    seed.name = "seed";
    seed.type = ParamType::integer;
    seed.default_value = 0;
    seed.min = 0;
    seed.doc = "unused; checks that the config's seed reaches solvers";
    return {rank_param(), real_param("lambda", 10.0, 0, arma::datum::inf), real_param("p", 0.0, 0, 1, false), seed};
  }
  // A downstream solver declares the shared algebra it uses, as the built-in ones do.
  SolverTraits traits() const override {
    SolverTraits t;
    t.nested_rank_sweep = true;
    t.uses_shared_inverse = true;
    return t;
  }
  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    std::unique_ptr<FittedModel> out;
    fit_ranks(ctx, params, {params.rank("rank")}, [&](const ParamSet&, std::unique_ptr<FittedModel> m) {
      out = std::move(m);
      return true;
    });
    --counters_->sweeps;  // fit() is not a sweep
    return out;
  }
  void fit_ranks(FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks,
                 const ModelSink& sink) const override {
    ++counters_->sweeps;
    if (ctx.validation) ++counters_->saw_validation;
    const Regularizer reg{params.real("lambda"), params.real("p")};
    const auto inverse = ctx.linalg.inverse<double>(reg);
    const arma::mat& C = *inverse.C;
    const arma::vec L = ctx.linalg.lambda_diagonal(reg);
    arma::mat G;
    ctx.linalg.gram_into(G);
    const arma::mat W = arma::eye(C.n_rows, C.n_cols) - C.each_row() % L.t();  // I - C Lambda
    arma::vec values;
    arma::mat vectors;
    bool need_eigen = false;
    for (const Rank& r : ranks) need_eigen = need_eigen || !r.full;
    if (need_eigen) {
      const arma::mat M = G - arma::diagmat(L) + arma::diagmat(L) * C * arma::diagmat(L);
      arma::eig_sym(values, vectors, arma::symmatu(M));
      ++counters_->eigendecompositions;
    }
    for (const Rank& r : ranks) {
      ++counters_->fits;
      std::unique_ptr<FittedModel> model;
      double objective = 0;
      if (r.full) {
        objective = edlae_objective_dense(G, L, W);
        model = std::make_unique<DenseItemModel<double>>(W);
      } else {
        const arma::uword k = std::min<arma::uword>(r.k, W.n_cols);
        const arma::mat Q = arma::fliplr(vectors.tail_cols(k));
        const arma::mat U = W * Q;
        objective = edlae_objective(G, L, U, Q);
        model = std::make_unique<LowRankModel<double>>(U, Q);
      }
      model->report().objective = objective;
      model->report().fact("validation_users_seen", ctx.validation ? ctx.validation->n_users() : 0);
      if (!sink(params.with("rank", r), std::move(model))) return;
    }
  }
  std::size_t memory_estimate(const SizingContext& sizing, const ParamSet&) const override {
    return 4 * sizing.n_items * sizing.n_items * dtype_bytes(sizing.dtype);
  }

 private:
  std::shared_ptr<SolverCounters> counters_;
};

// "brittle": shrink that fails at one rank (fail_at_rank) wherever that rank is fitted, in a sweep or
// alone, as a solver whose iteration diverges at some ranks does.
class BrittleSolver : public ShrinkSolver {
 public:
  using ShrinkSolver::ShrinkSolver;
  std::string name() const override { return "brittle"; }
  std::vector<ParamSpec> params() const override {
    auto specs = ShrinkSolver::params();
    ParamSpec fail;
    fail.name = "fail_at_rank";
    fail.type = ParamType::integer;
    fail.default_value = 0;
    fail.min = 0;
    specs.push_back(fail);
    return specs;
  }
  void fit_ranks(FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks,
                 const ModelSink& sink) const override {
    const auto fail = static_cast<std::uint64_t>(params.integer("fail_at_rank"));
    ShrinkSolver::fit_ranks(ctx, params, ranks, [&](const ParamSet& p, std::unique_ptr<FittedModel> model) {
      if (!p.rank("rank").full && p.rank("rank").k == fail) throw Error("brittle: diverged at rank " + std::to_string(fail));
      return sink(p, std::move(model));
    });
  }
};

class KnobsSolver : public Solver {
 public:
  std::string name() const override { return "knobs"; }
  std::string description() const override { return "test: parameters of every type"; }
  std::vector<ParamSpec> params() const override {
    ParamSpec activation;
    activation.name = "activation";
    activation.type = ParamType::string;
    activation.default_value = "tanh";
    activation.choices = {"relu", "tanh"};
    ParamSpec epochs;
    epochs.name = "epochs";
    epochs.type = ParamType::integer;
    epochs.default_value = 10;
    epochs.min = 1;
    epochs.max = 1000;
    ParamSpec hidden;
    hidden.name = "hidden";
    hidden.type = ParamType::integer_list;
    hidden.default_value = nlohmann::json::array();
    hidden.min = 1;
    ParamSpec bias;
    bias.name = "bias";
    bias.type = ParamType::boolean;
    bias.default_value = false;
    ParamSpec needed = real_param("needed", 0, 0, 1);
    needed.default_value = nullptr;  // required
    return {activation, epochs, hidden, bias, rank_param(), real_param("lambda", 1, 0, arma::datum::inf), needed};
  }
  std::unique_ptr<FittedModel> fit(FitContext&, const ParamSet&) const override {
    throw Error("knobs: not for fitting");
  }
};

class FlakySolver : public Solver {
 public:
  std::string name() const override { return "flaky"; }
  std::string description() const override { return "test: fails or sleeps on request"; }
  std::vector<ParamSpec> params() const override {
    ParamSpec fail;
    fail.name = "fail";
    fail.type = ParamType::boolean;
    fail.default_value = false;
    ParamSpec delay;
    delay.name = "delay_ms";
    delay.type = ParamType::integer;
    delay.default_value = 0;
    delay.min = 0;
    return {fail, delay, real_param("lambda", 1, 0, arma::datum::inf)};
  }
  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    if (params.boolean("fail")) throw Error("flaky: deliberate failure at lambda=" + std::to_string(params.real("lambda")));
    std::this_thread::sleep_for(std::chrono::milliseconds(params.integer("delay_ms")));
    // Popularity plus a lambda-dependent tilt, so that selection has something to choose.
    arma::mat W = arma::zeros(ctx.linalg.n_items(), ctx.linalg.n_items());
    W.each_col() += ctx.linalg.item_counts() / (1.0 + params.real("lambda"));
    W.diag() += params.real("lambda");
    return std::make_unique<DenseItemModel<double>>(std::move(W));
  }
};

inline Registry test_registry(std::shared_ptr<SolverCounters> counters = std::make_shared<SolverCounters>()) {
  Registry registry = builtin_registry();
  registry.add(std::make_unique<ShrinkSolver>(counters));
  registry.add(std::make_unique<KnobsSolver>());
  registry.add(std::make_unique<FlakySolver>());
  registry.add(std::make_unique<BrittleSolver>(counters));
  return registry;
}

// A small split with structure: users belong to one of 4 taste groups over 40 items (plus noise), so
// that models and hyperparameters differ measurably.
inline SplitData small_split(unsigned seed = 7, std::size_t train_users = 240, std::size_t heldout = 40) {
  std::mt19937 rng(seed);
  const std::size_t n = 40;
  auto user_rows = [&](std::size_t users, std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs,
                       std::vector<std::pair<std::uint32_t, std::uint32_t>>* held) {
    std::uniform_real_distribution<double> unit(0, 1);
    for (std::uint32_t u = 0; u < users; ++u) {
      const std::uint32_t group = rng() % 4;
      std::vector<std::uint32_t> items;
      for (std::uint32_t j = 0; j < n; ++j) {
        const double like = (j / 10 == group) ? 0.55 : 0.06;
        if (unit(rng) < like) items.push_back(j);
      }
      if (items.size() < 2) items = {group * 10, group * 10 + 1};
      for (std::size_t t = 0; t < items.size(); ++t) {
        // Held-out users: every fourth item is held out (at least one).
        if (held && (t % 4 == 1)) held->emplace_back(u, items[t]);
        else pairs.emplace_back(u, items[t]);
      }
    }
  };
  SplitData split;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> train, vf, vh, tf, th;
  user_rows(train_users, train, nullptr);
  user_rows(heldout, vf, &vh);
  user_rows(heldout, tf, &th);
  split.train = BinaryCsr::from_pairs(train_users, n, train);
  split.validation.fold_in = BinaryCsr::from_pairs(heldout, n, vf);
  split.validation.held_out = BinaryCsr::from_pairs(heldout, n, vh);
  split.test.fold_in = BinaryCsr::from_pairs(heldout, n, tf);
  split.test.held_out = BinaryCsr::from_pairs(heldout, n, th);
  for (std::size_t u = 0; u < heldout; ++u) {
    split.validation.uids.push_back(train_users + u);
    split.test.uids.push_back(train_users + heldout + u);
  }
  return split;
}

}  // namespace aelab::test
