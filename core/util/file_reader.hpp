#pragma once
// The whole content of a file, for the small JSON and binary files aelab reads back (configs, stored
// points, results). The counterpart of write_file_atomically (core/util/file_writer.hpp).
#include <optional>
#include <string>

namespace aelab {

// The bytes of `path`, or nullopt when it cannot be opened or a read fails.
std::optional<std::string> read_file_bytes(const std::string& path);

}  // namespace aelab
