#include "core/linalg/blas.hpp"

namespace aelab {

void set_blas_threads(int threads) {
  if (threads > 0) openblas_set_num_threads(threads);
}

int blas_threads() { return openblas_get_num_threads(); }

std::string blas_config() {
  const char* config = openblas_get_config();
  return config ? config : "unknown";
}

}  // namespace aelab
