// `mlp`: the nonlinear autoencoder of docs/MATH.md §2.6 as a recommender and as the subject of the Proposition
// experiment (experiments/proposition.hpp). Architecture n -> hidden... -> rank -> n (linear output),
// trained by mini-batch Adam on the squared error (see solvers/mlp/trainer.hpp for the objective).
//
// Precision: the `precision` parameter, float32 by default, not FitContext::dtype. The context's
// dtype (float64 by default) governs the linear solvers, whose closed forms and inverses lose
// accuracy in single precision; stochastic training is limited by the optimiser long before float32
// rounding matters, and float32 doubles the gemm rate (docs/BENCHMARKS.md). float64 is available for gradient
// checks and for measuring training error against the Proposition's bound to 1e-6.
//
// Output bias: off by default. With it f(X) = H W^T + 1 c^T has rank <= k + 1, so the Proposition's
// bound becomes that of rank k + 1, SE >= sum_{i>k+1} s_i(X)^2.
#include <memory>

#include "core/linalg/linalg_cache.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "solvers/mlp/mlp.hpp"
#include "solvers/mlp/trainer.hpp"

namespace aelab {

namespace {

using mlp::MlpArchitecture;

constexpr double inf = std::numeric_limits<double>::infinity();

MlpArchitecture architecture_of(std::size_t n_items, const ParamSet& params) {
  MlpArchitecture a;
  a.n_items = n_items;
  for (std::int64_t w : params.integer_list("hidden")) a.hidden.push_back(static_cast<std::size_t>(w));
  const Rank rank = params.rank(kRankParam);
  a.rank = rank.resolve(n_items);
  if (a.rank > n_items)
    throw Error("mlp: rank " + rank.str() + " exceeds the number of items (" + std::to_string(n_items) + ")");
  a.activation = mlp::parse_activation(params.string("activation"));
  a.output_bias = params.boolean("output_bias");
  return a;
}

mlp::MlpTrainingOptions training_options_of(const ParamSet& params) {
  mlp::MlpTrainingOptions o;
  o.adam.lr = params.real("lr");
  o.adam.beta1 = params.real("beta1");
  o.adam.beta2 = params.real("beta2");
  o.adam.eps = params.real("eps");
  o.lr_decay = params.real("lr_decay");
  o.batch_size = static_cast<std::size_t>(params.integer("batch_size"));
  o.epochs = static_cast<std::size_t>(params.integer("epochs"));
  o.seed = static_cast<std::uint64_t>(params.integer("seed"));
  o.weight_decay = params.real("weight_decay");
  o.dropout = params.real("dropout");
  o.patience = static_cast<std::size_t>(params.integer("patience"));
  o.converge_tol = params.real("converge_tol");
  o.converge_window = static_cast<std::size_t>(params.integer("converge_window"));
  return o;
}

template <typename T>
std::unique_ptr<FittedModel> fit_in(FitContext& ctx, const ParamSet& params, const MlpArchitecture& architecture) {
  const mlp::MlpTrainingOptions options = training_options_of(params);
  auto model = std::make_unique<mlp::MlpModel<T>>(
      mlp::MlpNetwork<T>(architecture, mlp::seed_stream(options.seed, 0)));
  mlp::train_mlp(*model, ctx.train(), options, ctx.validation, ctx.log);
  FitReport& report = model->report();
  report.dtype = dtype_of<T>();
  report.fact("parameters", architecture.parameter_count());
  report.fact("layer_widths", architecture.widths());
  return model;
}

class MlpSolver : public Solver {
 public:
  std::string name() const override { return "mlp"; }
  std::string description() const override {
    return "nonlinear MLP autoencoder n -> hidden -> rank -> n (linear output), mini-batch Adam on the squared error";
  }
  std::vector<ParamSpec> params() const override {
    return {
        // The standard rank (docs/MATH.md) with the default of a typical last hidden layer.
        [] {
          ParamSpec rank = rank_param_spec();
          rank.default_value = 100;
          return rank;
        }(),
        ranged(param_spec("hidden", ParamType::integer_list, nlohmann::json::array(),
                    "widths of the hidden layers before the rank layer ([] : n -> rank -> n)"),
               1, inf),
        choice(param_spec("activation", ParamType::string, "tanh", "activation of every hidden layer"), mlp::activation_names()),
        param_spec("output_bias", ParamType::boolean, false, "bias on the linear output layer (raises the Proposition's bound to rank k+1)"),
        ranged(param_spec("weight_decay", ParamType::real, 0.0, "L2 on all weights, sum_l ||W_l||^2, on the scale of lambda"), 0, inf),
        ranged(param_spec("dropout", ParamType::real, 0.0, "input dropout probability (denoising; kept entries scaled by 1/(1-p))"), 0, 1,
               true, false),
        ranged(param_spec("lr", ParamType::real, 1e-3, "Adam learning rate"), 0, inf, false),
        ranged(param_spec("beta1", ParamType::real, 0.9, "Adam first-moment decay"), 0, 1, true, false),
        ranged(param_spec("beta2", ParamType::real, 0.999, "Adam second-moment decay"), 0, 1, true, false),
        ranged(param_spec("eps", ParamType::real, 1e-8, "Adam epsilon"), 0, inf, false),
        ranged(param_spec("lr_decay", ParamType::real, 1.0, "learning-rate factor applied after every epoch"), 0, 1, false),
        ranged(param_spec("batch_size", ParamType::integer, 256, "users per mini-batch"), 1, inf),
        epochs_param_spec(100),
        [] {
          ParamSpec seed = seed_param_spec();
          seed.default_value = 1;
          return seed;
        }(),
        choice(param_spec("precision", ParamType::string, "float32", "precision of training and scoring (not the context dtype)"),
               {"float32", "float64"}),
        ranged(param_spec("patience", ParamType::integer, 0,
                    "early stopping: epochs without a better validation nDCG@100 (0: off); restores the best epoch"),
               0, inf),
        ranged(param_spec("converge_tol", ParamType::real, 0.0,
                    "stop when the training SE fell by less than this fraction over converge_window epochs (0: off)"),
               0, inf),
        ranged(param_spec("converge_window", ParamType::integer, 10, "epochs over which converge_tol is measured"), 1, inf),
    };
  }

  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    Timer timer;
    const std::size_t n = ctx.train().n_cols();
    const MlpArchitecture architecture = architecture_of(n, params);
    const Dtype precision = parse_dtype(params.string("precision"));
    ensure_memory(memory_estimate({n, precision, ctx.registry}, params), "mlp " + params.str(), ctx.force_memory);
    std::unique_ptr<FittedModel> model = precision == Dtype::float32 ? fit_in<float>(ctx, params, architecture)
                                                                     : fit_in<double>(ctx, params, architecture);
    model->report().seconds.set("total", timer.seconds());
    return model;
  }

  // Parameters, gradients and the two Adam moments (plus a best-epoch copy with patience), the
  // activations of a mini-batch forward and backward pass, and the scoring batches of the per-epoch
  // training SE (64 MiB of double scores) and validation metrics (256 MiB, core/eval/metrics).
  SolverTraits traits() const override {
    SolverTraits t;
    t.nonlinear_autoencoder = true;
    t.rank_raising_param = "output_bias";
    return t;
  }

  std::size_t memory_estimate(const SizingContext& sizing, const ParamSet& params) const override {
    const std::size_t n_items = sizing.n_items;
    const MlpArchitecture a = architecture_of(n_items, params);
    const std::size_t bytes = params.string("precision") == "float32" ? 4 : 8;
    const std::size_t copies = 4 + (params.integer("patience") > 0 ? 1 : 0);
    std::size_t widths = 0;
    for (std::size_t w : a.widths()) widths += w;
    const std::size_t batch = static_cast<std::size_t>(params.integer("batch_size"));
    const std::size_t scoring = (std::size_t(64) << 20) * 3 / 2 + (std::size_t(256) << 20) * 3 / 2;
    return copies * a.parameter_count() * bytes + 3 * batch * (widths + n_items) * bytes + scoring;
  }
};

}  // namespace

std::unique_ptr<Solver> make_mlp_solver() { return std::make_unique<MlpSolver>(); }

}  // namespace aelab
