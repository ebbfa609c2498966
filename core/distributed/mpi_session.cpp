#include "core/distributed/mpi_session.hpp"

#include <cstdio>
#include <cstdlib>

#include <mpi.h>

#include "core/util/error.hpp"

namespace aelab::distributed {

MpiSession::MpiSession(int* argc, char*** argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    if (MPI_Init(argc, argv) != MPI_SUCCESS) throw Error("MPI_Init failed");
    owns_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (owns_ && !finalised) MPI_Finalize();
}

void fail_everywhere(const std::string& message) {
  int initialised = 0, size = 1, rank = 0;
  MPI_Initialized(&initialised);
  if (initialised) {
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  }
  // stdio, unbuffered on stderr: the line must be out before MPI_Abort kills the process.
  if (size > 1) std::fprintf(stderr, "aelab: error: (rank %d of %d) %s\n", rank, size, message.c_str());
  else std::fprintf(stderr, "aelab: error: %s\n", message.c_str());
  std::fflush(stderr);
  if (initialised) MPI_Abort(MPI_COMM_WORLD, 1);
  std::exit(1);
}

int processes_on_this_node() {
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int size = 1;
  MPI_Comm_size(node, &size);
  MPI_Comm_free(&node);
  return size;
}

void agree_on_failure(const std::string& message) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int first = message.empty() ? size : rank;
  MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (first == size) return;
  if (rank == first) {
    std::fprintf(stderr, "aelab: error: %s\n", message.c_str());
    std::fflush(stderr);
  }
  throw ReportedFailure{};
}

}  // namespace aelab::distributed
