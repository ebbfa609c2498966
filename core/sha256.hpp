#pragma once
// SHA-256 digests (OpenSSL EVP) as lowercase hex: to pin files written by aelab (split folders) and to
// check the integrity of input data against published sums.
#include <string>
#include <string_view>

namespace aelab {

std::string sha256_hex(std::string_view bytes);
// Streams the file; throws aelab::Error "<path>: cannot open: <reason>" when it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace aelab
