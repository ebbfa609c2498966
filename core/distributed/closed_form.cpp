#include "core/distributed/closed_form.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "core/distributed/distributed_linalg.hpp"
#include "core/distributed/scalapack.hpp"
#include "core/linalg/dense_linalg.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab::distributed {

namespace {

arma::vec item_counts(const BinaryCsr& X) {
  const auto counts = X.column_counts();
  arma::vec g(counts.size());
  for (std::size_t j = 0; j < counts.size(); ++j) g[j] = static_cast<double>(counts[j]);
  return g;
}

int checked_items(const BinaryCsr& X) {
  if (X.n_cols() == 0) throw Error("the training data has no items");
  if (X.n_cols() > static_cast<std::size_t>(std::numeric_limits<int>::max() / 2))
    throw Error("too many items for ScaLAPACK's 32-bit indices: " + std::to_string(X.n_cols()));
  return static_cast<int>(X.n_cols());
}

}  // namespace

std::size_t closed_form_bytes_per_process(std::size_t n, int processes, std::size_t k) {
  const std::size_t share = n * n / static_cast<std::size_t>(std::max(1, processes)) + n;
  const std::size_t squares = k == 0 ? 2 : 3;
  return sizeof(double) * (squares * share + 4 * n * k + 3 * n * k / static_cast<std::size_t>(std::max(1, processes)));
}

DistributedClosedForm::DistributedClosedForm(const ProcessGrid& grid, const BinaryCsr& train, const Regularizer& reg,
                                             int block)
    : grid_(grid), train_(train), block_(block),
      lambda_(aelab::lambda_diagonal(item_counts(train), reg.lambda, reg.p)),
      C_(grid, checked_items(train), checked_items(train), block) {
  Timer stage;
  distributed_gram(train, C_, lambda_);
  gram_seconds_ = stage.seconds();
  stage.restart();
  {
    BlockCyclicMatrix work(grid, C_.rows(), C_.cols(), block);
    spd_inverse_in_place(C_, work);
  }
  c_ = C_.gathered_diagonal();
  inverse_seconds_ = stage.seconds();
}

arma::vec DistributedClosedForm::shrinkage_diagonal(Shrinkage kind) const {
  return kind == Shrinkage::ridge ? lambda_ : arma::vec(1.0 / c_);
}

BlockCyclicMatrix DistributedClosedForm::full_rank_model(Shrinkage kind) const {
  BlockCyclicMatrix W = C_;
  shrinkage_model_in_place(W, shrinkage_diagonal(kind), kind == Shrinkage::zero_diagonal);
  return W;
}

LowRankFactors DistributedClosedForm::factors(Shrinkage kind, int k_max) const {
  const int n = C_.rows();
  if (k_max < 1 || k_max > n)
    throw Error("rank: " + std::to_string(k_max) + " outside 1.." + std::to_string(n) + " (the number of items)");
  const arma::vec s = shrinkage_diagonal(kind);
  BlockCyclicMatrix vectors(grid_, n, n, block_);
  arma::vec ascending;
  {
    BlockCyclicMatrix M(grid_, n, n, block_);
    distributed_gram(train_, M, lambda_);
    shrunk_gram_in_place(M, C_, s);
    ascending = top_eigenpairs(M, k_max, vectors);
  }
  // The first k_max columns of an n x n and of an n x k_max matrix with one block size lie on the
  // same processes at the same local positions, so V's share is a prefix of the vectors' columns.
  BlockCyclicMatrix V(grid_, n, k_max, block_), SV(grid_, n, k_max, block_);
  if (V.local_cols() > 0) V.local() = vectors.local().cols(0, static_cast<arma::uword>(V.local_cols() - 1));
  SV.local() = V.local();
  for (int li = 0; li < SV.local_rows(); ++li) SV.local().row(static_cast<arma::uword>(li)) *= s[static_cast<arma::uword>(SV.global_row(li))];
  // U = V - C (S V), accumulated into a copy of V.
  BlockCyclicMatrix U = V;
  const int one = 1;
  const double minus_one = -1.0, plus_one = 1.0;
  pdgemm_("N", "N", &n, &k_max, &n, &minus_one, C_.local().memptr(), &one, &one, C_.desc(), SV.local().memptr(), &one,
          &one, SV.desc(), &plus_one, U.local().memptr(), &one, &one, U.desc());
  LowRankFactors out;
  out.U = arma::fliplr(U.gathered_columns(k_max));
  out.V = arma::fliplr(V.gathered_columns(k_max));
  out.values = arma::flipud(ascending);
  return out;
}

}  // namespace aelab::distributed
