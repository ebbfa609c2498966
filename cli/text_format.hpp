#pragma once
// How the commands and benchmarks print seconds and numbers.
#include <string>

namespace aelab::cli {

// "1.23 s"
std::string seconds_text(double seconds);
// Shortest text that reads back as the same double ("3.5", not "3.500000").
std::string number_text(double x);

}  // namespace aelab::cli
