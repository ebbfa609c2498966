#include "experiments/sweep/selection.hpp"

#include <cmath>

#include "core/util/error.hpp"

namespace aelab {

std::vector<SelectionGroup> select_best(const std::vector<ParamSet>& points, const std::vector<double>& scores,
                                        const std::vector<std::string>& per) {
  if (points.size() != scores.size()) throw Error("internal: select_best needs one score per point");
  std::vector<SelectionGroup> groups;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const ParamSet key = points[i].only(per);
    SelectionGroup* group = nullptr;
    for (auto& g : groups)
      if (g.per_values == key) group = &g;
    if (!group) {
      groups.emplace_back();
      group = &groups.back();
      group->per_values = key;
    }
    group->members.push_back(i);
    const double s = scores[i];
    if (std::isnan(s)) continue;
    ++group->candidates;
    // Strictly better replaces: the first point in grid order keeps a tie.
    if (!group->chosen || s > group->score) {
      group->chosen = i;
      group->score = s;
      group->ties = 0;
    } else if (s == group->score) {
      ++group->ties;
    }
  }
  return groups;
}

}  // namespace aelab
