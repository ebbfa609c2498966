#include "cli/sweep_backends.hpp"

#include <new>
#include <string>

#include "cli/backend.hpp"
#include "core/util/error.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/sweep_backend.hpp"

#ifdef AELAB_DISTRIBUTED
#include <mpi.h>

#include "core/distributed/closed_form.hpp"
#include "core/distributed/mpi_session.hpp"
#include "core/distributed/process_grid.hpp"
#include "core/distributed/rank_sweep.hpp"
#include "core/distributed/solver_evaluation.hpp"
#endif

namespace aelab::cli {

#ifdef AELAB_DISTRIBUTED

struct SweepBackends::Runtime {
  distributed::MpiSession session{nullptr, nullptr};
  distributed::ProcessGrid grid;
  int processes_on_node = distributed::processes_on_this_node();
};

namespace {

// Every process fits each unit collectively; rank 0 writes (docs/DISTRIBUTED.md, "aelab run").
class ScalapackSweepBackend : public SweepBackend {
 public:
  ScalapackSweepBackend(const distributed::MpiSession& session, const distributed::ProcessGrid& grid,
                        int processes_on_node, int block, const Registry& registry)
      : session_(session), grid_(grid), processes_on_node_(processes_on_node), registry_(registry), sweep_(grid, block) {}

  ProcessLayout layout() const override {
    return {"scalapack", grid_.size(), grid_.rows(), grid_.cols(), sweep_.block(), processes_on_node_};
  }

  std::string refusal(const Solver& solver, const ParamSet& params) const override {
    return distributed::backend_refusal(solver, params, registry_);
  }

  FitBytes fit_bytes(std::size_t n_items, std::size_t k, Dtype dtype, const ParamSet& params) const override {
    const EigenOptions eigen = standard_eigen_options(params);
    return {distributed::closed_form_bytes_per_process(n_items, grid_.size(), k, dtype_bytes(dtype), eigen),
            distributed::closed_form_rank0_extra_bytes(n_items, k, dtype_bytes(dtype), eigen)};
  }

  bool writes_results() const override { return session_.is_root(); }

  bool follow_writer(bool decision) const override {
    int value = decision ? 1 : 0;
    MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return value != 0;
  }

  std::vector<bool> follow_writer(const std::vector<bool>& decisions) const override {
    unsigned long long size = decisions.size();
    MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    std::vector<char> bytes(decisions.begin(), decisions.end());
    bytes.resize(size);
    if (size > 0) MPI_Bcast(bytes.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD);
    return std::vector<bool>(bytes.begin(), bytes.end());
  }

  std::vector<std::size_t> follow_writer(const std::vector<std::size_t>& indices) const override {
    unsigned long long size = indices.size();
    MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    std::vector<unsigned long long> values(indices.begin(), indices.end());
    values.resize(size);
    if (size > 0) MPI_Bcast(values.data(), static_cast<int>(size), MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    return std::vector<std::size_t>(values.begin(), values.end());
  }

  void agree(const std::function<void()>& step) const override {
    std::string failure;
    try {
      step();
    } catch (const Error& e) {
      failure = e.what();
    } catch (const std::bad_alloc&) {
      failure = "out of memory";
    }
    distributed::agree_on_failure(failure);
  }

  void fit(const BackendFit& request, const EvaluatedFitSink& sink) override {
    distributed::RankSweepRequest sweep;
    sweep.solver = request.solver;
    sweep.points = request.points;
    sweep.dtype = request.dtype;
    sweep.fresh_inverse = request.fresh_inverse;
    sweep.train = &request.split->train;
    sweep.parts = {&request.split->validation, &request.split->test};
    sweep.metrics = request.metrics;
    sweep.batch_users = request.batch_users;
    sweep_.run(sweep, [&](distributed::SweptModel model) {
      EvaluatedFit fit;
      fit.params = std::move(model.params);
      fit.report = std::move(model.report);
      fit.validation = std::move(model.results[0]);
      fit.test = std::move(model.results[1]);
      fit.fit_seconds = model.fit_seconds;
      return follow_writer(sink(std::move(fit)));
    });
  }

 private:
  const distributed::MpiSession& session_;
  const distributed::ProcessGrid& grid_;
  int processes_on_node_;
  const Registry& registry_;
  distributed::DistributedRankSweep sweep_;
};

}  // namespace

#else

struct SweepBackends::Runtime {};

#endif

SweepBackends::SweepBackends() = default;
SweepBackends::~SweepBackends() = default;

SweepBackendFactory SweepBackends::factory() {
  return [this](const ExperimentConfig& config) -> std::unique_ptr<SweepBackend> {
    if (!config.execution.distributed()) {
      refuse_parallel_launch("aelab run with execution.backend \"local\"");
      return nullptr;
    }
#ifdef AELAB_DISTRIBUTED
    if (!runtime_) runtime_ = std::make_unique<Runtime>();
    return std::make_unique<ScalapackSweepBackend>(runtime_->session, runtime_->grid, runtime_->processes_on_node,
                                                   config.execution.block.value_or(distributed::kDefaultBlock),
                                                   *config.registry);
#else
    throw Error((config.config_path.empty() ? std::string() : config.config_path + ": ") + "execution.backend: \"scalapack\" needs an aelab built with AELAB_DISTRIBUTED "
                "(MPI and ScaLAPACK, scripts/install-deps.sh); this one was built without");
#endif
  };
}

int SweepBackends::run(const std::function<int()>& body) {
#ifdef AELAB_DISTRIBUTED
  try {
    return body();
  } catch (const distributed::ReportedFailure&) {
    return 1;
  } catch (const std::exception& e) {
    if (!runtime_ || runtime_->session.size() == 1) throw;
    const Error* error = dynamic_cast<const Error*>(&e);
    const bool out_of_memory = dynamic_cast<const std::bad_alloc*>(&e) != nullptr;
    distributed::fail_everywhere(error ? e.what() : out_of_memory ? "out of memory" : std::string("internal: ") + e.what());
  }
#else
  return body();
#endif
}

}  // namespace aelab::cli
