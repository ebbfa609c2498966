#pragma once
// The one reader for every JSON document aelab reads (configs, stored points and records, results
// read back by `aelab plot`, values given on the command line). On top of JSON syntax it refuses what
// nlohmann's plain parser either accepts silently or cannot survive:
//   - nesting deeper than kMaxJsonDepth (a 100,000-deep array exhausted the stack in recursive code
//     that later walks the value: dump, comparison, destruction);
//   - the same key twice in one object (the plain parser keeps the last one, hiding a typo'd override);
//   - numbers that overflow a double (1e400).
// Every failure is one aelab::Error "<source>:<line>:<column>: invalid JSON: <reason>", with the
// JSON path of the value when the reason is about a value rather than about syntax.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace aelab {

// Deep enough for every document aelab writes or documents (a config nests about 5 levels).
constexpr std::size_t kMaxJsonDepth = 64;

nlohmann::json parse_json_checked(const std::string& text, const std::string& source);
// The checked parse of the file at `path`; "<path>: is a directory, expected a JSON file" and
// "<path>: cannot read (<what>)" before any parsing.
nlohmann::json read_json_file(const std::string& path, const std::string& what);

}  // namespace aelab
