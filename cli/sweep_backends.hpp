#pragma once
// The backends `aelab run` gives a sweep config (execution.backend, docs/DISTRIBUTED.md): none for
// "local" (after refusing P launched copies), the ScaLAPACK backend for "scalapack" (only in a build
// with AELAB_DISTRIBUTED; started without a launcher it runs as one process, as `aelab eval
// --backend scalapack` does).
#include <functional>
#include <memory>

#include "experiments/experiment_types.hpp"

namespace aelab::cli {

class SweepBackends {
 public:
  SweepBackends();
  ~SweepBackends();
  SweepBackends(const SweepBackends&) = delete;
  SweepBackends& operator=(const SweepBackends&) = delete;

  // For ExperimentRequest::sweep_backend; valid while this object lives.
  SweepBackendFactory factory();

  // Runs `body`. Once MPI runs on several processes, a failure on one of them ends every process with
  // its one-line error (the others may be waiting in a collective), and a failure all of them agreed
  // on (printed once) gives status 1. The MPI session lives in this object, not in the backend, so
  // that it outlasts the unwinding of any exception.
  int run(const std::function<int()>& body);

 private:
  struct Runtime;
  std::unique_ptr<Runtime> runtime_;
};

}  // namespace aelab::cli
