#pragma once
// Incremental SHA-256 (OpenSSL EVP) and the content digest of a split: the provenance recorded in
// manifests and the keys that decide whether a stored result still belongs to a config. Whole files
// and strings: core/sha256.hpp.
#include <cstddef>
#include <string>

#include "core/sha256.hpp"
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

// A digest of exactly what solvers and metrics see: item count, the training matrix and both held-out
// sets (uids, fold-in and held-out rows). Two splits with equal digests give equal results.
std::string split_digest(const SplitData& split);

}  // namespace aelab
