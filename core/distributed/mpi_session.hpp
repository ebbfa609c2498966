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

// The processes of MPI_COMM_WORLD on this node, which share its memory (collective).
int processes_on_this_node();

// Prints "aelab: error: <message>" (with the rank when there are several) on this process and aborts
// every process of MPI_COMM_WORLD with exit status 1. Never returns.
[[noreturn]] void fail_everywhere(const std::string& message);

// Thrown on every process by agree_on_failure after the message was printed once: the caller exits
// with status 1 without printing again.
struct ReportedFailure {};

// For a check every process makes at the same point (the same refusal, a memory guard): when any
// process has a non-empty message, the lowest such rank prints "aelab: error: <message>" and every
// process throws ReportedFailure, so P processes do not print P copies.
void agree_on_failure(const std::string& message);

// Runs `body`: ReportedFailure gives status 1; any other exception escaping it on one process ends
// every process as fail_everywhere does (the others may be waiting in a collective). Returns body's status.
template <typename Body>
int run_or_abort(Body&& body);


}  // namespace aelab::distributed

#include <exception>

namespace aelab::distributed {
template <typename Body>
int run_or_abort(Body&& body) {
  try {
    return body();
  } catch (const ReportedFailure&) {
    return 1;
  } catch (const std::exception& e) {
    fail_everywhere(e.what());
  }
}
}  // namespace aelab::distributed
