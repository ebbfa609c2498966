#include "experiments/common/split_digest.hpp"

#include <cstdint>
#include <vector>

#include "core/util/sha256.hpp"

namespace aelab {

namespace {

// Fixed-width little-endian integers, buffered: the digest does not depend on the host's integer
// layout, and tens of millions of entries cost one pass.
class IntegerHasher {
 public:
  explicit IntegerHasher(Sha256& h) : h_(h) { buffer_.reserve(kChunk + 8); }
  ~IntegerHasher() { flush(); }
  void u64(std::uint64_t x) {
    for (int i = 0; i < 8; ++i) buffer_.push_back(static_cast<unsigned char>(x >> (8 * i)));
    if (buffer_.size() >= kChunk) flush();
  }
  void flush() {
    h_.update(buffer_.data(), buffer_.size());
    buffer_.clear();
  }

 private:
  static constexpr std::size_t kChunk = 1 << 16;
  Sha256& h_;
  std::vector<unsigned char> buffer_;
};

void hash_csr(IntegerHasher& h, const BinaryCsr& m) {
  h.u64(m.n_rows());
  h.u64(m.n_cols());
  for (std::uint64_t p : m.row_ptr()) h.u64(p);
  for (std::uint32_t c : m.col_idx()) h.u64(c);
}

void hash_held_out(IntegerHasher& h, const HeldOutSet& set) {
  h.u64(set.uids.size());
  for (std::uint64_t u : set.uids) h.u64(u);
  hash_csr(h, set.fold_in);
  hash_csr(h, set.held_out);
}

}  // namespace

std::string split_digest(const SplitData& split) {
  Sha256 h;
  h.update(std::string("aelab-split-v1"));
  {
    IntegerHasher ints(h);
    ints.u64(split.n_items());
    hash_csr(ints, split.train);
    hash_held_out(ints, split.validation);
    hash_held_out(ints, split.test);
  }
  return h.hex();
}

std::string matrix_digest(const BinaryCsr& matrix) {
  Sha256 h;
  h.update(std::string("aelab-matrix-v1"));
  {
    IntegerHasher ints(h);
    hash_csr(ints, matrix);
  }
  return h.hex();
}

}  // namespace aelab
