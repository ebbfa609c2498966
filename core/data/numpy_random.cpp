#include "core/data/numpy_random.hpp"

#include <limits>
#include <numeric>
#include <utility>

#include "core/util/error.hpp"

namespace aelab {

std::uint64_t NumpyRandomState::next_uint64() {
  const std::uint64_t high = next_uint32();
  return (high << 32) | next_uint32();
}

std::uint64_t NumpyRandomState::random_interval(std::uint64_t max) {
  if (max == 0) return 0;
  std::uint64_t mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  mask |= mask >> 32;
  std::uint64_t value;
  if (max <= 0xffffffffULL) {
    do value = next_uint32() & mask;
    while (value > max);
  } else {
    do value = next_uint64() & mask;
    while (value > max);
  }
  return value;
}

namespace {
template <typename T>
void shuffle_from_back(NumpyRandomState& rng, std::vector<T>& a) {
  for (std::size_t i = a.size(); i-- > 1;) {
    const std::size_t j = static_cast<std::size_t>(rng.random_interval(i));
    std::swap(a[i], a[j]);
  }
}
}  // namespace

std::vector<std::uint64_t> NumpyRandomState::permutation(std::size_t n) {
  std::vector<std::uint64_t> a(n);
  std::iota(a.begin(), a.end(), std::uint64_t{0});
  shuffle_from_back(*this, a);
  return a;
}

void NumpyRandomState::permutation(std::size_t n, std::vector<std::uint32_t>& out) {
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw Error("NumpyRandomState::permutation: n = " + std::to_string(n) + " does not fit 32-bit indices");
  out.resize(n);
  std::iota(out.begin(), out.end(), std::uint32_t{0});
  shuffle_from_back(*this, out);
}

std::vector<std::uint64_t> NumpyRandomState::choice_without_replacement(std::size_t n, std::size_t size) {
  if (size > n)
    throw Error("choice without replacement: cannot take " + std::to_string(size) + " of " + std::to_string(n));
  std::vector<std::uint64_t> a = permutation(n);
  a.resize(size);
  return a;
}

}  // namespace aelab
