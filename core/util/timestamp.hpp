#pragma once
// Wall-clock time stamps for result files and logs.
#include <string>

namespace aelab {

// Now in UTC, ISO 8601 to the second: "2024-05-01T12:34:56Z".
std::string utc_timestamp();

}  // namespace aelab
