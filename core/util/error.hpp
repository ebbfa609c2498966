#pragma once
// One error type for everything a user can get wrong (files, configs, parameters, memory).
// The message is a single line that names where the problem is and what was expected; the CLI prints it
// as `aelab: error: <message>` and exits non-zero.
#include <stdexcept>
#include <string>

namespace aelab {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A problem at a known place in a text file: renders as `path:line: message`.
inline Error file_error(const std::string& path, std::size_t line, const std::string& message) {
  return Error(path + ":" + std::to_string(line) + ": " + message);
}

}  // namespace aelab
