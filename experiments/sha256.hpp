#pragma once
// SHA-256 digests (OpenSSL EVP) of files and in-memory data: the provenance recorded in manifests and
// the keys that decide whether a stored result still belongs to a config.
#include <cstddef>
#include <string>

#include "core/split_data.hpp"

namespace aelab {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  void update(const std::string& text) { update(text.data(), text.size()); }
  // Lower-case hex of the digest; the object cannot be updated afterwards.
  std::string hex();

 private:
  void* context_;  // EVP_MD_CTX
  bool finished_ = false;
};

std::string sha256_hex(const std::string& bytes);
// Throws aelab::Error("cannot read <path>") when the file cannot be read.
std::string sha256_file(const std::string& path);

// A digest of exactly what solvers and metrics see: item count, the training matrix and both held-out
// sets (uids, fold-in and held-out rows). Two splits with equal digests give equal results.
std::string split_digest(const SplitData& split);

}  // namespace aelab
