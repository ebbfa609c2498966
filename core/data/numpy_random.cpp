#include "core/data/numpy_random.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "core/util/error.hpp"

namespace aelab {

namespace {

constexpr std::size_t kStateWords = 624;

// A seed sequence that hands std::mt19937 a given state: the standard's seed(q) takes the 624 words
// of q.generate() as the state X_{-n} .. X_{-1}, from which the next output is computed, which is the
// reference's state with mti = 624. (The engine's textual form is not portable: libstdc++ adds its index.)
struct GivenState {
  using result_type = std::uint32_t;
  std::array<std::uint32_t, kStateWords> words;
  template <typename It>
  void generate(It first, It last) const {
    if (static_cast<std::size_t>(last - first) != kStateWords) throw Error("internal: MT19937 state size");
    std::copy(words.begin(), words.end(), first);
  }
  std::size_t size() const { return kStateWords; }
  template <typename It>
  void param(It out) const {
    std::copy(words.begin(), words.end(), out);
  }
};

// MT19937 init_by_array (Matsumoto and Nishimura's reference, as numpy's mt19937_init_by_array).
void seed_by_array(std::mt19937& engine, const std::vector<std::uint32_t>& key) {
  std::array<std::uint32_t, kStateWords> mt;
  mt[0] = 19650218u;
  for (std::uint32_t i = 1; i < kStateWords; ++i) mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i;
  std::uint32_t i = 1, j = 0;
  for (std::size_t k = std::max(kStateWords, key.size()); k > 0; --k) {
    mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + j;
    if (++i >= kStateWords) {
      mt[0] = mt[kStateWords - 1];
      i = 1;
    }
    if (++j >= key.size()) j = 0;
  }
  for (std::size_t k = kStateWords - 1; k > 0; --k) {
    mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - i;
    if (++i >= kStateWords) {
      mt[0] = mt[kStateWords - 1];
      i = 1;
    }
  }
  mt[0] = 0x80000000u;
  GivenState state{mt};
  engine.seed(state);
}

}  // namespace

void NumpyRandomState::seed(std::uint64_t seed) {
  if (seed <= 0xffffffffULL) engine_.seed(static_cast<std::uint32_t>(seed));
  else seed_by_array(engine_, {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
  has_gauss_ = false;
  gauss_ = 0;
}

double NumpyRandomState::random_sample() {
  const std::uint32_t a = next_uint32() >> 5, b = next_uint32() >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

double NumpyRandomState::standard_normal() {
  if (has_gauss_) {
    has_gauss_ = false;
    return gauss_;
  }
  double x1, x2, r2;
  do {
    x1 = 2.0 * random_sample() - 1.0;
    x2 = 2.0 * random_sample() - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  const double f = std::sqrt(-2.0 * std::log(r2) / r2);
  gauss_ = f * x1;
  has_gauss_ = true;
  return f * x2;
}

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
