// The closed-form solvers `unconstrained` (docs/MATH.md §2.1) and `closed_form_approx` (docs/MATH.md §2.5, Algorithm 1;
// at rank "full" the full-rank zero-diagonal EDLAE B^ of docs/MATH.md §2.2) on random small data (n <= 60):
// every identity of docs/MATH.md §2.0, §2.5 and §8 against explicit products, the models against their
// definitions (stacked SVD, eigen-shrinkage, optimality), rank sweeps against independent fits.
#include <doctest/doctest.h>

#include "core/linalg/dense_linalg.hpp"
#include "core/linalg/edlae_full_rank.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/objective.hpp"
#include "core/solver/models.hpp"
#include "solvers/builtin.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

struct Problem {
  BinaryCsr X_csr;
  arma::mat X, G, GL, C;
  arma::vec g, Lambda;
  double lambda, p;
  Problem(std::size_t m, std::size_t n, double density, unsigned seed, double lambda_, double p_)
      : X_csr(test::random_binary(m, n, density, seed)), lambda(lambda_), p(p_) {
    X = X_csr.to_dense<double>();
    G = X.t() * X;
    g = G.diag();
    Lambda = lambda_diagonal(g, lambda, p);
    GL = G + arma::diagmat(Lambda);
    C = arma::inv_sympd(GL);
  }
  std::size_t n() const { return G.n_rows; }
  arma::mat B_hat() const { return arma::eye(n(), n()) - C * arma::diagmat(1.0 / C.diag()); }
  // Z = [X; Lambda^{1/2}], Y = [X; 0] (docs/MATH.md §2.0).
  arma::mat Z() const { return arma::join_cols(X, arma::diagmat(arma::sqrt(Lambda))); }
  arma::mat Y() const { return arma::join_cols(X, arma::zeros(n(), n())); }
  // Eq. 7 with the diagonal of W removed, and the unconstrained objective (diagonal kept), explicitly.
  double eq7(arma::mat W) const {
    W.diag().zeros();
    return std::pow(arma::norm(Y() - Z() * W, "fro"), 2);
  }
  double unconstrained_objective(const arma::mat& W) const { return std::pow(arma::norm(Y() - Z() * W, "fro"), 2); }
};

double rel_diff(const arma::mat& a, const arma::mat& b) {
  return arma::norm(a - b, "inf") / std::max(1e-300, arma::norm(b, "inf"));
}

// The dense n x n matrix of a fitted linear model (U V^T or W), whatever its shape and precision.
arma::mat model_matrix(const FittedModel& model) {
  if (auto* m = dynamic_cast<const LowRankModel<double>*>(&model)) return m->U() * m->V().t();
  if (auto* m = dynamic_cast<const DenseItemModel<double>*>(&model)) return m->W();
  if (auto* m = dynamic_cast<const LowRankModel<float>*>(&model))
    return arma::conv_to<arma::mat>::from(arma::fmat(m->U() * m->V().t()));
  if (auto* m = dynamic_cast<const DenseItemModel<float>*>(&model)) return arma::conv_to<arma::mat>::from(m->W());
  FAIL("not a linear model");
  return {};
}

struct Fitted {
  std::unique_ptr<FittedModel> model;
  arma::mat W;
};

Fitted fit(const std::string& solver, LinalgCache& cache, const nlohmann::json& params, Dtype dtype = Dtype::float64) {
  const Registry registry = builtin_registry();
  const Solver& s = registry.get(solver);
  FitContext ctx(cache);
  ctx.dtype = dtype;
  Fitted out;
  out.model = s.fit(ctx, s.make_params(params));
  out.W = model_matrix(*out.model);
  return out;
}

// Top-k right singular vectors of A (columns), by a full SVD.
arma::mat top_right_singular_vectors(const arma::mat& A, arma::uword k, arma::vec* singular_values = nullptr) {
  arma::mat Ul, Vr;
  arma::vec s;
  REQUIRE(arma::svd(Ul, s, Vr, A));
  if (singular_values) *singular_values = s.head(k);
  return Vr.cols(0, k - 1);
}

}  // namespace

TEST_CASE("docs/MATH.md §2.0: stacking identity and the O(n^2) forms of W_S^T G_L W_S, G_L W_S and G C G") {
  const Problem P(70, 40, 0.2, 11, 4.0, 0.3);
  const arma::uword n = P.n();
  arma::arma_rng::set_seed(5);
  // Stacking: ||X - XB||^2 + ||Lambda^{1/2} B||^2 = ||Y - ZB||^2, Z^T Z = G_L, Z^T Y = G.
  const arma::mat B = arma::randn(n, n) * 0.1;
  const double lhs = std::pow(arma::norm(P.X - P.X * B, "fro"), 2) +
                     std::pow(arma::norm(arma::diagmat(arma::sqrt(P.Lambda)) * B, "fro"), 2);
  CHECK(lhs == doctest::Approx(std::pow(arma::norm(P.Y() - P.Z() * B, "fro"), 2)).epsilon(1e-12));
  CHECK(rel_diff(P.Z().t() * P.Z(), P.GL) < 1e-14);
  CHECK(rel_diff(P.Z().t() * P.Y(), P.G) < 1e-14);
  // Any diagonal S: W_S = I - C S; the in-place O(n^2) form equals the explicit n^3 products.
  const arma::vec D = 1.0 / P.C.diag();
  for (const arma::vec& s : {D, P.Lambda, arma::vec(arma::randu(n) * 3.0)}) {
    const arma::mat WS = arma::eye(n, n) - P.C * arma::diagmat(s);
    CHECK(rel_diff(P.GL * WS, P.GL - arma::diagmat(s)) < 1e-12);
    arma::mat formed = P.GL;
    shrunk_gram_in_place(formed, P.C, s);
    CHECK(rel_diff(formed, WS.t() * P.GL * WS) < 1e-12);
    arma::fmat formed_f = arma::conv_to<arma::fmat>::from(P.GL);
    shrunk_gram_in_place(formed_f, arma::fmat(arma::conv_to<arma::fmat>::from(P.C)), s);
    CHECK(rel_diff(arma::conv_to<arma::mat>::from(formed_f), WS.t() * P.GL * WS) < 1e-4);
  }
  // The objective's shortcut: with M V = V Theta (top-k eigenpairs of M = W_S^T G_L W_S) and
  // U = W_S V, G U = V Theta + (S - Lambda) U.
  for (const arma::vec& s : {D, P.Lambda}) {
    arma::vec theta;
    arma::mat Q;
    REQUIRE(arma::eig_sym(theta, Q, arma::mat(arma::symmatu(P.GL - 2 * arma::diagmat(s) + arma::diagmat(s) * P.C * arma::diagmat(s)))));
    const arma::mat V = Q.tail_cols(7);
    const arma::mat U = V - P.C * arma::diagmat(s) * V;
    CHECK(rel_diff(V * arma::diagmat(theta.tail(7)) + arma::diagmat(s - P.Lambda) * U, P.G * U) < 1e-10);
  }
  // docs/MATH.md §2.1 step 2: G C G = G - Lambda + Lambda C Lambda = W*^T G_L W*.
  arma::mat formed = P.GL;
  shrunk_gram_in_place(formed, P.C, P.Lambda);
  CHECK(rel_diff(formed, P.G * P.C * P.G) < 1e-12);
}

TEST_CASE("docs/MATH.md §2.5: the eigen-matrix entrywise, the Eq. 11 decomposition, and Algorithm 1's building blocks") {
  const Problem P(80, 45, 0.15, 12, 2.0, 0.25);
  const arma::uword n = P.n();
  const arma::mat Bh = P.B_hat();
  const arma::vec c = P.C.diag();
  // Entrywise: G_ij + C_ij / (C_ii C_jj) off the diagonal, (G + Lambda)_jj - 1/C_jj on it.
  const arma::mat M = Bh.t() * P.GL * Bh;
  arma::mat entrywise = P.G + P.C / (c * c.t());
  entrywise.diag() = P.GL.diag() - 1.0 / c;
  CHECK(rel_diff(entrywise, M) < 1e-12);
  CHECK(rel_diff(P.GL * Bh, P.GL - arma::diagmat(1.0 / c)) < 1e-12);
  CHECK(arma::all(Bh.diag() == 0.0) == false);  // the explicit product is only ~0 on the diagonal...
  arma::mat exact = P.C;
  edlae_full_rank_in_place(exact);  // ...the in-place closed form is exactly 0 there
  CHECK(arma::all(exact.diag() == 0.0));
  CHECK(rel_diff(exact, Bh - arma::diagmat(Bh.diag())) < 1e-12);
  // Eq. 11: ||Y - Z W~||^2 = ||Y - Z B^||^2 + ||Z (B^ - W~)||^2 for any zero-diagonal W~.
  arma::arma_rng::set_seed(6);
  for (arma::uword k : {1u, 5u, 20u}) {
    arma::mat Wt = arma::randn(n, k) * arma::randn(k, n) * 0.05;
    Wt.diag().zeros();
    const double lhs = std::pow(arma::norm(P.Y() - P.Z() * Wt, "fro"), 2);
    const double rhs = std::pow(arma::norm(P.Y() - P.Z() * exact, "fro"), 2) +
                       std::pow(arma::norm(P.Z() * (exact - Wt), "fro"), 2);
    CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
  }
}

TEST_CASE("Algorithm 1 equals the explicit rank-k SVD of the stacked Z B^, and B^ at rank n and at \"full\"") {
  const Problem P(90, 50, 0.15, 13, 3.0, 0.33);
  const arma::uword n = P.n();
  LinalgCache cache(P.X_csr);
  const arma::mat Bh = [&] { arma::mat B = P.C; edlae_full_rank_in_place(B); return B; }();
  for (arma::uword k : {1u, 4u, 17u, 49u}) {
    CAPTURE(k);
    for (const std::string method : {"dense", "arpack"}) {
      CAPTURE(method);
      const Fitted f = fit("closed_form_approx", cache, {{"rank", k}, {"lambda", P.lambda}, {"p", P.p}, {"eigen", method}});
      CHECK(f.model->report().eigen->method == (k + 1 < n ? method : "dense"));
      const arma::mat Vk = top_right_singular_vectors(P.Z() * Bh, k);
      CHECK(rel_diff(f.W, Bh * Vk * Vk.t()) < 1e-8);
      CHECK(f.model->report().objective.value() == doctest::Approx(P.eq7(f.W)).epsilon(1e-9));
    }
  }
  const Fitted at_n = fit("closed_form_approx", cache, {{"rank", n}, {"lambda", P.lambda}, {"p", P.p}});
  CHECK(rel_diff(at_n.W, Bh) < 1e-10);
  const Fitted full = fit("closed_form_approx", cache, {{"rank", "full"}, {"lambda", P.lambda}, {"p", P.p}});
  CHECK(rel_diff(full.W, Bh) < 1e-12);
  // Bit for bit what core/linalg/edlae_full_rank.hpp makes of the shared inverse (as `zero_diagonal` does).
  arma::mat from_cache = *cache.inverse<double>(Regularizer{P.lambda, P.p}).C;
  edlae_full_rank_in_place(from_cache);
  CHECK(arma::approx_equal(full.W, from_cache, "absdiff", 0.0));
  CHECK(full.model->report().objective.value() == doctest::Approx(P.eq7(Bh)).epsilon(1e-10));
}

TEST_CASE("Algorithm 1 and the unconstrained closed form through the block eigensolver (n = 500)") {
  const Problem P(1000, 500, 0.03, 21, 2.0, 0.25);
  LinalgCache cache(P.X_csr);
  const arma::mat Bh = [&] { arma::mat B = P.C; edlae_full_rank_in_place(B); return B; }();
  const arma::mat ZB = P.Z() * Bh;
  const arma::mat W_star = arma::eye(P.n(), P.n()) - P.C * arma::diagmat(P.Lambda);
  const arma::mat ZW = P.Z() * W_star;
  for (arma::uword k : {8u, 40u}) {
    CAPTURE(k);
    const Fitted red = fit("closed_form_approx", cache, {{"rank", k}, {"lambda", P.lambda}, {"p", P.p}, {"eigen", "block"}});
    CHECK(red.model->report().eigen->method == "block");
    CHECK(red.model->report().eigen->max_residual <= 1e-10);
    const arma::mat Vk = top_right_singular_vectors(ZB, k);
    CHECK(rel_diff(red.W, Bh * Vk * Vk.t()) < 1e-7);
    const Fitted blue = fit("unconstrained", cache, {{"rank", k}, {"lambda", P.lambda}, {"p", P.p}, {"eigen", "block"}});
    CHECK(blue.model->report().eigen->method == "block");
    const arma::mat Qk = top_right_singular_vectors(ZW, k);
    CHECK(rel_diff(blue.W, W_star * Qk * Qk.t()) < 1e-7);
  }
}

TEST_CASE("full-rank zero-diagonal EDLAE (closed_form_approx at full): exact zero diagonal and optimality") {
  for (double p : {0.0, 0.25}) {
    const Problem P(70, 35, 0.2, 14, 5.0, p);
    LinalgCache cache(P.X_csr);
    for (Dtype dtype : {Dtype::float64, Dtype::float32}) {
      const Fitted f = fit("closed_form_approx", cache, {{"rank", "full"}, {"lambda", P.lambda}, {"p", p}}, dtype);
      CHECK(arma::all(f.W.diag() == 0.0));
      // KKT of min ||X - XB||^2 + ||Lambda^{1/2} B||^2 s.t. diag(B) = 0: the gradient 2 (G_L B - G)
      // vanishes off the diagonal (the diagonal carries the Lagrange multipliers).
      arma::mat gradient = P.GL * f.W - P.G;
      gradient.diag().zeros();
      CHECK(arma::abs(gradient).max() < (dtype == Dtype::float64 ? 1e-10 : 1e-3) * arma::abs(P.G).max());
    }
    // And no zero-diagonal perturbation improves the objective.
    const Fitted f = fit("closed_form_approx", cache, {{"rank", "full"}, {"lambda", P.lambda}, {"p", p}});
    arma::arma_rng::set_seed(7);
    for (int trial = 0; trial < 5; ++trial) {
      arma::mat E = arma::randn(P.n(), P.n()) * 1e-3;
      E.diag().zeros();
      CHECK(P.eq7(f.W + E) > P.eq7(f.W));
    }
  }
}

TEST_CASE("closed_form_approx at full rank is exactly the zero_diagonal full-rank model (B^)") {
  const Problem P(70, 35, 0.2, 22, 5.0, 0.33);
  for (Dtype dtype : {Dtype::float64, Dtype::float32}) {
    LinalgCache cache(P.X_csr);
    const Fitted red = fit("closed_form_approx", cache, {{"rank", "full"}, {"lambda", P.lambda}, {"p", P.p}}, dtype);
    const Fitted green = fit("zero_diagonal", cache, {{"rank", "full"}, {"lambda", P.lambda}, {"p", P.p}}, dtype);
    CHECK(arma::approx_equal(red.W, green.W, "absdiff", 0.0));
    CHECK(cache.stats().inversions == 1);
  }
}

TEST_CASE("the memory guard refuses a fit that cannot fit, naming the estimate and what is available") {
  // 2,000,000 items and a handful of users: the sparse data is tiny, two dense n x n matrices (32 TB) are not.
  const std::size_t n = 2000000;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::uint32_t u = 0; u < 20; ++u) pairs.emplace_back(u, u * 7919u % n);
  const BinaryCsr X = BinaryCsr::from_pairs(20, n, pairs);
  LinalgCache cache(X);
  const Registry registry = builtin_registry();
  for (const char* solver : {"closed_form_approx", "unconstrained"}) {
    for (const char* rank : {"full", "100"}) {
      CAPTURE(solver);
      CAPTURE(rank);
      FitContext ctx(cache);
      ctx.dtype = Dtype::float32;
      const Solver& s = registry.get(solver);
      const ParamSet params = s.make_params({{"rank", parse_cli_value(rank)}});
      CHECK(s.memory_estimate({n, Dtype::float32, nullptr}, params) >= 2 * n * n * 4);
      CHECK_THROWS_WITH_AS(s.fit(ctx, params), doctest::Contains("not enough memory for solver"), Error);
      CHECK_THROWS_WITH_AS(s.fit(ctx, params), doctest::Contains("GiB available"), Error);
    }
  }
  CHECK(cache.stats().inversions == 0);  // refused before anything was allocated
}

TEST_CASE("unconstrained: eigen-shrinkage at p = 0, ridge at full rank, minimal objective, beats ALS") {
  const Problem P0(90, 40, 0.2, 15, 6.0, 0.0);
  LinalgCache cache0(P0.X_csr);
  for (arma::uword k : {1u, 6u, 25u}) {
    CAPTURE(k);
    const Fitted f = fit("unconstrained", cache0, {{"rank", k}, {"lambda", P0.lambda}, {"p", 0.0}});
    arma::vec sv;
    const arma::mat Vk = top_right_singular_vectors(P0.X, k, &sv);
    const arma::vec shrink = (sv % sv) / (sv % sv + P0.lambda);
    CHECK(rel_diff(f.W, Vk * arma::diagmat(shrink) * Vk.t()) < 1e-8);
  }

  const Problem P(90, 40, 0.2, 16, 4.0, 0.3);
  LinalgCache cache(P.X_csr);
  const Fitted full = fit("unconstrained", cache, {{"rank", "full"}, {"lambda", P.lambda}, {"p", P.p}});
  CHECK(rel_diff(full.W, arma::eye(P.n(), P.n()) - P.C * arma::diagmat(P.Lambda)) < 1e-12);
  CHECK(rel_diff(full.W, P.C * P.G) < 1e-10);
  CHECK(full.model->report().find_fact("objective_unconstrained")->value.get<double>() ==
        doctest::Approx(P.unconstrained_objective(full.W)).epsilon(1e-10));
  CHECK(full.model->report().objective.value() == doctest::Approx(P.eq7(full.W)).epsilon(1e-10));

  arma::arma_rng::set_seed(8);
  for (arma::uword k : {2u, 8u}) {
    CAPTURE(k);
    const Fitted f = fit("unconstrained", cache, {{"rank", k}, {"lambda", P.lambda}, {"p", P.p}});
    const auto& lr = dynamic_cast<const LowRankModel<double>&>(*f.model);
    const double best = P.unconstrained_objective(f.W);
    CHECK(f.model->report().find_fact("objective_unconstrained")->value.get<double>() == doctest::Approx(best).epsilon(1e-10));
    CHECK(f.model->report().objective.value() == doctest::Approx(P.eq7(f.W)).epsilon(1e-10));
    for (int trial = 0; trial < 5; ++trial) {
      const arma::mat U = lr.U() + arma::randn(P.n(), k) * 1e-3, V = lr.V() + arma::randn(P.n(), k) * 1e-3;
      CHECK(P.unconstrained_objective(U * V.t()) > best);
    }
    // docs/MATH.md §2.1 / 8: the alternating least squares of the notebooks (random start, std 1e-4) after
    // 30 epochs does not beat the closed form.
    arma::mat V = arma::randn(P.n(), k) * 1e-4, U;
    for (int epoch = 0; epoch < 30; ++epoch) {
      U = P.C * P.G * V * arma::inv_sympd(V.t() * V);
      V = (arma::solve(U.t() * P.GL * U, U.t() * P.G)).t();
    }
    CHECK(P.unconstrained_objective(U * V.t()) >= best * (1 - 1e-12));
  }
}

TEST_CASE("Eq. 7 objectives: O(n) full-rank forms and the from-GU form equal the explicit ones") {
  const Problem P(60, 30, 0.25, 17, 3.0, 0.2);
  const arma::vec c = P.C.diag();
  for (const arma::vec& s : {arma::vec(1.0 / c), P.Lambda, arma::vec(arma::linspace(0.5, 4.0, P.n()))}) {
    const arma::mat W = arma::eye(P.n(), P.n()) - P.C * arma::diagmat(s);
    CHECK(edlae_objective_shrinkage_form(P.g, P.Lambda, c, s) == doctest::Approx(P.eq7(W)).epsilon(1e-10));
    CHECK(linear_ae_objective_shrinkage_form(P.g, P.Lambda, c, s) ==
          doctest::Approx(P.unconstrained_objective(W)).epsilon(1e-10));
  }
  arma::arma_rng::set_seed(9);
  const arma::mat U = arma::randn(P.n(), 6) * 0.2, V = arma::randn(P.n(), 6) * 0.2;
  const arma::mat GU = P.G * U;
  CHECK(edlae_objective_from_gu(P.g, P.Lambda, U, V, GU) == doctest::Approx(P.eq7(U * V.t())).epsilon(1e-11));
  CHECK(linear_ae_objective_from_gu(P.g, P.Lambda, U, V, GU) ==
        doctest::Approx(P.unconstrained_objective(U * V.t())).epsilon(1e-11));
}

TEST_CASE("docs/MATH.md §8: Algorithm 1's Eq. 7 objective is below the unconstrained model's at the same rank") {
  const Problem P(100, 50, 0.15, 18, 3.0, 0.25);
  LinalgCache cache(P.X_csr);
  for (arma::uword k : {3u, 10u, 30u}) {
    CAPTURE(k);
    const Fitted red = fit("closed_form_approx", cache, {{"rank", k}, {"lambda", P.lambda}, {"p", P.p}});
    const Fitted blue = fit("unconstrained", cache, {{"rank", k}, {"lambda", P.lambda}, {"p", P.p}});
    CHECK(red.model->report().objective.value() < blue.model->report().objective.value());
  }
}

TEST_CASE("a rank sweep from one eigendecomposition gives the models of independent fits") {
  const Problem P(110, 55, 0.15, 19, 2.0, 0.33);
  const Registry registry = builtin_registry();
  const std::vector<Rank> ranks = {Rank::of(2), Rank::of(7), Rank::of(20), Rank::full_rank()};
  for (const char* solver : {"closed_form_approx", "unconstrained"}) {
    for (const std::string method : {"dense", "arpack"}) {
      CAPTURE(solver);
      CAPTURE(method);
      const Solver& s = registry.get(solver);
      const ParamSet params = s.make_params({{"lambda", P.lambda}, {"p", P.p}, {"eigen", method}});
      LinalgCache sweep_cache(P.X_csr);
      FitContext ctx(sweep_cache);
      std::vector<std::pair<ParamSet, std::unique_ptr<FittedModel>>> swept;
      s.fit_ranks(ctx, params, ranks, [&](const ParamSet& ps, std::unique_ptr<FittedModel> m) {
        swept.emplace_back(ps, std::move(m));
        return true;
      });
      REQUIRE(swept.size() == ranks.size());
      CHECK(sweep_cache.stats().inversions == 1);
      for (std::size_t i = 0; i < ranks.size(); ++i) {
        CHECK(swept[i].first.rank("rank") == ranks[i]);
        LinalgCache own_cache(P.X_csr);
        const Fitted alone = fit(solver, own_cache, swept[i].first.to_json());
        CHECK(rel_diff(model_matrix(*swept[i].second), alone.W) < 1e-9);
        CHECK(swept[i].second->report().objective.value() ==
              doctest::Approx(alone.model->report().objective.value()).epsilon(1e-10));
        const FitReport& d = swept[i].second->report();
        if (!ranks[i].full) {
          REQUIRE(d.eigen);
          CHECK(d.eigen->k_computed == 20);
          CHECK(d.eigen->method == method);
          CHECK(d.eigen->shared_by_ranks == 3);
          CHECK(d.eigen->gap >= 0.0);
        }
        for (const char* stage : {"gram", "inverse", "factors", "objective", "total"}) CHECK(d.seconds.get(stage).has_value());
        CHECK(d.peak_rss_bytes > 0);
      }
    }
  }
}

TEST_CASE("shared inverse, float32, memory estimate and parameter errors") {
  const Problem P(80, 40, 0.2, 20, 3.0, 0.2);
  LinalgCache cache(P.X_csr);
  const Fitted a = fit("closed_form_approx", cache, {{"rank", 5}, {"lambda", 3.0}, {"p", 0.2}});
  const Fitted b = fit("unconstrained", cache, {{"rank", 5}, {"lambda", 3.0}, {"p", 0.2}});
  CHECK_FALSE(a.model->report().inverse->reused);
  CHECK(b.model->report().inverse->reused);
  CHECK(cache.stats().inversions == 1);
  const Fitted af = fit("closed_form_approx", cache, {{"rank", 5}, {"lambda", 3.0}, {"p", 0.2}}, Dtype::float32);
  CHECK(std::string(dtype_name(af.model->report().dtype)) == "float32");
  CHECK(rel_diff(af.W, a.W) < 1e-3);

  const Registry registry = builtin_registry();
  const Solver& s = registry.get("closed_form_approx");
  const std::size_t n = 20000;
  const std::size_t full64 = s.memory_estimate({n, Dtype::float64, nullptr}, s.make_params({{"rank", "full"}}));
  CHECK(full64 == 2 * n * n * 8);  // C and B^: two n x n matrices, nothing else
  const std::size_t k1000 = s.memory_estimate({n, Dtype::float32, nullptr}, s.make_params({{"rank", 1000}}));
  CHECK(k1000 > 2 * n * n * 4);
  CHECK(k1000 < 2 * n * n * 4 + 20 * n * 1000 * 8);

  FitContext ctx(cache);
  CHECK_THROWS_WITH_AS(s.fit(ctx, s.make_params({{"rank", 41}})), "rank: 41 exceeds the number of items (40)", Error);
  CHECK_THROWS_WITH_AS(s.make_params({{"eigen", "lanczos"}}), doctest::Contains("eigen: expected one of"), Error);
  CHECK_THROWS_WITH_AS(s.make_params({{"p", 1}}), doctest::Contains("p: expected a number in [0, 1)"), Error);
}
