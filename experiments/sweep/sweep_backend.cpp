#include "experiments/sweep/sweep_backend.hpp"

namespace aelab {

nlohmann::json ProcessLayout::to_json() const {
  return {{"backend", backend},
          {"processes", processes},
          {"grid", {{"rows", grid_rows}, {"cols", grid_cols}}},
          {"block", block},
          {"processes_on_node", processes_on_node}};
}

}  // namespace aelab
