#include "core/util/number_text.hpp"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace aelab {

namespace {

std::string non_finite(double x) { return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf"); }

std::string printed(const char* format, int digits, double x) {
  if (!std::isfinite(x)) return non_finite(x);
  char text[64];
  std::snprintf(text, sizeof text, format, digits, x);
  return text;
}

}  // namespace

std::string round_trip_text(double x) {
  if (!std::isfinite(x)) return non_finite(x);
  // nlohmann's serialiser writes the shortest form that reads back to the same double (Grisu2);
  // summary.csv and every committed result use exactly this form, so it must not change.
  std::string text = nlohmann::json(x).dump();
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text;
}

std::string fixed_text(double x, int digits) { return printed("%.*f", digits, x); }
std::string signed_fixed_text(double x, int digits) { return printed("%+.*f", digits, x); }
std::string significant_text(double x, int digits) { return printed("%.*g", digits, x); }
std::string scientific_text(double x, int digits) { return printed("%.*e", digits, x); }

}  // namespace aelab
