// Top-k eigenpairs by ARPACK-NG's implicitly restarted Lanczos through its reverse-communication
// interface, with one dense BLAS matrix-vector product per request. Memory-bound: every product streams
// the whole matrix, so it only wins for a handful of eigenpairs (see choose_eigen_method).
#include <algorithm>
#include <vector>

#include "core/data/numpy_random.hpp"
#include "core/linalg/eigen_methods.hpp"
#include "core/util/error.hpp"

// Last: arpackdef.h #defines a_int, a name Armadillo's headers use for members.
#include <arpack/arpack.hpp>

namespace aelab::eigen_detail {

template <typename T>
void arpack_top(const arma::Mat<T>& M, std::size_t want, double tolerance, std::size_t max_iterations,
                std::uint64_t seed, TopEigenpairs<T>& out) {
  const a_int n = static_cast<a_int>(M.n_rows);
  const a_int nev = static_cast<a_int>(want);
  // ARPACK's guidance: ncv >= 2 nev; a few more Lanczos vectors for small nev cut restarts.
  const a_int ncv = std::min<a_int>(n, std::max<a_int>(2 * nev + 1, nev + 20));
  const a_int lworkl = ncv * (ncv + 8);
  std::vector<T> resid(static_cast<std::size_t>(n)), v(static_cast<std::size_t>(n) * ncv), workd(3 * static_cast<std::size_t>(n)),
      workl(static_cast<std::size_t>(lworkl));
  // The start vector is numpy.random.RandomState(seed).uniform(-1, 1, n), the same with every
  // standard library (std::uniform_real_distribution is not specified to the bit).
  NumpyRandomState rng(seed);
  for (auto& x : resid) x = static_cast<T>(rng.uniform(-1.0, 1.0));
  a_int iparam[11] = {0}, ipntr[14] = {0};
  iparam[0] = 1;  // exact shifts
  iparam[2] = static_cast<a_int>(max_iterations > 0 ? max_iterations : std::max<std::size_t>(300, 10 * want));
  iparam[6] = 1;  // mode 1: standard problem M x = mu x
  a_int ido = 0, info = 1;  // info = 1: resid holds the (seeded) start vector
  const T tol = static_cast<T>(tolerance);
  std::size_t products = 0;
  for (;;) {
    arpack::saupd(ido, arpack::bmat::identity, n, arpack::which::largest_algebraic, nev, tol, resid.data(), ncv,
                  v.data(), n, iparam, ipntr, workd.data(), workl.data(), lworkl, info);
    if (ido != -1 && ido != 1) break;
    const arma::Col<T> x(workd.data() + ipntr[0] - 1, M.n_rows, false, true);
    arma::Col<T> y(workd.data() + ipntr[1] - 1, M.n_rows, false, true);
    y = M * x;
    ++products;
  }
  if (info == 1)
    throw Error("ARPACK did not converge within " + std::to_string(iparam[2]) + " restarts (" + std::to_string(iparam[4]) +
                " of " + std::to_string(nev) + " eigenpairs converged); raise max_iterations or use the block method");
  if (info < 0) throw Error("ARPACK saupd failed (info " + std::to_string(info) + ")");

  std::vector<a_int> select(static_cast<std::size_t>(ncv));
  arma::Col<T> d(want);
  arma::Mat<T> z(M.n_rows, want);
  arpack::seupd(1, arpack::howmny::ritz_vectors, select.data(), d.memptr(), z.memptr(), n, T(0),
                arpack::bmat::identity, n, arpack::which::largest_algebraic, nev, tol, resid.data(), ncv, v.data(), n,
                iparam, ipntr, workd.data(), workl.data(), lworkl, info);
  if (info != 0) throw Error("ARPACK seupd failed (info " + std::to_string(info) + ")");

  const arma::uvec order = arma::sort_index(d, "descend");
  out.values = d(order);
  out.vectors = z.cols(order);
  out.iterations = static_cast<std::size_t>(iparam[2]);
  out.matrix_products = products;
  // ARPACK's own test is ||r_i|| <= tol |mu_i|, stricter than ours; measure ours honestly (one gemm).
  const arma::Mat<T> MV = M * out.vectors;
  const double scale = std::max(std::abs(static_cast<double>(out.values.max())), std::abs(static_cast<double>(out.values.min())));
  out.max_residual = max_relative_residual(MV, out.vectors, out.values, scale > 0 ? scale : 1.0);
}

template void arpack_top<float>(const arma::fmat&, std::size_t, double, std::size_t, std::uint64_t, TopEigenpairs<float>&);
template void arpack_top<double>(const arma::mat&, std::size_t, double, std::size_t, std::uint64_t, TopEigenpairs<double>&);

}  // namespace aelab::eigen_detail
