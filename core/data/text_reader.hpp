#pragma once
// Streaming line reader and strict field parsers shared by the loaders. Lines are read in large
// chunks (constant memory whatever the file size), returned without their "\n" or "\r\n", and
// numbered from 1 so every complaint can be reported as "<file>:<line>: expected ..., got ...".
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/error.hpp"

namespace aelab {

class LineReader {
 public:
  // Throws aelab::Error "<path>: cannot open: <reason>" (a folder is "not a regular file").
  explicit LineReader(std::string path);
  // The next line, or false at the end of the file. A final line without "\n" is returned too.
  bool next(std::string_view& line);
  std::size_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }
  std::uint64_t file_size() const { return file_size_; }
  // A guess of the number of lines in the file from its size and the lines of the first chunk, for
  // reserving row storage once (0 before the first line).
  std::size_t estimated_lines() const { return estimated_lines_; }
  // "<path>:<line>: <message>" at the current line.
  Error error(const std::string& message) const { return file_error(path_, line_number_, message); }

 private:
  bool fill();
  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  std::size_t line_number_ = 0;
  std::uint64_t file_size_ = 0;
  std::size_t estimated_lines_ = 0;
};

// Splits `line` at every occurrence of `delimiter` (one or more characters) into `fields`.
void split_fields(std::string_view line, std::string_view delimiter, std::vector<std::string_view>& fields);

// Strict parsers: the whole field must be the number (no spaces, no trailing text).
bool parse_int64(std::string_view text, std::int64_t& value);
bool parse_finite_double(std::string_view text, double& value);

// The text quoted for an error message: control characters escaped, long text shortened.
std::string quote_text(std::string_view text);
// "comma-separated", "tab-separated", "'::'-separated" for messages.
std::string delimiter_description(std::string_view delimiter);

}  // namespace aelab
