// `popularity`: every user gets the same scores, the training item counts. The floor any
// personalised model must clear.
#include <memory>

#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"
#include "solvers/popularity/popularity.hpp"

namespace aelab {

namespace {

class PopularityModel : public FittedModel {
 public:
  explicit PopularityModel(arma::vec counts) : counts_(std::move(counts)) {}
  std::size_t n_items() const override { return counts_.n_elem; }
  void score(const BinaryCsr& fold_in, std::size_t begin, std::size_t end, arma::mat& scores) const override {
    if (fold_in.n_cols() != n_items()) throw Error("popularity: fold-in rows have a different number of items");
    scores.set_size(n_items(), end - begin);
    scores.each_col() = counts_;
  }

 private:
  arma::vec counts_;
};

class PopularitySolver : public Solver {
 public:
  std::string name() const override { return "popularity"; }
  std::string description() const override { return "item popularity (training counts), the same ranking for every user"; }
  std::vector<ParamSpec> params() const override { return {}; }

  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet&) const override {
    Timer timer;
    auto model = std::make_unique<PopularityModel>(ctx.linalg.item_counts());
    model->report().seconds.set("total", timer.seconds());
    return model;
  }
};

}  // namespace

std::unique_ptr<Solver> make_popularity_solver() { return std::make_unique<PopularitySolver>(); }

}  // namespace aelab
