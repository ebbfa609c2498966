// Top-k eigenpairs by thick-restart block Lanczos: a block Krylov-Schur method with an explicit
// Rayleigh-Ritz step, full reorthogonalisation and locking. Every product with M is a gemm on a
// block of s vectors, so a pass over the (memory-bound) matrix serves s vectors at once, and for
// large k the work runs at gemm speed instead of the matrix-vector speed of single-vector Lanczos.
//
// One cycle, with V the active orthonormal basis (n x cur), AV = M V and H = V^T M V:
//   expand:  W = M Q_last; first Gram-Schmidt pass W -= V (V^T W) gives the column block of H for
//            Q_last for free; second pass and orthogonalisation against the locked vectors; QR ->
//            next block Q; store Q and M Q (the one product per block) until the basis is full;
//   Rayleigh-Ritz: H = S Theta S^T; Ritz vectors Y = V S, M Y = AV S (no product); residuals
//            ||M y - theta y|| are therefore measured, not estimated;
//   lock:    leading Ritz pairs whose relative residual is below the tolerance leave the basis;
//   restart: V <- [the next Ritz vectors, P] with P the block the expansion would have added next
//            (orthogonal to the old basis). In exact arithmetic M Y lies in span(Y, P), so the
//            restarted basis is again a block Krylov decomposition (Zhou & Saad 2008).
// Memory: V and AV (2 n x basis) plus O(basis^2); no n x n workspace.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/data/numpy_random.hpp"
#include "core/linalg/eigen_methods.hpp"
#include "core/util/error.hpp"

namespace aelab::eigen_detail {

namespace {

struct BlockPlan {
  std::size_t block = 0;   // s: vectors per product
  std::size_t guard = 0;   // Ritz vectors kept beyond the wanted ones at a restart
  std::size_t expand = 0;  // vectors added per cycle (a multiple of s)
  std::size_t basis(std::size_t active_want) const { return active_want + guard + expand; }
};

// Block size, guard and expansion, tuned by measurement on synthetic Gram-type eigen-matrices
// (bench/bench_data.hpp, n = 2,000 and 5,000, k = 1 ... 1,000, tolerance 1e-10; see choose_eigen_method):
//  - s = 32 for up to ~160 wanted pairs: a product with 32 columns costs little more than one pass over
//    M (memory-bound), and a first block 2-3x wider than the wanted set converges in far fewer passes
//    (k = 10: 9 products of 32 columns against 29 of 16); s = 64 up to ~700 and 96 beyond, where
//    products are compute-bound and wider blocks only add vectors (k = 500: 2,816 vectors at s = 64,
//    4,096 at s = 128);
//  - guard: Ritz vectors kept beyond the wanted ones at a restart: max(s, want / 4), widened for more
//    than 40 wanted pairs to min(want + s, 250) where the basis still fits in n / 2. Keeping about as
//    many unwanted Ritz vectors as wanted ones widens the effective gap at the cut-off; measured at
//    n = 10,000 (2 BLAS threads), want 101: 2.9 s against 4.0 s with want / 4, want 201: 4.8 against
//    5.6 s, want 301 (guard 250): 5.2 against 6.2 s; at want 501 and 1,001 a larger guard only added
//    orthogonalisation (8.2 s at want + s against 7.5-7.6 s at 250 or want / 4);
//  - expansion per cycle: 2s for small sets (fewest vectors), 5s otherwise (k = 100: 5 restarts and
//    928 vectors against 14 restarts and 1,024 vectors at 2s; larger expansions cost more
//    orthogonalisation than they save).
BlockPlan make_plan(std::size_t n, std::size_t want, const EigenOptions& options) {
  BlockPlan plan;
  std::size_t s = options.block_size;
  if (s == 0) s = want <= 160 ? 32 : (want <= 700 ? 64 : 96);
  s = std::min(s, std::max<std::size_t>(1, n / 4));
  plan.block = s;
  plan.guard = std::max(s, want / 4);
  if (options.basis_size > want + plan.guard) {
    plan.expand = std::max(2 * s, (options.basis_size - want - plan.guard) / s * s);
  } else {
    plan.expand = (want <= 40 ? 2 : 5) * s;
  }
  // The wider guard where the basis still fits in half the matrix (block_fits); a requested basis size
  // keeps the narrow one.
  if (want > 40 && options.basis_size == 0) {
    const std::size_t used = want + plan.expand;
    const std::size_t room = n / 2 > used ? n / 2 - used : 0;
    plan.guard = std::max(plan.guard, std::min({want + s, std::size_t{250}, room}));
  }
  return plan;
}

// Non-owning view of columns [first, first + count) of A (contiguous in column-major storage).
template <typename T>
arma::Mat<T> columns(arma::Mat<T>& A, arma::uword first, arma::uword count) {
  return arma::Mat<T>(A.colptr(first), A.n_rows, count, false, true);
}

// Standard normal draws in C order (element (i, j) is draw i * n_cols + j): the start block of seed s
// is numpy.random.RandomState(s).standard_normal((n, block)), the same with every standard library.
template <typename T>
void fill_random(arma::Mat<T>& W, NumpyRandomState& rng) {
  for (arma::uword i = 0; i < W.n_rows; ++i)
    for (arma::uword j = 0; j < W.n_cols; ++j) W(i, j) = static_cast<T>(rng.standard_normal());
}

// W <- W - B (B^T W); returns B^T W.
template <typename T>
arma::Mat<T> project_out(arma::Mat<T>& W, const arma::Mat<T>& B) {
  arma::Mat<T> coefficients = B.t() * W;
  W -= B * coefficients;
  return coefficients;
}

// Makes W (n x s) orthonormal and orthogonal to the columns of `basis` and `locked` (each with
// orthonormal columns, possibly empty): two block Gram-Schmidt passes ("twice is enough"; one against
// the locked vectors, see below), then a
// Householder QR inside the block. If the block was badly conditioned the QR loses orthogonality to
// the basis (about eps * cond), so one more pass and QR follow. A direction that numerically vanishes
// means the Krylov space became invariant; it is replaced by a random one so the block keeps its
// width. Returns basis^T W of the first pass, i.e. the block of the projected matrix.
template <typename T>
arma::Mat<T> orthonormalize(arma::Mat<T>& W, const arma::Mat<T>& basis, const arma::Mat<T>& locked,
                            NumpyRandomState& rng) {
  const double eps = std::numeric_limits<T>::epsilon();
  // Tolerated loss of orthogonality eps * cond: ~2e-12 in double, ~1e-6 in float.
  const double max_condition = std::is_same_v<T, double> ? 1e4 : 10.0;
  double reference = 1e-300;
  for (arma::uword j = 0; j < W.n_cols; ++j) reference = std::max(reference, static_cast<double>(arma::norm(W.col(j))));
  arma::Mat<T> first;
  if (basis.n_cols > 0) first = project_out(W, basis);
  if (locked.n_cols > 0) project_out(W, locked);
  // The locked vectors are eigenvectors to the tolerance, so M q has components of the order of
  // their residuals along them: one pass against them is enough in the first round; the basis gets two.
  int passes = 1;
  for (int round = 0; round < 6; ++round) {
    for (int pass = 0; pass < passes; ++pass) {
      if (basis.n_cols > 0) project_out(W, basis);
      if (locked.n_cols > 0 && round > 0) project_out(W, locked);
    }
    arma::Mat<T> Q, R;
    if (!arma::qr_econ(Q, R, W)) throw Error("block eigensolver: QR factorisation failed");
    bool replaced = false;
    double smallest = arma::datum::inf, largest = 0;
    for (arma::uword j = 0; j < R.n_cols; ++j) {
      const double r = std::abs(static_cast<double>(R(j, j)));
      if (!(r > 1e3 * eps * reference)) {  // a fresh direction, from the same stream as the start
        for (arma::uword i = 0; i < W.n_rows; ++i) Q(i, j) = static_cast<T>(rng.standard_normal());
        replaced = true;
      } else {
        smallest = std::min(smallest, r);
        largest = std::max(largest, r);
      }
    }
    W = std::move(Q);
    if (!replaced && largest <= max_condition * smallest) return first;
    reference = replaced ? std::max(reference, 1.0) : 1.0;
    passes = replaced ? 2 : 1;
  }
  throw Error("block eigensolver: could not extend the Krylov basis (orthogonalisation failed)");
}

}  // namespace

bool block_fits(std::size_t n, std::size_t want, const EigenOptions& options) {
  const BlockPlan plan = make_plan(n, want, options);
  return 2 * plan.basis(want) <= n;
}

std::size_t block_width(std::size_t n, std::size_t want, const EigenOptions& options) {
  return make_plan(n, want, options).block;
}

std::size_t block_elements(std::size_t n, std::size_t want, const EigenOptions& options) {
  const std::size_t capacity = make_plan(n, want, options).basis(want);
  // V and AV, then Y and MY of at most the capacity each, the locked vectors and the restart block.
  return n * (4 * capacity + want + 2 * make_plan(n, want, options).block);
}

template <typename T>
void block_top(const arma::Mat<T>& M, std::size_t want, const EigenOptions& options, double tolerance,
               TopEigenpairs<T>& out) {
  const BlockProduct<T> product = [&M](const arma::Mat<T>& Q, arma::Mat<T>& target) { target = M * Q; };
  block_top<T>(M.n_rows, product, want, options, tolerance, out);
}

template <typename T>
void block_top(std::size_t n, const BlockProduct<T>& product, std::size_t want, const EigenOptions& options,
               double tolerance, TopEigenpairs<T>& out) {
  const BlockPlan plan = make_plan(n, want, options);
  const std::size_t s = plan.block;
  const std::size_t max_cycles = options.max_iterations > 0 ? options.max_iterations : 500;
  const std::size_t capacity = plan.basis(want);
  NumpyRandomState rng(options.seed);

  arma::Mat<T> V(n, capacity), AV(n, capacity), H(capacity, capacity, arma::fill::zeros);
  arma::Mat<T> locked(n, want);
  arma::Col<T> locked_values(want);
  std::size_t n_locked = 0;
  double scale = 0;  // largest |Ritz value| seen: the residual reference
  double worst_locked_residual = 0;
  std::size_t products = 0;

  auto multiply_into = [&](arma::uword first, const arma::Mat<T>& Q) {
    arma::Mat<T> target = columns(AV, first, Q.n_cols);
    product(Q, target);
    ++products;
  };

  // Start: one random block.
  arma::Mat<T> block(n, s);
  fill_random(block, rng);
  orthonormalize(block, arma::Mat<T>(), arma::Mat<T>(), rng);
  columns(V, 0, s) = block;
  multiply_into(0, block);
  std::size_t cur = s;

  for (std::size_t cycle = 1;; ++cycle) {
    const std::size_t active_want = want - n_locked;
    const std::size_t cycle_capacity = std::min(capacity, plan.basis(active_want));
    const arma::Mat<T> locked_view(locked.memptr(), n, n_locked, false, true);
    // Expand until the basis is full; the last orthonormalised block becomes the restart block P.
    arma::Mat<T> next;
    for (;;) {
      next = AV.cols(cur - s, cur - 1);  // a copy (moving a view would alias AV)
      const arma::Mat<T> basis = columns(V, 0, cur);
      const arma::Mat<T> h = orthonormalize(next, basis, locked_view, rng);
      H.submat(0, cur - s, cur - 1, cur - 1) = h;
      if (cur + s > cycle_capacity) break;
      columns(V, cur, s) = next;
      multiply_into(cur, next);
      cur += s;
    }

    // Rayleigh-Ritz on the active basis.
    const arma::Mat<T> projected = arma::symmatu(H.submat(0, 0, cur - 1, cur - 1));
    arma::Col<T> theta;
    arma::Mat<T> S;
    if (!arma::eig_sym(theta, S, projected)) throw Error("block eigensolver: Rayleigh-Ritz eigendecomposition failed");
    scale = std::max({scale, std::abs(static_cast<double>(theta.max())), std::abs(static_cast<double>(theta.min()))});
    const std::size_t keep = std::min<std::size_t>(cur, active_want + plan.guard);
    arma::Mat<T> S_top(cur, keep);
    arma::Col<T> theta_top(keep);
    for (std::size_t i = 0; i < keep; ++i) {  // descending
      S_top.col(i) = S.col(cur - 1 - i);
      theta_top[i] = theta[cur - 1 - i];
    }
    arma::Mat<T> Y = columns(V, 0, cur) * S_top;
    arma::Mat<T> MY = columns(AV, 0, cur) * S_top;

    // Lock the leading converged pairs.
    std::size_t converged = 0;
    double worst_active = 0;
    for (std::size_t i = 0; i < active_want; ++i) {
      const double r = static_cast<double>(arma::norm(MY.col(i) - theta_top[i] * Y.col(i))) / std::max(scale, 1e-300);
      if (i == converged && r <= tolerance) {
        ++converged;
        worst_locked_residual = std::max(worst_locked_residual, r);
      } else {
        worst_active = std::max(worst_active, r);
      }
    }
    if (converged > 0) {
      columns(locked, n_locked, converged) = Y.cols(0, converged - 1);
      locked_values.subvec(n_locked, n_locked + converged - 1) = theta_top.subvec(0, converged - 1);
      n_locked += converged;
    }
    if (n_locked >= want) {
      out.iterations = cycle;
      break;
    }
    if (cycle >= max_cycles)
      throw Error("block eigensolver did not converge in " + std::to_string(max_cycles) + " restarts: " +
                  std::to_string(n_locked) + " of " + std::to_string(want) + " eigenpairs converged, worst residual " +
                  std::to_string(worst_active) + " > tolerance " + std::to_string(tolerance));

    // Restart with the next Ritz vectors and the continuation block.
    const std::size_t kept = keep - converged;
    if (kept > 0) {
      columns(V, 0, kept) = Y.cols(converged, keep - 1);
      columns(AV, 0, kept) = MY.cols(converged, keep - 1);
    }
    H.zeros();
    for (std::size_t i = 0; i < kept; ++i) H(i, i) = theta_top[converged + i];
    columns(V, kept, s) = next;
    multiply_into(kept, next);
    cur = kept + s;
  }

  // Locked pairs in descending order (a pair locked later can only tie or fall below earlier ones in
  // exact arithmetic; sort anyway).
  const arma::uvec order = arma::sort_index(locked_values, "descend");
  out.values = locked_values(order);
  out.vectors = locked.cols(order);
  out.matrix_products = products;
  out.block_size = s;
  out.max_residual = worst_locked_residual;
}

template void block_top<float>(const arma::fmat&, std::size_t, const EigenOptions&, double, TopEigenpairs<float>&);
template void block_top<double>(const arma::mat&, std::size_t, const EigenOptions&, double, TopEigenpairs<double>&);
template void block_top<float>(std::size_t, const BlockProduct<float>&, std::size_t, const EigenOptions&, double,
                               TopEigenpairs<float>&);
template void block_top<double>(std::size_t, const BlockProduct<double>&, std::size_t, const EigenOptions&, double,
                                TopEigenpairs<double>&);

}  // namespace aelab::eigen_detail
