#pragma once
// Hyperparameter selection on validation users: for each solver and each combination of values of
// the `per` keys (e.g. each rank), the point with the highest validation score is chosen among the
// points that differ only in the other parameters. Rule for equal scores: the point that comes first
// in grid order (see experiments/grid.hpp) wins, and the number of tied points is reported.
// Points without a score (failed fits, fits not run yet, NaN) are not candidates.
#include <optional>
#include <string>
#include <vector>

#include "core/solver/params.hpp"

namespace aelab {

struct SelectionGroup {
  ParamSet per_values;                  // the `per` keys this solver has, with the group's values
  std::vector<std::size_t> members;     // indices of the group's points (grid order)
  std::size_t candidates = 0;           // members with a score
  std::optional<std::size_t> chosen;    // index of the selected point
  double score = 0;                     // its validation score
  std::size_t ties = 0;                 // other candidates with exactly that score
};

// `points` in grid order with their validation `scores` (NaN: none). Groups come in the order of their
// first member. Keys of `per` that a point lacks are ignored for it (e.g. "rank" for popularity).
std::vector<SelectionGroup> select_best(const std::vector<ParamSet>& points, const std::vector<double>& scores,
                                        const std::vector<std::string>& per);

}  // namespace aelab
