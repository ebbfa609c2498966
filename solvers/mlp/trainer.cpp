#include "solvers/mlp/trainer.hpp"

#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

#include "core/eval/metrics.hpp"
#include "core/eval/reconstruction_error.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "solvers/mlp/sparse_batch.hpp"

namespace aelab::mlp {

std::uint64_t seed_stream(std::uint64_t seed, std::uint64_t stream) {
  // splitmix64 of (seed, stream): well-separated generator seeds from one user seed.
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

namespace {

// Fisher-Yates with 64-bit draws reduced by rejection, so the order is the same on every platform.
void shuffle(std::vector<std::size_t>& order, std::mt19937_64& rng) {
  for (std::size_t i = order.size(); i > 1; --i) {
    const std::uint64_t bound = i;
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
    std::uint64_t draw = rng();
    while (draw >= limit) draw = rng();
    std::swap(order[i - 1], order[draw % bound]);
  }
}

// Trace columns beyond the epoch, the training SE (the objective column) and the seconds.
constexpr std::size_t kLrColumn = 0, kTrainSecondsColumn = 1, kValidationColumn = 2;

std::string format_epoch_line(const TracePoint& point, bool validation) {
  std::ostringstream line;
  line.precision(8);
  line << "mlp: epoch " << point.iteration << ": training SE " << point.objective;
  if (validation) line << ", validation nDCG@100 " << point.extra[kValidationColumn];
  line.precision(3);
  line << " (" << point.seconds << " s)";
  return line.str();
}

}  // namespace

template <typename T>
void train_mlp(MlpModel<T>& model, const BinaryCsr& X, const MlpTrainingOptions& options,
                         const HeldOutSet* validation, const std::function<void(const std::string&)>& log) {
  Timer total_timer;
  if (X.n_rows() == 0) throw Error("mlp: the training matrix has no users");
  if (X.n_cols() != model.n_items()) throw Error("mlp: the training matrix and the network differ in items");
  if (options.patience > 0 && validation == nullptr)
    throw Error("mlp: patience > 0 (early stopping on validation nDCG@100) needs validation users");
  if (options.batch_size == 0 || options.epochs == 0) throw Error("mlp: batch_size and epochs must be positive");

  MlpNetwork<T>& net = model.network();
  const std::size_t m = X.n_rows();
  Adam<T> adam(options.adam, net.layers());
  Layers<T> gradient;
  MlpWorkspace<T> ws;
  std::mt19937_64 order_rng(seed_stream(options.seed, 1));
  std::mt19937_64 dropout_rng(seed_stream(options.seed, 2));
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t(0));
  const std::vector<MetricSpec> metrics = {MetricSpec::parse("ndcg@100")};

  Trace trace;
  trace.objective_name = "training_se";
  trace.extra_columns = {"lr", "train_seconds"};
  if (validation) trace.extra_columns.push_back("validation_ndcg@100");
  std::vector<double> se_history;
  double lr = options.adam.lr;
  double train_seconds = 0, evaluation_seconds = 0;
  std::string stopped = "epochs";
  double best_ndcg = -1;
  std::size_t best_epoch = 0;
  Layers<T> best_layers;

  for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
    Timer epoch_timer;
    shuffle(order, order_rng);
    for (std::size_t begin = 0; begin < m; begin += options.batch_size) {
      const std::size_t count = std::min(options.batch_size, m - begin);
      const arma::SpMat<T> target = users_as_columns<T>(X, order.data() + begin, count);
      const double se_scale = 1.0 / static_cast<double>(count);
      const double decay = options.weight_decay / static_cast<double>(m);
      if (options.dropout > 0) {
        const arma::SpMat<T> input = drop_entries(target, options.dropout, dropout_rng);
        net.gradient(input, target, se_scale, decay, gradient, ws);
      } else {
        net.gradient(target, target, se_scale, decay, gradient, ws);
      }
      adam.step(net.layers(), gradient, lr);
    }
    const double epoch_train_seconds = epoch_timer.seconds();
    train_seconds += epoch_train_seconds;

    Timer evaluation_timer;
    const double se = squared_error(model, X);
    if (!std::isfinite(se))
      throw Error("mlp: training diverged at epoch " + std::to_string(epoch) + " (training SE is " + std::to_string(se) +
                  "); lower lr");
    TracePoint point{epoch, se, std::nan(""), 0, {lr, epoch_train_seconds}};
    double ndcg = 0;
    if (validation) {
      ndcg = evaluate(model, *validation, metrics).summary("ndcg@100").mean;
      point.extra.push_back(ndcg);
    }
    evaluation_seconds += evaluation_timer.seconds();
    point.seconds = epoch_timer.seconds();
    trace.points.push_back(point);
    se_history.push_back(se);
    if (log && (options.epochs <= 20 || epoch % (options.epochs / 10) == 0 || epoch == options.epochs))
      log(format_epoch_line(point, validation != nullptr));
    lr *= options.lr_decay;

    if (options.patience > 0) {
      if (ndcg > best_ndcg) {
        best_ndcg = ndcg;
        best_epoch = epoch;
        best_layers = net.layers();
      } else if (epoch - best_epoch >= options.patience) {
        stopped = "early_stopping";
        break;
      }
    }
    if (options.converge_tol > 0 && se_history.size() > options.converge_window) {
      const double before = se_history[se_history.size() - 1 - options.converge_window];
      if (before <= 0 || (before - se) / before < options.converge_tol) {
        stopped = "converged";
        break;
      }
    }
  }

  FitReport& report = model.report();
  const std::size_t epochs_run = trace.points.size();
  trace.completed = epochs_run;
  trace.returned = epochs_run;
  double final_se = trace.points.back().objective;
  if (options.patience > 0) {
    // Best-epoch restore: the returned weights are those of the best validation epoch, whose training
    // SE the trace already holds (same weights, same computation).
    net.layers() = std::move(best_layers);
    final_se = trace.points[best_epoch - 1].objective;
    trace.best = trace.returned = best_epoch;
    report.fact("validation_ndcg@100", best_ndcg);
  } else if (validation) {
    report.fact("validation_ndcg@100", trace.points.back().extra[kValidationColumn]);
  }
  (void)kLrColumn, (void)kTrainSecondsColumn;
  report.trace = std::move(trace);
  report.stop_reason = stopped;
  report.fact("training_se", final_se);
  report.objective = final_se + options.weight_decay * net.weight_norm_squared();
  report.fact("optimizer_steps", adam.steps());
  report.seconds.set("train", train_seconds);
  report.seconds.set("evaluation", evaluation_seconds);
  report.seconds.set("total", total_timer.seconds());
  report.peak_rss_bytes = peak_rss_bytes();
}

template void train_mlp<float>(MlpModel<float>&, const BinaryCsr&, const MlpTrainingOptions&, const HeldOutSet*,
                               const std::function<void(const std::string&)>&);
template void train_mlp<double>(MlpModel<double>&, const BinaryCsr&, const MlpTrainingOptions&, const HeldOutSet*,
                                const std::function<void(const std::string&)>&);

}  // namespace aelab::mlp
