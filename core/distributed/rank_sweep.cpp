#include "core/distributed/rank_sweep.hpp"

#include <type_traits>

#include "core/distributed/closed_form.hpp"
#include "core/distributed/evaluation.hpp"
#include "core/linalg/dense_linalg.hpp"
#include "core/linalg/objective.hpp"
#include "core/solver/models.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"

namespace aelab::distributed {

// The inverse of one regulariser on one training matrix, kept between sweeps.
template <typename T>
class DistributedRankSweep::Kept {
 public:
  // The closed form of `reg`, computed now unless kept; `computed` says which.
  const DistributedClosedForm<T>& of(const ProcessGrid& grid, const BinaryCsr& train, const Regularizer& reg, int block,
                                     bool fresh, bool& computed) {
    computed = fresh || !form_ || train_ != &train || !(reg_ == reg);
    if (computed) {
      form_.reset();  // the old share goes before the new one is allocated
      form_ = std::make_unique<DistributedClosedForm<T>>(grid, train, reg, block);
      train_ = &train;
      reg_ = reg;
    }
    return *form_;
  }

 private:
  std::unique_ptr<DistributedClosedForm<T>> form_;
  const BinaryCsr* train_ = nullptr;
  Regularizer reg_{};
};

DistributedRankSweep::DistributedRankSweep(const ProcessGrid& grid, int block)
    : grid_(grid), block_(block), f64_(std::make_unique<Kept<double>>()), f32_(std::make_unique<Kept<float>>()) {}

DistributedRankSweep::~DistributedRankSweep() = default;

void DistributedRankSweep::release() {
  f64_ = std::make_unique<Kept<double>>();
  f32_ = std::make_unique<Kept<float>>();
}

void DistributedRankSweep::run(const RankSweepRequest& request, const std::function<bool(SweptModel)>& sink) {
  if (request.points.empty()) return;
  if (request.dtype == Dtype::float32) {
    f64_ = std::make_unique<Kept<double>>();
    run_in(*f32_, request, sink);
  } else {
    f32_ = std::make_unique<Kept<float>>();
    run_in(*f64_, request, sink);
  }
}

namespace {

Shrinkage shrinkage_of(const Solver& solver) {
  return solver.traits().shrinkage == ShrinkageForm::lambda ? Shrinkage::ridge : Shrinkage::zero_diagonal;
}

std::vector<EvaluationResult> evaluate_parts(const RankSweepRequest& request,
                                             const std::function<EvaluationResult(const HeldOutSet&)>& evaluate_on) {
  std::vector<EvaluationResult> results;
  for (const HeldOutSet* part : request.parts)
    results.push_back(part->n_users() > 0 ? evaluate_on(*part) : EvaluationResult());
  return results;
}

template <typename T>
FitReport backend_report(const ProcessGrid& grid, int block, std::size_t n, std::size_t k, const EigenOptions& eigen) {
  FitReport report;
  report.dtype = std::is_same_v<T, float> ? Dtype::float32 : Dtype::float64;
  // This process's own estimate: rank 0 (which writes the report) also holds the iteration state.
  report.memory_estimate_bytes = closed_form_bytes_per_process(n, grid.size(), k, sizeof(T), eigen) +
                                 (grid.rank() == 0 ? closed_form_rank0_extra_bytes(n, k, sizeof(T), eigen) : 0);
  report.fact("backend", "scalapack");
  report.fact("processes", grid.size());
  report.fact("grid", std::to_string(grid.rows()) + "x" + std::to_string(grid.cols()));
  report.fact("block", block);
  return report;
}

}  // namespace

template <typename T>
void DistributedRankSweep::run_in(Kept<T>& kept, const RankSweepRequest& request,
                                  const std::function<bool(SweptModel)>& sink) {
  const Solver& solver = *request.solver;
  const BinaryCsr& train = *request.train;
  const ParamSet& first = request.points.front();
  const Shrinkage kind = shrinkage_of(solver);
  const EigenOptions eigen_options = standard_eigen_options(first);
  const std::optional<Regularizer> reg = standard_regularizer(first);
  if (!reg) throw Error("solver " + solver.name() + " has no standard lambda and p");
  std::size_t k_max = 0;
  for (const ParamSet& p : request.points)
    if (!p.rank(kRankParam).full) k_max = std::max<std::size_t>(k_max, p.rank(kRankParam).k);

  Timer since_last;
  bool computed = false;
  const DistributedClosedForm<T>& form = kept.of(grid_, train, *reg, block_, request.fresh_inverse, computed);
  const arma::vec g = item_counts(train), s = form.shrinkage_diagonal(kind);
  const arma::vec& lambda = form.lambda_diagonal();
  const bool reused = !computed;
  const auto stamp_inverse = [&](FitReport& report) {
    report.inverse = InverseUse{reused, form.inverse_seconds()};
    if (!computed) return;
    report.seconds.set("gram", form.gram_seconds());
    report.seconds.set("inverse", form.inverse_seconds());
    computed = false;  // the later models of the sweep reuse it
  };

  if (k_max > 0) {
    Timer stage;
    const LowRankFactors<T> f = form.factors(kind, static_cast<int>(k_max), eigen_options);
    const double eigen_seconds = stage.seconds();
    // G U = V Theta + (S - Lambda) U from the eigenpairs (docs/MATH.md §2.5): O(n k).
    const arma::Mat<T> GU = f.V * arma::diagmat(arma::conv_to<arma::Col<T>>::from(f.values)) +
                            f.U.each_col() % arma::conv_to<arma::Col<T>>::from(s - lambda);
    bool first_model = true;
    for (const ParamSet& params : request.points) {
      const Rank rank = params.rank(kRankParam);
      if (rank.full) continue;
      const arma::uword k = rank.k;
      SweptModel model;
      model.params = params;
      model.report = backend_report<T>(grid_, block_, train.n_cols(), k_max, eigen_options);
      stamp_inverse(model.report);
      if (first_model) model.report.seconds.set("eigen", eigen_seconds);
      first_model = false;
      const arma::Mat<T> U = f.U.cols(0, k - 1), V = f.V.cols(0, k - 1);
      model.report.objective = edlae_objective_from_gu(g, lambda, U, V, arma::Mat<T>(GU.cols(0, k - 1)));
      EigenReport eigen;
      eigen.method = f.method;
      eigen.k_computed = k_max;
      eigen.matrix_products = f.matrix_products;
      eigen.value_at_cutoff = f.values(k - 1);
      eigen.next_value = k < k_max ? f.values(k) : f.next_value;
      eigen.gap = eigen.value_at_cutoff - eigen.next_value;
      eigen.relative_gap = eigen.gap / std::abs(f.values(0));
      eigen.max_residual = f.max_residual;
      eigen.tolerance = f.tolerance;
      model.report.eigen = eigen;
      model.fit_seconds = since_last.seconds();
      model.report.seconds.set("total", model.fit_seconds);
      const LowRankModel<T> low_rank(U, V);
      model.results = evaluate_parts(request, [&](const HeldOutSet& part) {
        return evaluate(low_rank, part, request.metrics, request.batch_users);
      });
      model.report.peak_rss_bytes = peak_rss_bytes();
      if (!sink(std::move(model))) return;
      since_last.restart();
    }
  }
  if (!request.points.back().rank(kRankParam).full) return;
  SweptModel model;
  model.params = request.points.back();
  model.report = backend_report<T>(grid_, block_, train.n_cols(), 0, eigen_options);
  stamp_inverse(model.report);
  Timer stage;
  const BlockCyclicMatrix<T> W = form.full_rank_model(kind);
  model.report.seconds.set("model", stage.seconds());
  model.report.objective = edlae_objective_shrinkage_form(g, lambda, form.inverse_diagonal(), s);
  model.fit_seconds = since_last.seconds();
  model.report.seconds.set("total", model.fit_seconds);
  model.results = evaluate_parts(request, [&](const HeldOutSet& part) {
    return evaluate_distributed(W, part, request.metrics, request.batch_users);
  });
  model.report.peak_rss_bytes = peak_rss_bytes();
  sink(std::move(model));
}

}  // namespace aelab::distributed
