#pragma once
// SHA-256 digests (OpenSSL EVP) as lowercase hex: to pin files written by aelab (split folders), to
// check the integrity of input data against published sums, and to key stored results to the exact
// data and config they came from.
#include <cstddef>
#include <string>
#include <string_view>

namespace aelab {

// Incremental digest: update() any number of times, then hex() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // Lower-case hex of the digest; the object cannot be updated afterwards.
  std::string hex();

 private:
  void* context_;  // EVP_MD_CTX
  bool finished_ = false;
};

std::string sha256_hex(std::string_view bytes);
// Streams the file; throws aelab::Error "<path>: cannot open: <reason>" when it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace aelab
