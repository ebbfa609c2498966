#pragma once
// The MPI run of one aelab process. Every collective in core/distributed/ assumes all processes reach
// it; a process that fails alone would leave the others waiting forever, so a failure anywhere ends
// every process (fail_everywhere): the failing rank prints its one-line error, then MPI_Abort.
#include <string>

namespace aelab::distributed {

class MpiSession {
 public:
  // MPI_Init unless MPI is initialised already (then this object finalises nothing).
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }

 private:
  bool owns_ = false;
  int rank_ = 0, size_ = 1;
};

// Prints "aelab: error: <message>" (with the rank when there are several) on this process and aborts
// every process of MPI_COMM_WORLD with exit status 1. Never returns.
[[noreturn]] void fail_everywhere(const std::string& message);

// Runs `body`; an aelab::Error or std::exception escaping it on any process ends every process as
// fail_everywhere does. Returns body's status.
template <typename Body>
int run_or_abort(Body&& body);

// The world size announced by a launcher (Open MPI's OMPI_COMM_WORLD_SIZE; PMI_SIZE, set by MPICH's
// Hydra and by srun --mpi=pmi2), 1 when none: lets a single-process backend refuse to run P copies of itself.
int launcher_world_size();

}  // namespace aelab::distributed

#include <exception>

namespace aelab::distributed {
template <typename Body>
int run_or_abort(Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    fail_everywhere(e.what());
  }
}
}  // namespace aelab::distributed
