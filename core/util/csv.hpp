#pragma once
// CSV fields as every aelab CSV writes them (summary.csv, timings.csv, comparisons.csv, the gap and
// Proposition tables): a field is quoted, with doubled quotes, only when it holds a comma, a quote or
// a line break.
#include <string>

namespace aelab {

std::string csv_field(const std::string& text);

}  // namespace aelab
