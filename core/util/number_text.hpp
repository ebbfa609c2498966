#pragma once
// The one set of rules for writing numbers as text:
//  - round_trip_text: the shortest decimal form that reads back to the same double ("0.33", "500",
//    "1e-07"; "nan", "inf", "-inf"), for everything that is read back or compared (CSV, file names,
//    parameter strings, logs of parameter values);
//  - fixed_text / significant_text / scientific_text / signed_fixed_text: for tables people read, with
//    a stated number of digits ("nan"/"inf" spelled out).
#include <string>

namespace aelab {

std::string round_trip_text(double x);
std::string fixed_text(double x, int digits);        // "%.*f"
std::string signed_fixed_text(double x, int digits); // "%+.*f"
std::string significant_text(double x, int digits);  // "%.*g"
std::string scientific_text(double x, int digits);   // "%.*e"

}  // namespace aelab
