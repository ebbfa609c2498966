#pragma once
// What a result folder was made with: the software and machine side of manifest.json.
#include <string>

#include <nlohmann/json.hpp>

namespace aelab {

// {"aelab_version", "git_revision" (git rev-parse HEAD of the source tree at run time, "unknown" when
// unavailable), "git_dirty", "compiler", "armadillo", "blas", "blas_threads", "hostname", "cpu"}.
nlohmann::json software_environment();

}  // namespace aelab
